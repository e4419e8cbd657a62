"""An ACRO session backed by airlock: port an ACRO notebook by changing its import.

ACRO (github.com/AI-SDC/ACRO) wraps pandas and statsmodels so a researcher's outputs are
risk-assessed as they are made, and ``finalise`` bundles them for the output checkers. This
module keeps ACRO's verbs and their signatures — ``crosstab``, ``pivot_table``, ``ols``/``olsr``,
``logit``/``logitr``, ``probit``/``probitr``, ``hist``, ``pie``, ``surv_func``,
``custom_output``, and the session verbs ``add_comments``, ``add_exception``,
``rename_output``, ``remove_output``, ``print_outputs``, ``finalise`` — and has airlock decide:

- each verb computes its result locally with pandas/statsmodels and returns what ACRO returns;
- it records the output as airlock will check it: tables, histograms, pie charts and survival
  curves as the **microdata** behind them plus what to compute, models as their size and
  coefficients (with each term's n);
- ``finalise()`` sends the session as one request and returns airlock's signed ``Decision``.
  Nothing is sent before: an output you remove never reaches the release history.

::

    # from acro import ACRO           # before
    from airlock.acro import ACRO       # after: AIRLOCK_URL, AIRLOCK_TOKEN, AIRLOCK_PROJECT set
    acro = ACRO(suppress=False)
    acro.crosstab(df.year, df.grant_type)
    acro.add_comments("output_0", "Grant types by year.")
    decision = acro.finalise()
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import outputs as _out
from .client import Airlock
from .decision import Decision
from .errors import AirlockError, UnsupportedOutput

__all__ = ["ACRO", "add_constant", "add_to_acro"]

logger = logging.getLogger("airlock.acro")

# pandas' aggregation names airlock computes; ACRO's "mode" is not one of them.
_AGGFUNCS = {"count", "sum", "mean", "median", "min", "max", "std"}


def add_constant(data: Any, prepend: bool = True, has_constant: str = "skip") -> Any:
    """statsmodels' ``add_constant``, as ``from acro import add_constant`` gives it."""
    import statsmodels.api as sm

    return sm.add_constant(data, prepend=prepend, has_constant=has_constant)


@dataclass
class Record:
    """One output of the session, as ACRO keeps it: what ran, what airlock will check, notes."""

    uid: str
    output_type: str
    method: str
    command: str
    outputs: List[Dict[str, Any]]
    result: Any = None
    comments: List[str] = field(default_factory=list)
    exception: Optional[str] = None


def _pd() -> Any:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - pandas is what ACRO users have
        raise ImportError("the ACRO session needs pandas (Debian: python3-pandas)") from e
    return pd


def _as_series_list(x: Any) -> List[Any]:
    pd = _pd()
    if x is None:
        return []
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (str, int, float, bool)):
        return [s if isinstance(s, pd.Series) else pd.Series(s) for s in x]
    if isinstance(x, pd.DataFrame):
        return [x[c] for c in x.columns]
    return [x if isinstance(x, pd.Series) else pd.Series(x)]


def _names(series: List[Any], given: Optional[Sequence[str]], prefix: str, taken: List[str]) -> List[str]:
    # pandas.crosstab names unnamed arrays row_0…/col_0…; names must be unique columns here.
    out = []
    for i, s in enumerate(series):
        n = str(given[i]) if given is not None and i < len(given) else (str(s.name) if s.name is not None else f"{prefix}_{i}")
        base, k = n, 1
        while n in taken or n in out:
            n = f"{base}_{k}"
            k += 1
        out.append(n)
    return out


def _aggfuncs(aggfunc: Union[str, Sequence[str], None]) -> List[Optional[str]]:
    if aggfunc is None:
        return [None]
    funcs = [aggfunc] if isinstance(aggfunc, str) else list(aggfunc)
    for f in funcs:
        if not isinstance(f, str) or f not in _AGGFUNCS:
            raise UnsupportedOutput(
                f"airlock cannot check a table of {f!r}: use one of {sorted(_AGGFUNCS)}"
                + (" (a mode is one record's value)" if f == "mode" else "")
            )
    return funcs


