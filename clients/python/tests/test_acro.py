"""The ACRO-compatible session: ACRO's verbs, computed locally, checked by a real airlock at finalise."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airlock import Airlock, UnsupportedOutput
from airlock.acro import ACRO, add_constant


def charities(seed: int = 7, n: int = 400) -> pd.DataFrame:
    """Data shaped like ACRO's test data (charity grants), with a few deliberately small groups."""
    rng = np.random.default_rng(seed)
    year = rng.choice([2010, 2011, 2012, 2013], size=n)
    grant_type = rng.choice(["G", "N", "R", "R/G"], size=n, p=[0.45, 0.35, 0.18, 0.02])
    inc_grants = np.round(rng.gamma(2.0, 5000.0, size=n), 2)
    inc_donations = np.round(rng.gamma(2.0, 2000.0, size=n), 2)
    total_costs = np.round(inc_grants * 0.6 + inc_donations * 0.9 + rng.normal(0, 800, size=n), 2)
    inc_activity = np.round(0.3 * inc_grants + 0.5 * inc_donations + rng.normal(0, 1000, size=n), 2)
    survivor = (rng.random(n) < 1 / (1 + np.exp(-(inc_grants - 10000) / 8000))).astype(int)
    followup = np.round(rng.exponential(30.0, size=n), 0) + 1
    return pd.DataFrame({"year": year, "grant_type": grant_type, "inc_grants": inc_grants, "inc_donations": inc_donations,
                         "total_costs": total_costs, "inc_activity": inc_activity, "survivor": survivor, "followup": followup})


@pytest.fixture()
def acro(server, unique) -> ACRO:
    return ACRO(suppress=False, client=Airlock(server.url, server.tokens["alice"], project=unique, requester="alice", dataset=unique))


def test_an_acro_notebook_ports_by_changing_the_import(server, unique, monkeypatch) -> None:
    # The configuration a notebook never shows: the TRE sets these for the researcher.
    monkeypatch.setenv("AIRLOCK_URL", server.url)
    monkeypatch.setenv("AIRLOCK_TOKEN", server.tokens["alice"])
    monkeypatch.setenv("AIRLOCK_PROJECT", unique)
    monkeypatch.setenv("AIRLOCK_REQUESTER", "alice")
    monkeypatch.setenv("AIRLOCK_DATASET", unique)
    df = charities()
    # -- the notebook, as written for ACRO (only the import changed) --
    acro = ACRO(suppress=False)
    table = acro.crosstab(df.year, df.grant_type)
    acro.crosstab(df.year, df.grant_type, values=df.inc_grants, aggfunc="mean")
    acro.pivot_table(df, index=["grant_type"], values=["inc_grants"], aggfunc=["mean", "std"])
    acro.crosstab(df.year, df.survivor, margins=True)
    new_df = df[["inc_activity", "inc_grants", "inc_donations", "total_costs"]].dropna()
    y = new_df["inc_activity"]
    x = add_constant(new_df[["inc_grants", "inc_donations", "total_costs"]])
    ols = acro.ols(y, x)
    logit = acro.logit(df["survivor"], add_constant(df[["inc_grants", "inc_donations"]]))
    acro.hist(df, "inc_grants", bins=10)
    acro.add_comments("output_0", "Grant types by year; R/G is rare.")
    acro.add_exception("output_0", "R/G grants are published in the annual report, so small counts are public.")
    acro.rename_output("output_3", "survivors_by_year")
    decision = acro.finalise()
    # -- what airlock made of it --
    assert table.loc[2010].sum() == (df.year == 2010).sum()  # the local result is pandas' own
    assert abs(ols.params["inc_grants"] - np.polyfit(x["inc_grants"], y, 1)[0]) < 10  # a real fit
    assert logit.mle_retvals["converged"]
    names = [o.name for o in decision.outputs]
    assert names == ["output_0", "output_1", "output_2_mean", "output_2_std", "survivors_by_year", "output_4", "output_5", "output_6"]
    by = {o.name: o for o in decision.outputs}
    # The rare R/G column has small cells: with the exception request it goes to the checkers.
    assert by["output_0"].outcome == "review"
    assert by["output_0"].exception["justification"].startswith("R/G grants")
    assert by["output_1"].outcome == "reject"  # mean grants with cells of 1-3 charities
    assert by["survivors_by_year"].outcome == "release"
    assert by["survivors_by_year"].table.loc["All", "All"] == len(df)
    assert by["output_4"].kind == "model" and by["output_4"].outcome == "release"
    assert by["output_6"].kind == "plot"
    assert decision.outcome in ("reject", "review")


