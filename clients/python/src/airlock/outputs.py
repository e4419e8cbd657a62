"""Builders of the output objects ``POST /v1/decisions`` takes, one function per kind.

Each returns a plain dict in the shape of openapi.yaml's ``Output`` (you can also write those
dicts by hand and pass them to ``Airlock.submit``). Tables, histograms, bar charts and survival
curves are sent as the **microdata** behind them, with what to compute, so airlock computes
and checks what it will sign rather than trusting numbers typed in; models are sent as their
size and coefficients (a model is not microdata).

Example:
    >>> out = table("by_region", [{"region": "north", "sex": "F"}], index="region", columns="sex")
    >>> out["kind"], out["spec"], out["microdata"]["data"]
    ('table', {'index': ['region'], 'columns': ['sex']}, 'region,sex\\nnorth,F\\n')
"""

from __future__ import annotations

import base64
import math
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from ._csv import csv_text, is_dataframe, select_columns

__all__ = [
    "table",
    "cells",
    "model",
    "histogram",
    "bar",
    "kaplan_meier",
    "summary",
    "records",
    "file",
    "as_list",
]

Names = Union[str, Sequence[str], None]


def as_list(names: Names) -> List[str]:
    """A column name or a list of them, as a list.

    Example:
        >>> as_list("region"), as_list(["region", "sex"]), as_list(None)
        (['region'], ['region', 'sex'], [])
    """
    if names is None:
        return []
    if isinstance(names, str):
        return [names]
    return [str(n) for n in names]


def _with_exception(out: Dict[str, Any], exception: Optional[str]) -> Dict[str, Any]:
    if exception is not None:
        out["exception"] = {"justification": exception}
    return out


def table(
    name: str,
    data: Any,
    index: Names,
    columns: Names = None,
    values: Optional[str] = None,
    aggfunc: Optional[str] = None,
    margins: bool = False,
    unit: Optional[str] = None,
    exception: Optional[str] = None,
) -> Dict[str, Any]:
    """A table airlock computes from microdata (a DataFrame, row dicts or CSV text).

    Only the columns the table uses are sent. ``aggfunc`` is one of ``count``, ``sum``,
    ``mean``, ``median``, ``min``, ``max``, ``std`` (absent: a frequency table); ``unit`` names
    the person/household column so counts are of distinct units; ``exception`` asks output
    checkers to release the table despite failing checks (it never releases anything by itself).
    """
    idx, cols = as_list(index), as_list(columns)
    spec: Dict[str, Any] = {"index": idx}
    if cols:
        spec["columns"] = cols
    if values is not None:
        spec["values"] = values
    if aggfunc is not None:
        spec["aggfunc"] = aggfunc
    if margins:
        spec["margins"] = True
    if unit is not None:
        spec["unit"] = unit
    micro = select_columns(data, [*idx, *cols, values, unit]) if is_dataframe(data) or isinstance(data, list) else data
    return _with_exception(
        {"name": name, "kind": "table", "microdata": {"format": "csv", "data": csv_text(micro)}, "spec": spec}, exception
    )


def cells(
    name: str,
    cells: Sequence[Mapping[str, Any]],
    statistic: Optional[str] = None,
    exception: Optional[str] = None,
    **fields: Any,
) -> Dict[str, Any]:
    """A pre-aggregated table: ``cells`` as ``{labels, count, sum?, top?, …}`` with their evidence.

    A magnitude table without dominance evidence (``top``, ``sum_abs``) is sent to review,
    never released; prefer ``table`` with the microdata when you have it.
    """
    out: Dict[str, Any] = {"name": name, "kind": "table"}
    if statistic is not None:
        out["statistic"] = statistic
    out.update(fields)
    out["cells"] = [dict(c) for c in cells]
    return _with_exception(out, exception)


# statsmodels model classes → the family names airlock's rules know.
_FAMILIES = {
    "ols": "ols",
    "wls": "wls",
    "gls": "gls",
    "glsar": "gls",
    "logit": "logit",
    "probit": "probit",
    "mnlogit": "mnlogit",
    "poisson": "poisson",
    "negativebinomial": "negative_binomial",
    "glm": "glm",
    "phreg": "cox",
    "quantreg": "quantile_regression",
}


def _finite_or_label(x: Any) -> Union[float, str, None]:
    """A coefficient as JSON: a number, or the label statistical software prints for none."""
    if x is None:
        return None
    v = float(x)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return v