class ACRO:
    """An ACRO-compatible session that airlock checks at ``finalise``.

    ``config`` names ACRO's risk-appetite file; airlock applies the rules its governance team
    keeps (per project), so only ``"default"`` is accepted silently. ``suppress=True`` makes
    ``finalise`` also submit airlock's protected version of every rejected table
    (``protected_decision``). The connection comes from ``url``/``token``/``project``/
    ``requester``/``dataset`` or the ``AIRLOCK_*`` environment variables, or pass ``client``.
    """

    def __init__(
        self,
        config: str = "default",
        suppress: bool = False,
        *,
        client: Optional[Airlock] = None,
        url: Optional[str] = None,
        token: Optional[str] = None,
        project: Optional[str] = None,
        requester: Optional[str] = None,
        dataset: Optional[str] = None,
        **acro_options: Any,
    ) -> None:
        if config != "default":
            logger.warning("config %r: airlock applies the rules of its governance team, not an ACRO config file", config)
        for k in acro_options:
            if k not in ("mitigation", "round_base", "federated"):
                raise TypeError(f"ACRO() got an unexpected keyword argument {k!r}")
        if acro_options.get("federated"):
            raise UnsupportedOutput("federated mode collects evidence for another aggregator; airlock decides itself")
        self.client = client or Airlock(url, token, project=project, requester=requester, dataset=dataset)
        self.suppress = bool(suppress)
        self.results: Dict[str, Record] = {}
        self._next = 0
        self.decision: Optional[Decision] = None
        self.protected_decision: Optional[Decision] = None
        logger.info("airlock session for project %s at %s (checked at finalise)", self.client.project, self.client.url)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _add(self, output_type: str, method: str, command: str, outs: List[Dict[str, Any]], result: Any) -> str:
        uid = f"output_{self._next}"
        self._next += 1
        self.results[uid] = Record(uid, output_type, method, command, outs, result)
        logger.info("%s: %s recorded; airlock checks it at finalise()", uid, method)
        return uid

    def _record(self, key: str) -> Record:
        if key not in self.results:
            raise KeyError(f"no output {key!r} in this session (outputs: {', '.join(self.results) or 'none'})")
        return self.results[key]

    def enable_suppression(self) -> None:
        self.suppress = True

    def disable_suppression(self) -> None:
        self.suppress = False

    def enable_rounding(self, base: Optional[int] = None) -> None:
        """ACRO's rounding: here governance chooses how protected versions protect (suppression,
        rounding or both, per project), so this asks for airlock's protected versions as
        ``enable_suppression`` does; ``base`` is governance's too."""
        if base is not None:
            logger.warning("rounding base %s ignored: the rounding base is set by the TRE's rules", base)
        self.suppress = True

    def disable_rounding(self) -> None:
        self.suppress = False

    # -- tables --------------------------------------------------------------------------------

    def crosstab(
        self,
        index: Any,
        columns: Any,
        values: Any = None,
        rownames: Any = None,
        colnames: Any = None,
        aggfunc: Union[str, Sequence[str], None] = None,
        margins: bool = False,
        margins_name: str = "All",
        dropna: bool = True,
        normalize: Union[bool, str] = False,
        show_suppressed: bool = False,
    ) -> Any:
        """``pandas.crosstab``, recorded for airlock as the microdata it is computed from.

        With ``normalize`` the published proportions come from the same counts, which is
        what airlock checks. Several ``aggfunc``s make one checked table each.
        """
        pd = _pd()
        _ = dropna, show_suppressed  # ACRO forces dropna=False; show_suppressed is obsolete
        if aggfunc is not None and (values is None or isinstance(values, list)):
            raise ValueError("If you pass an aggregation function to crosstab you must also specify a single values column to aggregate over.")
        funcs = _aggfuncs(aggfunc)
        rows, cols = _as_series_list(index), _as_series_list(columns)
        row_names = _names(rows, rownames, "row", [])
        col_names = _names(cols, colnames, "col", row_names)
        frame = pd.DataFrame({n: s.to_numpy() for n, s in zip(row_names + col_names, rows + cols)})
        value_name = None
        if values is not None:
            v = values if isinstance(values, pd.Series) else pd.Series(values)
            value_name = _names([v], None, "values", row_names + col_names)[0]
            frame[value_name] = v.to_numpy()
        table = pd.crosstab(
            [frame[n] for n in row_names],
            [frame[n] for n in col_names],
            values=frame[value_name] if value_name else None,
            aggfunc=aggfunc,
            margins=margins,
            margins_name=margins_name,
            dropna=False,
            normalize=normalize,
        )
        outs = [
            _out.table("", frame, row_names, col_names, value_name, f, margins) for f in funcs
        ]
        self._add("table", "crosstab", "crosstab()", outs, table)
        return table

    def pivot_table(
        self,
        data: Any,
        values: Any = None,
        index: Any = None,
        columns: Any = None,
        aggfunc: Union[str, Sequence[str]] = "mean",
        fill_value: Any = None,
        margins: bool = False,
        dropna: bool = True,
        margins_name: str = "All",
        observed: bool = False,
        sort: bool = True,
        **kwargs: Any,
    ) -> Any:
        """``pandas.pivot_table`` of one values column, recorded as microdata for airlock."""
        pd = _pd()
        _ = dropna
        if values is None:
            raise ValueError("You must  specify at least one values column to report statistics about.")
        if isinstance(values, list):
            if len(values) > 1:
                raise ValueError("Specifying multiple values columns is not currently supported.")
            values = values[0]
        funcs = _aggfuncs(aggfunc)
        idx, cols = _out.as_list(index), _out.as_list(columns)
        table = pd.pivot_table(
            data, values=values, index=idx, columns=cols or None, aggfunc=aggfunc, fill_value=fill_value,
            margins=margins, dropna=False, margins_name=margins_name, observed=observed, sort=sort, **kwargs,
        )
        outs = [_out.table("", data, idx, cols, values, f, margins) for f in funcs]
        self._add("table", "pivot_table", "pivot_table()", outs, table)
        return table

    # -- regressions ---------------------------------------------------------------------------

    def _model(self, method: str, results: Any) -> Any:
        self._add("regression", method, f"{method}()", [_out.model("", results)], results)
        return results

    def ols(self, endog: Any, exog: Any = None, missing: str = "none", hasconst: Optional[bool] = None, **kwargs: Any) -> Any:
        """Ordinary least squares (``statsmodels.api.OLS(...).fit()``)."""
        import statsmodels.api as sm

        return self._model("ols", sm.OLS(endog, exog=exog, missing=missing, hasconst=hasconst, **kwargs).fit())

    def olsr(self, formula: str, data: Any, subset: Any = None, drop_cols: Any = None, *args: Any, **kwargs: Any) -> Any:
        """OLS from an R-style formula (``statsmodels.formula.api.ols``)."""
        import statsmodels.formula.api as smf

        return self._model("olsr", smf.ols(formula=formula, data=data, subset=subset, drop_cols=drop_cols).fit())

    def logit(self, endog: Any, exog: Any, missing: Optional[str] = None, check_rank: bool = True) -> Any:
        """Logistic regression (``statsmodels.api.Logit(...).fit()``)."""
        import statsmodels.api as sm

        return self._model("logit", sm.Logit(endog, exog, missing=missing, check_rank=check_rank).fit(disp=0))

    def logitr(self, formula: str, data: Any, subset: Any = None, drop_cols: Any = None, *args: Any, **kwargs: Any) -> Any:
        import statsmodels.formula.api as smf

        return self._model("logitr", smf.logit(formula=formula, data=data, subset=subset, drop_cols=drop_cols).fit(disp=0))

    def probit(self, endog: Any, exog: Any, missing: Optional[str] = None, check_rank: bool = True) -> Any:
        """Probit regression (``statsmodels.api.Probit(...).fit()``)."""
        import statsmodels.api as sm

        return self._model("probit", sm.Probit(endog, exog, missing=missing, check_rank=check_rank).fit(disp=0))

    def probitr(self, formula: str, data: Any, subset: Any = None, drop_cols: Any = None, *args: Any, **kwargs: Any) -> Any:
        import statsmodels.formula.api as smf

        return self._model("probitr", smf.probit(formula=formula, data=data, subset=subset, drop_cols=drop_cols).fit(disp=0))

    # -- plots ---------------------------------------------------------------------------------

    @staticmethod
    def _save_figure(filename: str, draw: Any) -> Optional[str]:
        """Draws with matplotlib when it is installed; the checked output is the plot's data either way."""
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return None
        stem, ext = os.path.splitext(filename)
        n, name = 0, filename
        while os.path.exists(name):
            n += 1
            name = f"{stem}_{n}{ext}"
        draw(plt)
        plt.savefig(name)
        plt.close()
        return name

    def hist(self, data: Any, column: str, by_val: Any = None, grid: bool = True, xlabelsize: Optional[int] = None,
             xrot: Optional[float] = None, ylabelsize: Optional[int] = None, yrot: Optional[float] = None, axis: Any = None,
             sharex: bool = False, sharey: bool = False, figsize: Optional[Tuple[float, float]] = None,
             layout: Optional[Tuple[int, int]] = None, bins: Any = 10, backend: Optional[str] = None,
             legend: bool = False, filename: str = "histogram.png", **kwargs: Any) -> Optional[str]:
        """A histogram of one column (bins as pandas/numpy make them), one per group with ``by_val``.

        Returns the saved figure's file name (when matplotlib is installed), as ACRO does.
        """
        if isinstance(column, list):
            raise UnsupportedOutput("a histogram of more than one column: do each column separately")
        if by_val is None:
            outs = [_out.histogram("", data, column, bins)]
        else:
            outs = []
            for group, part in data.groupby(by_val, dropna=True):
                o = _out.histogram("", part, column, bins)
                o["_suffix"] = str(group)
                outs.append(o)
        name = self._save_figure(filename, lambda plt: data.hist(column=column, by=by_val, grid=grid, bins=bins, legend=legend, **kwargs))
        self._add("histogram", "histogram", "hist()", outs, name)
        return name

    def pie(self, data: Any, column: str, filename: str = "pie.png", **kwargs: Any) -> Optional[str]:
        """A pie chart of a categorical column (one slice per category)."""
        out = _out.bar("", data, column, type="pie")

        def draw(plt: Any) -> None:
            counts = data[column].value_counts()
            _, ax = plt.subplots()
            ax.pie(counts.values, labels=counts.index, **kwargs)

        name = self._save_figure(filename, draw)
        self._add("pie chart", "pie", "pie()", [out], name)
        return name

    def surv_func(self, time: Any, status: Any, output: str, entry: Any = None, title: Any = None,
                  freq_weights: Any = None, exog: Any = None, bw_factor: float = 1.0,
                  filename: str = "kaplan-meier.png") -> Any:
        """A Kaplan-Meier estimate (``statsmodels`` ``SurvfuncRight``) as a table or a plot.

        airlock checks the curve's risk set at every time; left truncation (``entry``), weights
        and ``exog`` change the risk set in ways it cannot check, so they are refused.
        """
        if entry is not None or freq_weights is not None or exog is not None:
            raise UnsupportedOutput("airlock checks unweighted right-censored survival curves: entry, freq_weights and exog are not supported")
        if output not in ("table", "plot"):
            return None
        import statsmodels.api as sm

        sf = sm.SurvfuncRight(time, status, title=title)
        table = sf.summary()
        out = _out.kaplan_meier("", list(time), list(status))
        if output == "table":
            self._add("table", "surv func", "surv_func()", [out], table)
            return table
        name = self._save_figure(filename, lambda plt: sf.plot())
        self._add("survival plot", "surv_func", "surv_func()", [out], name)
        return (None, name or "")

    # -- other files ----------------------------------------------------------------------------

    def custom_output(self, filename: str, comment: str = "") -> bool:
        """Adds a file airlock checks as a file (blocked types, formula cells); ACRO's return value."""
        out = _out.file("", filename)
        uid = self._add("custom", "custom", "custom", [out], filename)
        if comment:
            self.results[uid].comments.append(comment)
        return True

    # -- session management (ACRO's verbs) -------------------------------------------------------

    def add_comments(self, output: str, comment: str) -> None:
        self._record(output).comments.append(comment)

    def add_exception(self, output: str, reason: str) -> None:
        """Asks the output checkers to release the output despite failing checks (10+ characters)."""
        if len(reason.strip()) < 10:
            raise ValueError("an exception request needs a justification of at least 10 characters")
        self._record(output).exception = reason

    def remove_output(self, key: str) -> None:
        del self.results[self._record(key).uid]

    def rename_output(self, old: str, new: str) -> None:
        if new in self.results:
            raise ValueError(f"an output named {new!r} already exists")
        rec = self._record(old)
        rec.uid = new
        self.results = {(new if k == old else k): v for k, v in self.results.items()}

    def print_outputs(self) -> str:
        lines = []
        for uid, r in self.results.items():
            lines.append(f"uid: {uid}\nstatus: to be checked by airlock\ntype: {r.output_type}\nmethod: {r.method}\n"
                         f"outputs checked: {len(r.outputs)}\ncomments: {r.comments}\nexception: {r.exception}\n")
        text = "\n".join(lines)
        print(text)
        return text

    # -- finalise --------------------------------------------------------------------------------

    def _request_outputs(self) -> List[Dict[str, Any]]:
        outs = []
        for uid, r in self.results.items():
            for i, o in enumerate(r.outputs):
                o = dict(o)
                suffix = o.pop("_suffix", None)
                kind_suffix = (o.get("spec") or {}).get("aggfunc") if len(r.outputs) > 1 and o.get("kind") == "table" else None
                name = uid if len(r.outputs) == 1 else f"{uid}_{suffix or kind_suffix or i}"
                o["name"] = name
                if r.exception is not None:
                    o["exception"] = {"justification": r.exception}
                outs.append(o)
        return outs

    def finalise(self, path: Optional[str] = None, ext: str = "json", interactive: bool = False) -> Optional[Decision]:
        """Sends every output of the session to airlock as one request; returns the signed decision.

        With ``path`` the decision (``decision.json``) and the keys that verify it
        (``jwks.json``) are also written to a new folder, as ACRO writes its results folder.
        With ``suppress`` on, rejected tables' protected versions are submitted too
        (``self.protected_decision``).
        """
        _ = ext, interactive
        if not self.results:
            logger.warning("nothing to finalise: the session has no outputs")
            return None
        if path is not None and os.path.exists(path):
            logger.warning("Results file can not be created. Directory %s already exists.", path)
            return None
        self.decision = self.client.submit(self._request_outputs())
        logger.info("airlock decision %s: %s", self.decision.id, self.decision.outcome)
        if self.suppress:
            try:
                self.protected_decision = self.decision.resubmit_protected()
            except AirlockError as e:
                logger.info("no protected versions submitted: %s", e)
        if path is not None:
            os.makedirs(path)
            self.decision.save(os.path.join(path, "decision.json"))
            if self.protected_decision is not None:
                self.protected_decision.save(os.path.join(path, "protected-decision.json"))
            import json

            with open(os.path.join(path, "jwks.json"), "w", encoding="utf-8") as f:
                json.dump(self.client.jwks(), f, indent=2)
        return self.decision


def add_to_acro(src_path: str, dest_path: str = "sdc_results", **session: Any) -> Optional[Decision]:
    """Checks every file of a folder made without ACRO, as ACRO's ``add_to_acro`` does."""
    acro = ACRO(**session)
    for i, file in enumerate(sorted(os.listdir(src_path))):
        acro.custom_output(os.path.join(src_path, file))
        acro.rename_output(f"output_{i}", file)
    return acro.finalise(dest_path, "json")
