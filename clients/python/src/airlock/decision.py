"""A signed airlock decision, with its findings and tables as DataFrames when pandas is there.

Example:
    >>> d = Decision({"decision": {"id": "d1", "outcome": "release", "project": "p", "requester": "r",
    ...     "dataset": None, "outputs": [{"name": "t", "kind": "table", "outcome": "release", "findings": []}]}})
    >>> (d.outcome, d.released, [o.name for o in d.outputs])
    ('release', True, ['t'])
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Union

from .errors import AirlockError
from .verify import JwksSource, Verified, verify_decision

if TYPE_CHECKING:  # pragma: no cover
    from .client import Airlock

__all__ = ["Decision", "OutputDecision"]


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - exercised without pandas
        return None
    return pd


def _frame(rows: List[Dict[str, Any]], columns: Sequence[str]) -> Any:
    """A DataFrame when pandas is installed, else the rows themselves (a list of dicts)."""
    pd = _pandas()
    if pd is None:
        return rows
    return pd.DataFrame(rows, columns=list(columns))


def _ordered_unique(items: List[Any]) -> List[Any]:
    seen = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _wide(cells: List[Mapping[str, Any]], index: List[str], columns: List[str], value: str = "value") -> Any:
    """Cells ``{labels, value}`` as a pivoted DataFrame: rows by ``index``, columns by ``columns``.

    Categories keep the order airlock gave them (margins, ``All``, last), which pandas'
    ``pivot`` would sort away. A suppressed or empty value is NaN.
    """
    pd = _pandas()
    if pd is None:
        return [dict(c) for c in cells]
    if not index:
        names = _ordered_unique([k for c in cells for k in c.get("labels", {})])
        index, columns = names[:1], names[1:]
    rows = []
    for c in cells:
        labels = c.get("labels", {})
        v = c.get(value)
        rows.append({**{k: labels.get(k) for k in index + columns}, "__value": float("nan") if v is None else v})
    long = pd.DataFrame(rows, columns=[*index, *columns, "__value"])
    if long.empty:
        return pd.DataFrame()
    row_keys = _ordered_unique([tuple(r[k] for k in index) for r in rows])
    if not columns:
        # One-way: the rows in airlock's order, one column of values.
        return long.set_index(index)[["__value"]].rename(columns={"__value": value})
    col_keys = _ordered_unique([tuple(r[k] for k in columns) for r in rows])
    wide = long.set_index([*index, *columns])["__value"].unstack(columns)
    r_idx = pd.MultiIndex.from_tuples(row_keys, names=index) if len(index) > 1 else pd.Index([k[0] for k in row_keys], name=index[0])
    c_idx = pd.MultiIndex.from_tuples(col_keys, names=columns) if len(columns) > 1 else pd.Index([k[0] for k in col_keys], name=columns[0])
    return wide.reindex(index=r_idx, columns=c_idx)


class OutputDecision:
    """What airlock decided about one output: its outcome, findings, table and protected version."""

    def __init__(self, raw: Mapping[str, Any], decision: "Decision") -> None:
        self.raw: Dict[str, Any] = dict(raw)
        self._decision = decision

    name = property(lambda self: self.raw.get("name"))
    kind = property(lambda self: self.raw.get("kind"))
    outcome = property(lambda self: self.raw.get("outcome"))
    sha256 = property(lambda self: self.raw.get("sha256"))
    exception = property(lambda self: self.raw.get("exception"))

    @property
    def released(self) -> bool:
        return self.outcome == "release"

    def __repr__(self) -> str:
        failing = [f"{f.get('check')} {f.get('status')}" for f in self.raw.get("findings", []) if f.get("status") != "pass"]
        return f"<OutputDecision {self.name!r} ({self.kind}): {self.outcome}" + (f" [{', '.join(failing)}]>" if failing else ">")

    @property
    def findings(self) -> Any:
        """One row per finding: check, status, message, remedy, how many cells or items it names."""
        rows = []
        for f in self.raw.get("findings", []):
            rows.append(
                {
                    "output": self.name,
                    "check": f.get("check"),
                    "status": f.get("status"),
                    "message": f.get("message"),
                    "remedy": f.get("remedy"),
                    "cells": len(f.get("cells") or []),
                    "items": len(f.get("items") or []),
                    "original_status": f.get("original_status"),
                }
            )
        return _frame(rows, ["output", "check", "status", "message", "remedy", "cells", "items", "original_status"])

    @property
    def failing_cells(self) -> Any:
        """Every cell a finding names, one row each: its labels, value, count and why."""
        rows = []
        label_names: List[str] = []
        for f in self.raw.get("findings", []):
            for c in f.get("cells") or []:
                labels = c.get("labels", {})
                label_names.extend(k for k in labels if k not in label_names)
                rows.append({"output": self.name, "check": f.get("check"), "status": f.get("status"), **labels,
                             "value": c.get("value"), "count": c.get("count"), "reason": c.get("reason")})
        return _frame(rows, ["output", "check", "status", *label_names, "value", "count", "reason"])

    def _table_axes(self) -> tuple:
        t = self.raw.get("table") or {}
        return list(t.get("index") or []), list(t.get("columns") or [])

    @property
    def table(self) -> Any:
        """The table airlock computed and checked, pivoted like ``pandas.crosstab`` (None for other kinds)."""
        t = self.raw.get("table")
        if not t:
            return None
        index, columns = self._table_axes()
        return _wide(t.get("cells") or [], index, columns)

    @property
    def table_cells(self) -> Any:
        """The computed table in long form: one row per cell with its labels, value and count."""
        t = self.raw.get("table")
        if not t:
            return None
        index, columns = self._table_axes()
        names = index + columns or _ordered_unique([k for c in t.get("cells", []) for k in c.get("labels", {})])
        rows = [{**{k: c.get("labels", {}).get(k) for k in names}, "value": c.get("value"), "count": c.get("count"),
                 **({"suppressed": True} if c.get("suppressed") else {})} for c in t.get("cells", [])]
        cols = [*names, "value", "count"] + (["suppressed"] if any("suppressed" in r for r in rows) else [])
        return _frame(rows, cols)

    @property
    def protected_raw(self) -> Optional[Dict[str, Any]]:
        p = self.raw.get("protected")
        return p if isinstance(p, dict) else None

    @property
    def protected(self) -> Any:
        """The protected version (suppressed cells as NaN), pivoted like ``table``; None when none is offered.

        Tables: failing cells suppressed with their complements; plots: the regrouped plot data
        (as the dict airlock sent). ``protection_refused`` says why a failing table has none.
        """
        p = self.protected_raw
        if p is None:
            return None
        if self.kind != "table" or "rows" not in p:
            return p
        index, columns = self._table_axes()
        return _wide(p.get("rows") or [], index, columns)

    @property
    def protected_csv(self) -> Optional[str]:
        """The protected table as a researcher would publish it (CSV text)."""
        p = self.protected_raw
        return p.get("csv") if p else None

    @property
    def protection_refused(self) -> Optional[Dict[str, Any]]:
        """Why a failing table has no protected version, as ``{"reason": …}``; None when one is offered."""
        r = self.raw.get("protection_refused")
        if isinstance(r, str):  # the server sends the reason as text
            return {"reason": r}
        return r if isinstance(r, dict) else None

    @property
    def resubmit(self) -> Optional[Dict[str, Any]]:
        """The protected version as an output a new request can carry as it is (with its ``protection`` token).

        airlock sends it beside the signed decision (the answer's ``resubmit``, by output name),
        never inside it: it holds the evidence of the suppressed cells, which is never published.
        Keep it inside the TRE. None when no form is offered (nothing to protect, or a replayed
        answer: forms are not recorded).
        """
        forms = self._decision.raw.get("resubmit")
        r = forms.get(self.name) if isinstance(forms, dict) else None
        return dict(r) if isinstance(r, dict) else None


class Decision:
    """A signed, recorded decision about a request: ``outcome`` is ``release``, ``reject`` or ``review``.

    ``raw`` is the response as received (``decision``, ``signature``, ``audit``, …); keep it
    (``save``) with the JWKS and anyone can verify it offline (``verify``).
    """

    def __init__(
        self,
        response: Mapping[str, Any],
        client: Optional["Airlock"] = None,
        sent_digests: Optional[Mapping[str, str]] = None,
        replayed: bool = False,
    ) -> None:
        if not isinstance(response, Mapping) or not isinstance(response.get("decision"), Mapping):
            raise AirlockError("not a decision response: expected an object with a 'decision'")
        self.raw: Dict[str, Any] = dict(response)
        self._client = client
        self._sent = dict(sent_digests or {})
        self.replayed = replayed
        """True when the service answered an idempotent retry with the decision it had already made."""
        self.outputs: List[OutputDecision] = [OutputDecision(o, self) for o in self.body.get("outputs", [])]

    # -- the signed document -------------------------------------------------------------------

    @property
    def body(self) -> Dict[str, Any]:
        """The signed decision document itself."""
        return self.raw["decision"]

    id = property(lambda self: self.body.get("id"))
    outcome = property(lambda self: self.body.get("outcome"))
    project = property(lambda self: self.body.get("project"))
    requester = property(lambda self: self.body.get("requester"))
    dataset = property(lambda self: self.body.get("dataset"))
    issued_at = property(lambda self: self.body.get("issued_at"))
    ruleset = property(lambda self: self.body.get("ruleset"))
    signature = property(lambda self: self.raw.get("signature"))
    audit = property(lambda self: self.raw.get("audit"))

    @property
    def released(self) -> bool:
        return self.outcome == "release"

    def output(self, name: str) -> OutputDecision:
        for o in self.outputs:
            if o.name == name:
                return o
        raise KeyError(f"no output named {name!r} in decision {self.id}")

    def __getitem__(self, name: str) -> OutputDecision:
        return self.output(name)

    def __repr__(self) -> str:
        outs = "; ".join(f"{o.name}: {o.outcome}" for o in self.outputs)
        return f"<Decision {self.id} {self.outcome} ({outs})>"

    def _repr_html_(self) -> str:
        """How a notebook shows a decision: the outcome, then every finding that did not pass."""
        import html

        rows = "".join(
            f"<tr><td>{html.escape(str(o.name))}</td><td>{html.escape(str(f.get('check')))}</td>"
            f"<td>{html.escape(str(f.get('status')))}</td><td>{html.escape(str(f.get('message')))}</td>"
            f"<td>{html.escape(str(f.get('remedy') or ''))}</td></tr>"
            for o in self.outputs
            for f in o.raw.get("findings", [])
            if f.get("status") != "pass"
        )
        outs = ", ".join(f"{html.escape(str(o.name))}: <b>{html.escape(str(o.outcome))}</b>" for o in self.outputs)
        head = f"<p>airlock decision <code>{html.escape(str(self.id))}</code>: <b>{html.escape(str(self.outcome))}</b> ({outs})</p>"
        if not rows:
            return head
        return head + "<table><tr><th>output</th><th>check</th><th>status</th><th>message</th><th>remedy</th></tr>" + rows + "</table>"

    def summary(self) -> str:
        """A short human account: the outcome, and per output each finding that did not pass."""
        lines = [f"decision {self.id}: {self.outcome} (project {self.project}, rules {(self.ruleset or {}).get('version')})"]
        for o in self.outputs:
            lines.append(f"  {o.name} ({o.kind}): {o.outcome}")
            for f in o.raw.get("findings", []):
                if f.get("status") != "pass":
                    lines.append(f"    {f.get('check')} {f.get('status')}: {f.get('message')}")
                    if f.get("remedy"):
                        lines.append(f"      remedy: {f.get('remedy')}")
        return "\n".join(lines)

    # -- across outputs ------------------------------------------------------------------------

    def _concat(self, parts: List[Any]) -> Any:
        pd = _pandas()
        if pd is None:
            return [row for p in parts for row in p]
        parts = [p for p in parts if len(p)]
        if not parts:
            return self.outputs[0].findings.iloc[0:0] if self.outputs else pd.DataFrame()
        return pd.concat(parts, ignore_index=True)

    @property
    def findings(self) -> Any:
        """Every finding of every output (a DataFrame: output, check, status, message, remedy, …)."""
        return self._concat([o.findings for o in self.outputs])

    @property
    def failing_cells(self) -> Any:
        """Every cell named by a finding, across outputs."""
        return self._concat([o.failing_cells for o in self.outputs])

    def _only_table(self) -> OutputDecision:
        tables = [o for o in self.outputs if o.kind == "table"]
        if len(tables) != 1:
            raise AirlockError(
                f"decision {self.id} has {len(tables)} table outputs; use decision.output(name).table"
            )
        return tables[0]

    @property
    def table(self) -> Any:
        """The computed table of the decision's only table output (see ``OutputDecision.table``)."""
        return self._only_table().table

    @property
    def protected(self) -> Any:
        """The protected version of the decision's only table output, or None."""
        return self._only_table().protected

    # -- integrity -----------------------------------------------------------------------------

    def check_digests(self) -> None:
        """Checks that each output's ``sha256`` is the digest of what this client sent.

        A decision about other bytes than were sent must never be acted on: raises ``AirlockError``.
        """
        for o in self.outputs:
            sent = self._sent.get(str(o.name))
            if sent is not None and o.sha256 != sent:
                raise AirlockError(
                    f"output {o.name!r}: the decision names sha256 {o.sha256}, but the client sent {sent}"
                )

    def verify(self, jwks: Optional[JwksSource] = None) -> Verified:
        """Verifies the signature offline with ``jwks`` (dict, JSON, file path or URL).

        Without ``jwks`` the service's own JWKS is fetched through the client that made the
        decision. Raises ``VerificationError`` naming the field at fault.
        """
        if jwks is None:
            if self._client is None:
                raise AirlockError("verify needs the JWKS (a dict, JSON text, a file path or URL)")
            return self._client.verify(self)
        return verify_decision(self.raw, jwks)

    # -- what to do next -----------------------------------------------------------------------

    def resubmit_protected(self, idempotency_key: Optional[str] = None) -> "Decision":
        """Submits the protected version of every output that has one, as airlock offered it.

        The protected versions carry airlock's ``protection`` token, so the evidence behind
        their suppressed cells is trusted. Returns the new decision (same project, requester and
        dataset). Raises ``AirlockError`` when no output offers a resubmittable version.
        """
        if self._client is None:
            raise AirlockError("resubmit_protected needs the client the decision came from")
        forms = [o.resubmit for o in self.outputs if o.resubmit is not None and not o.released]
        if not forms:
            refused = [f"{o.name}: {o.protection_refused.get('reason')}" for o in self.outputs if o.protection_refused]
            raise AirlockError(
                f"decision {self.id} offers no protected version to resubmit" + (f" ({'; '.join(refused)})" if refused else "")
            )
        return self._client.submit(
            [dict(f) for f in forms],
            project=self.project,
            requester=self.requester,
            dataset=self.dataset,
            idempotency_key=idempotency_key,
        )

    def package(self, path: Optional[Union[str, "os.PathLike[str]"]] = None) -> bytes:
        """The signed release package of this (released) decision; see ``Airlock.package``."""
        if self._client is None:
            raise AirlockError("package needs the client the decision came from")
        return self._client.package(str(self.id), path)

    # -- keeping it ----------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, indent=2)

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the response as received, for ``airlock verify FILE --jwks …`` or ``Decision.load``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"], client: Optional["Airlock"] = None) -> "Decision":
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f), client=client)