def _term_counts(res: Any, names: Sequence[str]) -> Dict[str, int]:
    """Observations behind each term: the rows where a 0/1 dummy is 1, all rows otherwise.

    A dummy that only a handful of records have is a small cell in disguise; airlock's
    ``min_count`` checks each term's ``n``.
    """
    try:
        import numpy as np

        exog = np.asarray(res.model.exog, dtype=float)
    except Exception:  # noqa: BLE001 - a model without a design matrix: no per-term counts
        return {}
    out: Dict[str, int] = {}
    n_obs = int(exog.shape[0])
    for j, term in enumerate(names):
        if j >= exog.shape[1]:
            break
        col = exog[:, j]
        finite = col[np.isfinite(col)]
        uniq = np.unique(finite)
        if len(uniq) <= 2 and set(uniq.tolist()) <= {0.0, 1.0} and not np.all(finite == 1.0):
            ones = int(np.sum(finite == 1.0))
            out[term] = min(ones, n_obs - ones)  # a dummy discloses its smaller group either way
        else:
            out[term] = n_obs
    return out


def model(
    name: str,
    results: Any = None,
    family: Optional[str] = None,
    exception: Optional[str] = None,
    **fields: Any,
) -> Dict[str, Any]:
    """A fitted model: from a statsmodels results object, or from its fields.

    From ``results`` it sends the family, ``n_obs``, ``n_params`` (all estimated parameters,
    intercept included), the coefficients with their standard errors (non-finite ones as
    ``"NaN"``/``"Inf"``, which airlock sends to review), each term's ``n`` (the smaller group
    of a 0/1 dummy) and ``converged: false`` when the fit says so. Other fields (a trained
    model's ``n_train``, ``format``, ``hyperparameters``) go as given.
    """
    out: Dict[str, Any] = {"name": name, "kind": "model"}
    if results is not None:
        mod = getattr(results, "model", None)
        cls = type(mod).__name__.lower() if mod is not None else ""
        out["family"] = family or _FAMILIES.get(cls, cls or "regression")
        out["n_obs"] = int(round(float(results.nobs)))
        params = results.params
        names = [str(n) for n in getattr(params, "index", [])] or [str(n) for n in getattr(mod, "exog_names", [])]
        values = [float(v) for v in (params.values if hasattr(params, "values") else params)]
        if not names:
            names = [f"x{i}" for i in range(len(values))]
        out["n_params"] = len(values)
        bse = getattr(results, "bse", None)
        ses = list(bse.values if hasattr(bse, "values") else bse) if bse is not None else [None] * len(values)
        counts = _term_counts(results, names)
        coefs = []
        for term, est, se in zip(names, values, ses):
            c: Dict[str, Any] = {"term": term, "estimate": _finite_or_label(est)}
            if se is not None:
                c["std_error"] = _finite_or_label(se)
            if term in counts:
                c["n"] = counts[term]
            coefs.append(c)
        out["coefficients"] = coefs
        retvals = getattr(results, "mle_retvals", None)
        if isinstance(retvals, dict) and retvals.get("converged") is False:
            out["converged"] = False
    elif family is not None:
        out["family"] = family
    out.update(fields)
    if "family" not in out:
        raise ValueError("a model needs a family (or a statsmodels results object)")
    return _with_exception(out, exception)


def _numbers(values: Any) -> List[float]:
    out = []
    for v in values:
        if v is None:
            continue
        f = float(v)
        if not math.isnan(f):
            out.append(f)
    return out


def histogram(
    name: str,
    data: Any,
    column: Optional[str] = None,
    bins: Union[int, Sequence[float]] = 10,
    unit: Optional[str] = None,
    exception: Optional[str] = None,
) -> Dict[str, Any]:
    """A histogram: the values (a column of a DataFrame, or any sequence), binned as numpy/pandas bin them.

    Sent as the bins' counts together with the microdata they come from, so airlock checks
    the counts it computes itself. ``edges_from_data`` is true when the outer edges are the
    data's minimum and maximum (``bins`` as a number, or a value on an outer edge), which
    airlock treats as disclosing them.
    """
    import numpy as np

    if is_dataframe(data):
        if column is None:
            raise ValueError("histogram of a DataFrame needs the column")
        values = _numbers(data[column].tolist())
        units = data[unit].tolist() if unit is not None else None
    else:
        values = _numbers(data)
        units = None
        column = column or "value"
    if not values:
        raise ValueError(f"histogram {name!r}: no non-missing values")
    counts, edges = np.histogram(values, bins=bins)
    out: Dict[str, Any] = {
        "name": name,
        "kind": "plot",
        "type": "histogram",
        # The outer edges disclose the extremes when a value sits on (or beyond) them, as
        # edges computed from the data (bins as a number) always do.
        "edges_from_data": bool(min(values) <= edges[0] or max(values) >= edges[-1]),
        "bins": [{"from": float(edges[i]), "to": float(edges[i + 1]), "count": int(counts[i])} for i in range(len(counts))],
    }
    micro_rows = (
        [{column: v} for v in values]
        if units is None
        else [{unit: u, column: v} for u, v in zip(units, data[column].tolist()) if v is not None and not (isinstance(v, float) and math.isnan(v))]
    )
    out["microdata"] = {"format": "csv", "data": csv_text(micro_rows)}
    spec: Dict[str, Any] = {"values": column, "edges": [float(e) for e in edges]}
    if unit is not None:
        spec["unit"] = unit
    out["spec"] = spec
    return _with_exception(out, exception)


