"""The client against a real airlock: tables through the streamed CSV route, every kind through
submit, refusals as errors with stable codes, auditors' reads, reviews."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from airlock import Airlock, AirlockError, ApiError, outputs
from airlock._csv import csv_text


def cohort(n_north: int = 4, n_south: int = 25) -> pd.DataFrame:
    """region × sex with n_north people per sex in the north: small cells when n_north < 10.

    Carries columns no table here uses (a name, a date of birth): they must never be sent.
    """
    rows = []
    for region, n in (("north", n_north), ("south", n_south)):
        for sex in ("F", "M"):
            for i in range(n):
                rows.append({"patient": f"{region}-{sex}-{i}", "name": f"Person {region} {sex} {i}", "dob": f"19{50 + i % 40}-01-01",
                             "region": region, "sex": sex, "cost": 100.0 + 7 * i + (50 if sex == "F" else 0)})
    return pd.DataFrame(rows)


def sent_digest(df: pd.DataFrame, cols) -> str:
    return hashlib.sha256(csv_text(df.loc[:, cols]).encode()).hexdigest()


def three_by_three(small: int = 3) -> pd.DataFrame:
    """region × age with one small cell (north, young) among large ones: protectable by suppression."""
    sizes = {("north", "young"): small, ("north", "old"): 25, ("north", "mid"): 30, ("south", "young"): 22, ("south", "old"): 28,
             ("south", "mid"): 31, ("east", "young"): 24, ("east", "old"): 26, ("east", "mid"): 27}
    rows = [{"region": r, "age": a, "nhs_number": f"{r}{a}{i}"} for (r, a), n in sizes.items() for i in range(n)]
    return pd.DataFrame(rows)


def test_a_small_cell_table_is_rejected_with_findings_cells_and_a_protected_version(client: Airlock) -> None:
    df = three_by_three()
    d = client.check_table(df, index="region", columns="age")
    assert d.outcome == "reject" and not d.released
    out = d.output("region_by_age")
    # The table airlock computed is the crosstab pandas computes from the same rows (in
    # airlock's category order).
    expected = pd.crosstab(df.region, df.age).reindex(index=d.table.index, columns=d.table.columns)
    assert sorted(d.table.index) == sorted(expected.index) and sorted(d.table.columns) == sorted(expected.columns)
    assert (d.table.values == expected.values).all()
    f = d.findings
    assert list(f.columns[:3]) == ["output", "check", "status"]
    min_count = f[f.check == "min_count"].iloc[0]
    assert (min_count.status, min_count.cells) == ("fail", 1)
    assert "10" in min_count.message and min_count.remedy
    cells = d.failing_cells
    small = cells[cells.check == "min_count"]
    assert small[["region", "age", "count"]].values.tolist() == [["north", "young", 3]]
    # The protected version hides the small cell and the complements that keep it from being
    # recalculated from the totals (at least one more in its row and its column).
    p = d.protected
    assert math.isnan(p.loc["north", "young"])
    assert p.loc["north"].isna().sum() >= 2 and p["young"].isna().sum() >= 2
    assert p.notna().values.sum() >= 1 and p.isna().values.sum() >= 4
    assert out.protected_csv.startswith("region,")
    # Only the columns the table needs were sent (not the NHS numbers), and the decision
    # names exactly those bytes.
    assert out.sha256 == sent_digest(df, ["region", "age"])


def test_the_protected_version_resubmitted_is_released(client: Airlock, unique: str) -> None:
    d = client.check_table(three_by_three(), index="region", columns="age", name="by_age")
    assert d.outcome == "reject"
    out = d.output("by_age")
    assert out.protected is not None
    form = out.resubmit
    assert form is not None, "a failing table's protected version comes with its resubmit form"
    assert form["protection"].count(".") == 2  # airlock's compact JWS over the form
    # The signed decision names the token; the form (with the suppressed cells' evidence) is
    # beside the decision, never in what is signed, recorded and packaged for release.
    assert out.protected_raw["protection"]["jti"]
    assert form["protection_salt"] not in json.dumps(d.body)
    hidden = [c["labels"] for c in form["cells"] if c.get("suppressed")]
    assert {"region": "north", "age": "young"} in hidden and len(hidden) >= 4
    again = d.resubmit_protected()
    assert again.outcome == "release", again.summary()
    assert (again.project, again.requester, again.dataset) == (d.project, d.requester, d.dataset)
    published = again.output("by_age").raw["table"]["cells"]
    assert {"region": "north", "age": "young"} not in [c["labels"] for c in published if not c.get("suppressed")]
    assert again.verify().outcome == "release"


def test_a_safe_table_is_released_and_matches_pandas(client: Airlock) -> None:
    df = cohort(n_north=12)
    d = client.check_table(df, index=["region"], columns=["sex"], values="cost", aggfunc="mean", margins=True, name="mean_cost")
    assert d.outcome == "release", d.summary()
    t = d.table
    expected = pd.pivot_table(df, index="region", columns="sex", values="cost", aggfunc="mean", margins=True)
    assert list(t.index) == ["north", "south", "All"] and list(t.columns) == ["F", "M", "All"]
    for r in t.index:
        for c in t.columns:
            assert math.isclose(t.loc[r, c], expected.loc[r, c], rel_tol=1e-12)
    assert d.protected is None
    assert d.output("mean_cost").sha256 == sent_digest(df, ["region", "sex", "cost"])


def test_every_microdata_form_streams_the_same_bytes(client: Airlock, tmp_path: Path) -> None:
    df = cohort(n_north=12)[["region", "sex"]]
    as_file = tmp_path / "cohort.csv"
    as_file.write_text(csv_text(df))
    digests = set()
    for data, kw in (
        (df, {}),
        (df, {"chunk_rows": 7}),  # many chunks on the wire, one body
        (df.to_dict("records"), {}),
        (csv_text(df), {}),
        (str(as_file), {}),
    ):
        d = client.check_table(data, index="region", columns="sex", name="t", **kw)
        assert d.outcome == "release"
        digests.add(d.output("t").sha256)
    assert digests == {hashlib.sha256(as_file.read_bytes()).hexdigest()}


def test_a_column_name_with_a_comma_goes_through_the_json_route(client: Airlock) -> None:
    df = cohort(n_north=12).rename(columns={"region": "region, 2024"})
    d = client.check_table(df, index="region, 2024", columns="sex", name="commas")
    assert d.outcome == "release"
    assert d.table.index.name == "region, 2024"


def test_what_airlock_refuses_is_an_error_with_a_stable_code(server, client: Airlock) -> None:
    with pytest.raises(KeyError):  # caught before anything is sent
        client.check_table(cohort(), index="postcode")
    with pytest.raises(ApiError) as e:
        client.check_table("region,sex\nnorth,F\n", index="postcode")
    assert e.value.status == 422 and e.value.code == "UNKNOWN_COLUMN"
    with pytest.raises(ApiError) as e:
        client.check_table(cohort(), index="region", values="cost", aggfunc="mode")
    assert e.value.status == 400 and e.value.code == "INVALID_REQUEST" and e.value.errors
    with pytest.raises(ApiError) as e:
        Airlock(server.url, "not-a-token", project="p").check_table(cohort(), index="region")
    assert (e.value.status, e.value.code) == (401, "UNAUTHENTICATED")
    with pytest.raises(ApiError) as e:
        Airlock(server.url, server.tokens["auditor-only"], project="p").check_table(cohort(), index="region")
    assert (e.value.status, e.value.code) == (403, "FORBIDDEN")
    with pytest.raises(ValueError, match="unique"):
        client.submit([outputs.summary("s", [{"name": "a", "statistic": "mean", "n": 50, "value": 1}])] * 2)


def test_submit_checks_every_kind_in_one_decision(client: Airlock) -> None:
    df = cohort(n_north=12)
    decision = client.submit(
        [
            outputs.table("by_region", df, index="region", columns="sex"),
            outputs.cells("declared", [{"labels": {"site": "A"}, "count": 41}, {"labels": {"site": "B"}, "count": 3}]),
            outputs.model("tiny_model", family="ols", n_obs=12, n_params=8),
            outputs.summary("ages", [{"name": "age", "statistic": "max", "n": 120, "value": 97}]),
            outputs.records("extract", [{"age_band": "40-49", "sex": "F", "diagnosis": "E11"}] * 3, quasi_identifiers=["age_band", "sex"]),
            outputs.file("notes", b"All counts are of hospitals.\n", filename="notes.txt"),
            outputs.file("model_pickle", b"\x80\x04\x95\x00", filename="model.pkl"),
        ]
    )
    by = {o.name: o.outcome for o in decision.outputs}
    assert by["by_region"] == "release"
    assert by["declared"] == "reject"  # site B has 3
    assert by["tiny_model"] == "reject"  # 4 residual degrees of freedom
    assert by["ages"] == "reject"  # a maximum is one person's value
    assert by["extract"] == "reject"  # a class of 3 < k
    assert by["model_pickle"] == "reject"  # blocked type
    assert decision.outcome == "reject"
    failing = decision.findings[decision.findings.status == "fail"]
    assert {"min_count", "residual_dof", "extremes", "k_anonymity", "file_type"} <= set(failing.check)
    with pytest.raises(AirlockError, match="2 table outputs"):
        decision.table
    assert decision.output("by_region").table.loc["north", "F"] == 12
    assert decision["declared"].table_cells["count"].tolist() == [41, 3]


def test_an_exception_goes_to_review_and_two_checkers_release_it(server, client: Airlock, unique: str) -> None:
    df = cohort()
    d = client.submit(outputs.table("hospital_counts", df, index="region", columns="sex",
                                    exception="The counts are of hospitals, which are published every year."), project=unique)
    assert d.outcome == "review"
    f = d.findings
    assert set(f[f.check == "min_count"].original_status) == {"fail"}
    first = Airlock(server.url, server.tokens["checker-1"]).review(d.id, "release", "Hospital counts are public; nobody is identifiable.")
    assert first["state"] == "approving" and first["final"] is None
    second = Airlock(server.url, server.tokens["checker-2"]).review(d.id, "release", "Agreed: hospital-level counts, no patient identifiable.")
    assert second["state"] == "released" and second["final"]["decision"]["outcome"] == "release"
    # The researcher sees the outcome, never the votes; an auditor sees every signed vote.
    mine = client.review_status(d.id)
    assert mine["state"] == "released" and mine["reviews"] == []
    audited = Airlock(server.url, server.tokens["auditor-only"]).review_status(d.id)
    assert audited["state"] == "released" and len(audited["reviews"]) == 2
    # Verdicts and the final record are signed like decisions.
    assert client.verify(second["final"]).outcome == "release"
    # A checker cannot judge twice; the error carries the code.
    with pytest.raises(ApiError) as e:
        Airlock(server.url, server.tokens["checker-1"]).review(d.id, "reject", "Changed my mind about this one.")
    assert e.value.status == 409 and e.value.code == "CONFLICT"


def test_auditors_page_through_decisions(server, client: Airlock, unique: str) -> None:
    made = [client.check_table(cohort(n_north=12), index="region", project=unique, name=f"t{i}").id for i in range(3)]
    auditor = Airlock(server.url, server.tokens["auditor-only"])
    seen = [d.id for d in auditor.decisions(project=unique, page_size=1)]
    assert seen == made[::-1]  # newest first, every page followed
    assert [d.id for d in auditor.decisions(project=unique, limit=2)] == made[::-1][:2]
    assert all(d.released for d in auditor.decisions(project=unique, outcome="release"))


def _proxy(server, *mode: str):
    """clients/testing/flaky-proxy.cjs in front of the server: every other POST answered 503."""
    import subprocess

    from conftest import REPO

    proc = subprocess.Popen(["node", str(REPO / "clients/testing/flaky-proxy.cjs"), server.url, *mode], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture()
def flaky(server):
    yield from _proxy(server)


@pytest.fixture()
def lossy(server):
    """The proxy forwarding every other POST but losing its answer (airlock decided; the client never heard)."""
    yield from _proxy(server, "lose-answer")


def _seen(proxy: str) -> list:
    import requests

    return requests.get(proxy + "/__seen", timeout=30).json()


def test_a_transient_failure_is_retried_with_the_same_idempotency_key(server, flaky) -> None:
    c = Airlock(flaky, server.tokens["alice"], project="retry", requester="alice", dataset="retry")
    d = c.submit(outputs.summary("s", [{"name": "age", "statistic": "mean", "n": 50, "value": 41.5}]))
    assert d.outcome == "release"
    (first, second) = _seen(flaky)
    assert first["key"] and first == second
    # The streamed CSV route: the generator body is made afresh and sent whole again.
    t = c.check_table(three_by_three(small=12), index="region", columns="age", name="t")
    assert t.outcome == "release"
    third, fourth = _seen(flaky)[2:]
    assert third == fourth and fourth["sha256"] == t.output("t").sha256
    c.retries = 0
    with pytest.raises(ApiError) as e:
        c.submit(outputs.summary("s", [{"name": "age", "statistic": "mean", "n": 50, "value": 41.5}]))
    assert (e.value.status, e.value.code) == (503, "STORE_UNAVAILABLE") and len(_seen(flaky)) == 5


def test_a_retry_after_a_lost_answer_gets_the_recorded_decision_not_a_second_one(server, lossy, unique: str) -> None:
    c = Airlock(lossy, server.tokens["alice"], project=unique, requester="alice", dataset=unique)
    d = c.submit(outputs.summary("s", [{"name": "age", "statistic": "mean", "n": 50, "value": 41.5}]))
    t = c.check_table(three_by_three(small=12), index="region", columns="age", name="t")
    assert d.replayed and t.replayed
    first, second, third, fourth = _seen(lossy)
    assert first == second and third == fourth
    auditor = Airlock(server.url, server.tokens["auditor-only"])
    # Four requests reached airlock twice each in pairs; two decisions were made, the ones returned.
    assert sorted(x.id for x in auditor.decisions(project=unique)) == sorted([d.id, t.id])
    assert d.verify(c.jwks()).outcome == "release"


def test_a_decision_about_other_bytes_is_never_accepted(client: Airlock) -> None:
    d = client.check_table(cohort(n_north=12), index="region", name="t")
    from airlock import Decision

    wrong = Decision(d.raw, client=client, sent_digests={"t": "0" * 64})
    with pytest.raises(AirlockError, match="sha256"):
        wrong.check_digests()


NO_PANDAS = r"""
import sys
sys.modules["pandas"] = None        # as if pandas were not installed
sys.modules["cryptography"] = None  # nor cryptography
sys.path.insert(0, sys.argv[3])
from airlock import Airlock
c = Airlock(sys.argv[1], sys.argv[2], project="no-pandas", requester="alice", dataset="no-pandas")
rows = [{"region": "north", "sex": "F"}] * 3 + [{"region": "south", "sex": "F"}] * 30
d = c.check_table(rows, index="region", columns="sex")
assert d.outcome == "reject", d.outcome
assert isinstance(d.findings, list) and {"check": "min_count", "status": "fail"}.items() <= d.findings[0].items()
assert d.failing_cells[0]["region"] == "north" and d.failing_cells[0]["count"] == 3
assert sorted((c["labels"]["region"], c["value"]) for c in d.table) == [("north", 3), ("south", 30)]
try:
    d.verify(c.jwks())
except ImportError as e:
    assert "cryptography" in str(e)
else:
    raise AssertionError("verify without cryptography must say what is missing")
print("ok")
"""


def test_the_client_works_without_pandas(server) -> None:
    import subprocess
    import sys

    src = str(Path(__file__).resolve().parents[1] / "src")
    r = subprocess.run([sys.executable, "-c", NO_PANDAS, server.url, server.tokens["alice"], src], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def test_health_and_notebook_display(server, client: Airlock) -> None:
    with Airlock(server.url) as anonymous:  # health needs no token
        assert anonymous.healthz()["status"] == "ok"
        assert anonymous.readyz()["status"] == "ready"
    d = client.check_table(three_by_three(), index="region", columns="age", name="shown")
    html = d._repr_html_()
    assert "reject" in html and "min_count" in html and "<table>" in html
    assert repr(d) == f"<Decision {d.id} reject (shown: reject)>"