def test_tables_are_checked_from_the_microdata(acro: ACRO) -> None:
    df = charities()
    local = acro.crosstab(index=[df.year, df.survivor], columns=df.grant_type, values=df.inc_grants, aggfunc="sum", margins=True)
    d = acro.finalise()
    checked = d.output("output_0")
    # airlock computed the same sums pandas did, from the rows sent.
    t = checked.table
    # Labels come back as the text airlock compared them by.
    for (year, surv), row in local.iterrows():
        for gt, v in row.items():
            if not np.isnan(v):
                assert t.loc[(str(year), str(surv)), gt] == pytest.approx(v, rel=1e-9)
    # Only the columns used travelled.
    sent = acro.results["output_0"].outputs[0]["microdata"]["data"]
    assert sent.splitlines()[0] == "year,survivor,grant_type,inc_grants"


def test_unnamed_arrays_and_rownames(acro: ACRO) -> None:
    df = charities()
    acro.crosstab(df.year.to_numpy(), [df.grant_type.to_numpy()], rownames=["year"])
    d = acro.finalise()
    assert d.output("output_0").table.index.name == "year"
    assert d.output("output_0").table.columns.name == "col_0"


def test_models_carry_their_size_and_each_terms_n(acro: ACRO) -> None:
    df = charities()
    df["rare"] = 0
    df.loc[df.index[:4], "rare"] = 1  # a dummy only four charities have
    acro.olsr("inc_activity ~ inc_grants + inc_donations + rare", data=df)
    acro.probitr("survivor ~ inc_grants", data=df)
    d = acro.finalise()
    model = acro.results["output_0"].outputs[0]
    terms = {c["term"]: c for c in model["coefficients"]}
    assert model["family"] == "ols" and model["n_obs"] == len(df) and model["n_params"] == 4
    assert terms["rare"]["n"] == 4 and terms["inc_grants"]["n"] == len(df)
    assert d.output("output_0").outcome == "reject"  # the four-charity dummy is a small cell
    assert "min_count" in set(d.output("output_0").findings.query("status == 'fail'").check)
    assert d.output("output_1").outcome == "release"


def test_survival_and_histograms(acro: ACRO) -> None:
    df = charities()
    table = acro.surv_func(df.followup, df.survivor, output="table")
    assert "num at risk" in table.columns
    acro.hist(df, "inc_grants", bins=[0, 5000, 10000, 20000, 40000, 1e6])
    acro.pie(df, "grant_type")
    d = acro.finalise()
    km = d.output("output_0")
    assert km.kind == "plot" and km.outcome == "reject"  # single deaths at late times
    assert {"survival_step"} <= set(km.findings.query("status == 'fail'").check)
    assert d.output("output_2").outcome == "reject"  # R/G is a slice of a handful


def test_session_verbs(acro: ACRO, tmp_path: Path) -> None:
    df = charities()
    acro.crosstab(df.year, df.survivor)
    acro.crosstab(df.year, df.grant_type)
    (tmp_path / "notes.txt").write_text("Methods: see the protocol.\n")
    assert acro.custom_output(str(tmp_path / "notes.txt"), "the methods note") is True
    acro.remove_output("output_1")
    listing = acro.print_outputs()
    assert "output_0" in listing and "output_1" not in listing and "the methods note" in listing
    with pytest.raises(KeyError):
        acro.add_comments("output_1", "gone")
    with pytest.raises(ValueError):
        acro.add_exception("output_0", "short")
    folder = tmp_path / "results"
    d = acro.finalise(str(folder))
    assert [o.name for o in d.outputs] == ["output_0", "output_2"]
    saved = json.loads((folder / "decision.json").read_text())
    from airlock import verify_decision

    assert verify_decision(saved, json.loads((folder / "jwks.json").read_text())).decision_id == d.id
    assert acro.finalise(str(folder)) is None  # an existing folder is never overwritten


def test_what_airlock_cannot_check_is_refused_before_anything_is_sent(acro: ACRO) -> None:
    df = charities()
    with pytest.raises(UnsupportedOutput, match="mode"):
        acro.crosstab(df.year, df.grant_type, values=df.inc_grants, aggfunc="mode")
    with pytest.raises(UnsupportedOutput):
        acro.surv_func(df.followup, df.survivor, output="table", freq_weights=np.ones(len(df)))
    assert acro.results == {}
    assert acro.finalise() is None


def test_suppression_resubmits_protected_versions(acro: ACRO, caplog) -> None:
    from test_client import three_by_three

    df = three_by_three()
    acro.enable_suppression()
    acro.crosstab(df.region, df.age)
    with caplog.at_level(logging.INFO, logger="airlock.acro"):
        d = acro.finalise()
    assert d.output("output_0").outcome == "reject"
    p = acro.protected_decision
    assert d.output("output_0").resubmit is not None
    assert p is not None and p.outcome == "release", p.summary() if p else None
    assert [o.name for o in p.outputs] == ["output_0"]