def bar(
    name: str,
    data: Any,
    column: Optional[str] = None,
    type: str = "bar",
    unit: Optional[str] = None,
    exception: Optional[str] = None,
) -> Dict[str, Any]:
    """A bar or pie chart of a categorical column: one bar per observed category."""
    if is_dataframe(data):
        if column is None:
            raise ValueError("a bar chart of a DataFrame needs the column")
        labels = data[column].tolist()
        micro = select_columns(data, [column, unit])
    else:
        labels = list(data)
        column = column or "category"
        micro = [{column: v} for v in labels]
    counts: Dict[str, int] = {}
    for v in labels:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        counts[str(v)] = counts.get(str(v), 0) + 1
    spec: Dict[str, Any] = {"index": column}
    if unit is not None:
        spec["unit"] = unit
    out = {
        "name": name,
        "kind": "plot",
        "type": type,
        "categories": [{"label": k, "count": c} for k, c in counts.items()],
        "microdata": {"format": "csv", "data": csv_text(micro)},
        "spec": spec,
    }
    return _with_exception(out, exception)


def kaplan_meier(
    name: str,
    time: Iterable[Any],
    event: Iterable[Any],
    exception: Optional[str] = None,
) -> Dict[str, Any]:
    """A Kaplan-Meier curve: one step per distinct time, with its risk set, events and censorings.

    ``at_risk`` is the number still followed just before the time, so each step's ``at_risk``
    is the previous one less its events and censorings, as airlock requires. The microdata
    (one row per subject) goes with it.
    """
    pairs = []
    for t, e in zip(time, event):
        if t is None or e is None:
            continue
        tf = float(t)
        if math.isnan(tf):
            continue
        ev = bool(int(e)) if not isinstance(e, bool) else e
        pairs.append((tf, ev))
    if not pairs:
        raise ValueError(f"survival curve {name!r}: no subjects")
    pairs.sort()
    steps: List[Dict[str, Any]] = []
    at_risk = len(pairs)
    i = 0
    while i < len(pairs):
        t = pairs[i][0]
        events = censored = 0
        while i < len(pairs) and pairs[i][0] == t:
            if pairs[i][1]:
                events += 1
            else:
                censored += 1
            i += 1
        steps.append({"time": t, "at_risk": at_risk, "events": events, "censored": censored})
        at_risk -= events + censored
    rows = [{"time": t, "event": int(ev)} for t, ev in pairs]
    out = {
        "name": name,
        "kind": "plot",
        "type": "kaplan_meier",
        "steps": steps,
        "microdata": {"format": "csv", "data": csv_text(rows)},
        "spec": {"time": "time", "event": "event"},
    }
    return _with_exception(out, exception)


def summary(
    name: str,
    statistics: Sequence[Mapping[str, Any]],
    exception: Optional[str] = None,
) -> Dict[str, Any]:
    """Summary statistics ``[{name, statistic, n, value, p?}]`` (mean, sd, median, min, max, percentile)."""
    return _with_exception({"name": name, "kind": "summary", "statistics": [dict(s) for s in statistics]}, exception)


def records(
    name: str,
    data: Any,
    quasi_identifiers: Names = None,
    sensitive: Names = None,
    exception: Optional[str] = None,
) -> Dict[str, Any]:
    """A record-level extract, checked for k-anonymity and l-diversity."""
    out: Dict[str, Any] = {"name": name, "kind": "records", "microdata": {"format": "csv", "data": csv_text(data)}}
    if quasi_identifiers is not None:
        out["quasi_identifiers"] = as_list(quasi_identifiers)
    sens = as_list(sensitive)
    if len(sens) == 1:
        out["sensitive"] = sens[0]
    elif sens:
        out["sensitive"] = sens
    return _with_exception(out, exception)


def file(
    name: str,
    content: Union[bytes, str, "os.PathLike[str]"],
    filename: Optional[str] = None,
    exception: Optional[str] = None,
) -> Dict[str, Any]:
    """Any other file: its bytes (or its path), checked for blocked types and formula cells."""
    if isinstance(content, bytes):
        if filename is None:
            raise ValueError("a file given as bytes needs its filename")
        data = content
    else:
        with open(content, "rb") as f:
            data = f.read()
        filename = filename or os.path.basename(os.fspath(content))
    out = {"name": name, "kind": "file", "filename": filename, "content_base64": base64.b64encode(data).decode("ascii")}
    return _with_exception(out, exception)
