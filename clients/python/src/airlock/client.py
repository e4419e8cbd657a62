"""The HTTP client: ``Airlock(url, token)``.

Example:
    >>> client = Airlock("http://localhost:8080", "airlock_dev_…", project="diabetes-2026", requester="alice")
    >>> client.url
    'http://localhost:8080'
"""

from __future__ import annotations

import getpass
import hashlib
import os
import time
import uuid
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Union
from urllib.parse import quote

import requests

from . import outputs as _outputs
from ._csv import CHUNK_ROWS, csv_chunks, is_dataframe, select_columns
from .canonical import js_json
from .decision import Decision
from .errors import AirlockError, ApiError
from .verify import JwksSource, Verified, load_jwks, verify_decision

__all__ = ["Airlock"]

DEFAULT_TIMEOUT = 300.0
USER_AGENT = "airlock-python/0.1.0"

# Answers worth asking again (with the same Idempotency-Key): the service is briefly unable to
# decide. Nothing was recorded for them, or, with idempotency, the retry returns what was.
_RETRY_STATUS = {429, 502, 503, 504}


def _env(name: str) -> Optional[str]:
    v = os.environ.get(name)
    return v if v else None


class Airlock:
    """A connection to an airlock service.

    ``url`` and ``token`` default to the ``AIRLOCK_URL`` and ``AIRLOCK_TOKEN`` environment
    variables (keep tokens out of notebooks). ``project``, ``requester`` and ``dataset`` are
    defaults for every submission (``AIRLOCK_PROJECT``, ``AIRLOCK_REQUESTER``,
    ``AIRLOCK_DATASET``; the requester falls back to the login name). With ``verify=True``
    every decision received is checked against the service's JWKS before it is returned.

    Every submission carries an ``Idempotency-Key``; connection failures, 429 and 503 answers
    are retried ``retries`` times with the same key, so a retry never makes a second decision
    where the service keeps idempotency keys.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        project: Optional[str] = None,
        requester: Optional[str] = None,
        dataset: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 2,
        verify: bool = False,
        session: Optional[requests.Session] = None,
    ) -> None:
        url = url or _env("AIRLOCK_URL")
        if not url:
            raise ValueError("no airlock URL: pass url= or set AIRLOCK_URL")
        self.url = url.rstrip("/")
        self.token = token if token is not None else _env("AIRLOCK_TOKEN")
        self.project = project or _env("AIRLOCK_PROJECT")
        self.requester = requester or _env("AIRLOCK_REQUESTER")
        self.dataset = dataset or _env("AIRLOCK_DATASET")
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.verify_responses = verify
        self.session = session or requests.Session()
        self._jwks: Optional[Dict[str, Any]] = None

    def __repr__(self) -> str:
        return f"Airlock({self.url!r}, project={self.project!r}, requester={self.requester!r})"

    def close(self) -> None:
        """Closes the HTTP connections (also on leaving a ``with Airlock(...) as client:`` block)."""
        self.session.close()

    def __enter__(self) -> "Airlock":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- HTTP ---------------------------------------------------------------------------------

    def _headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        h = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if extra:
            h.update(extra)
        return h

    @staticmethod
    def _raise_for(r: requests.Response) -> None:
        if r.status_code < 400:
            return
        problem: Optional[Dict[str, Any]] = None
        try:
            body = r.json()
            if isinstance(body, dict):
                problem = body
        except ValueError:
            pass
        raise ApiError(r.status_code, problem, r.text if problem is None else "")

    def _request(self, method: str, path: str, *, retry: bool = False, body: Any = None, **kw: Any) -> requests.Response:
        """One HTTP exchange; with ``retry`` (idempotent or keyed requests) transient failures are retried.

        ``body`` may be a callable returning a fresh body (a generator cannot be sent twice).
        """
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            data = body() if callable(body) else body
            try:
                r = self.session.request(method, self.url + path, data=data, timeout=self.timeout, **kw)
            except (requests.ConnectionError, requests.Timeout):
                if attempt + 1 >= attempts:
                    raise
                time.sleep(min(30.0, 0.5 * 2**attempt))
                continue
            if r.status_code in _RETRY_STATUS and attempt + 1 < attempts:
                time.sleep(self._retry_after(r, attempt))
                continue
            self._raise_for(r)
            return r
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _retry_after(r: requests.Response, attempt: int) -> float:
        try:
            return min(30.0, max(0.0, float(r.headers.get("Retry-After", ""))))
        except ValueError:
            return min(30.0, 0.5 * 2**attempt)

    def _get_json(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        return self._request("GET", path, retry=True, params=params, headers=self._headers()).json()

    # -- submissions ---------------------------------------------------------------------------

    def _context(self, project: Optional[str], requester: Optional[str], dataset: Optional[str]) -> Dict[str, str]:
        p = project or self.project
        if not p:
            raise ValueError("no project: pass project= (or set it on the client, or AIRLOCK_PROJECT)")
        rq = requester or self.requester or getpass.getuser()
        ctx = {"project": p, "requester": rq}
        d = dataset or self.dataset
        if d:
            ctx["dataset"] = d
        return ctx

    def _decision(self, r: requests.Response, sent: Mapping[str, str]) -> Decision:
        d = Decision(r.json(), client=self, sent_digests=sent, replayed=r.status_code == 200)
        d.check_digests()
        if self.verify_responses:
            d.verify()
        return d

    def submit(
        self,
        outputs: Union[Mapping[str, Any], Sequence[Mapping[str, Any]]],
        *,
        project: Optional[str] = None,
        requester: Optional[str] = None,
        dataset: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Decision:
        """Submits outputs of any kind (dicts in the API's ``Output`` shape; see ``airlock.outputs``).

        Returns the signed, recorded ``Decision``. Raises ``ApiError`` when airlock refuses the
        request (bad input is never a decision, and never a release).
        """
        outs = [dict(outputs)] if isinstance(outputs, Mapping) else [dict(o) for o in outputs]
        if not outs:
            raise ValueError("submit needs at least one output")
        names = [o.get("name") for o in outs]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"output names must be unique within a request: {sorted(map(str, dup))}")
        body = {**self._context(project, requester, dataset), "outputs": outs}
        text = js_json(body).encode("utf-8")
        # airlock names each output by the SHA-256 of its JSON as received; the text sent is
        # JSON.stringify's, so the digests can be checked when the decision comes back.
        sent = {str(o["name"]): hashlib.sha256(js_json(o).encode("utf-8")).hexdigest() for o in outs}
        key = idempotency_key or str(uuid.uuid4())
        r = self._request(
            "POST",
            "/v1/decisions",
            retry=True,
            body=text,
            headers=self._headers({"Content-Type": "application/json", "Idempotency-Key": key}),
        )
        return self._decision(r, sent)

    def check_table(
        self,
        df: Any,
        index: _outputs.Names,
        columns: _outputs.Names = None,
        values: Optional[str] = None,
        aggfunc: Optional[str] = None,
        margins: bool = False,
        unit: Optional[str] = None,
        dataset: Optional[str] = None,
        project: Optional[str] = None,
        *,
        requester: Optional[str] = None,
        name: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        chunk_rows: int = CHUNK_ROWS,
    ) -> Decision:
        """Checks one table computed from microdata, streamed as CSV through ``POST /v1/decisions/csv``.

        ``df`` is a pandas DataFrame (only the columns the table uses are sent, written in
        chunks of ``chunk_rows`` rows), a list of row dicts, CSV text, or the path of a CSV file
        (sent as it is). The arguments mean what they mean to ``pandas.pivot_table``; ``unit``
        names the column of the person (or household…) each row belongs to. The decision's
        ``sha256`` is checked against the bytes sent.
        """
        idx, cols = _outputs.as_list(index), _outputs.as_list(columns)
        if not idx:
            raise ValueError("check_table needs at least one index column")
        name = name or "_by_".join([*idx, *cols])
        ctx = self._context(project, requester, dataset)
        if any("," in c for c in [*idx, *cols]):
            # The CSV route takes column lists comma-separated; such names need the JSON API.
            out = _outputs.table(name, df, idx, cols, values, aggfunc, margins, unit)
            return self.submit(out, project=ctx["project"], requester=ctx["requester"], dataset=ctx.get("dataset"), idempotency_key=idempotency_key)
        query: Dict[str, str] = {**ctx, "name": name, "index": ",".join(idx)}
        if cols:
            query["columns"] = ",".join(cols)
        if values is not None:
            query["values"] = values
        if aggfunc is not None:
            query["aggfunc"] = aggfunc
        if margins:
            query["margins"] = "true"
        if unit is not None:
            query["unit"] = unit
        data = select_columns(df, [*idx, *cols, values, unit]) if is_dataframe(df) or isinstance(df, list) else df
        state = {"digest": hashlib.sha256()}

        def body() -> Iterator[bytes]:
            h = hashlib.sha256()
            state["digest"] = h
            for chunk in csv_chunks(data, chunk_rows):
                h.update(chunk)
                yield chunk

        key = idempotency_key or str(uuid.uuid4())
        r = self._request(
            "POST",
            "/v1/decisions/csv",
            retry=True,
            body=body,
            params=query,
            headers=self._headers({"Content-Type": "text/csv; charset=utf-8", "Idempotency-Key": key}),
        )
        return self._decision(r, {name: state["digest"].hexdigest()})

    # -- reading decisions (auditor), reviews (checker) -----------------------------------------

    def decision(self, decision_id: str) -> Decision:
        """A recorded decision, as ``GET /v1/decisions/{id}`` returns it (needs an auditor token)."""
        return Decision(self._get_json(f"/v1/decisions/{quote(decision_id, safe='')}"), client=self)

    def decisions(self, *, limit: Optional[int] = None, page_size: int = 100, **filters: Any) -> Iterator[Decision]:
        """Recorded decisions, newest first, following the pages (needs an auditor token).

        Filters: ``project``, ``requester``, ``outcome``, ``dataset``, ``ruleset_digest``,
        ``from_`` / ``to`` (ISO times), ``kind`` (``decision``, ``review``, ``final``).
        """
        params: Dict[str, Any] = {("from" if k == "from_" else k): v for k, v in filters.items() if v is not None}
        params["limit"] = page_size
        # Items keep the list's detached signatures (RFC 7515 App. F): each verifies on its own
        # against the decision beside it (Decision.verify), at half the bytes of the full JWS.
        seen = 0
        while True:
            page = self._get_json("/v1/decisions", params)
            for item in page.get("items", []):
                yield Decision(item, client=self)
                seen += 1
                if limit is not None and seen >= limit:
                    return
            cursor = page.get("next_cursor")
            if not cursor:
                return
            params["cursor"] = cursor

    def review_status(self, decision_id: str) -> Dict[str, Any]:
        """Where the review of a decision stands, with every signed verdict (checker or auditor)."""
        return self._get_json(f"/v1/decisions/{quote(decision_id, safe='')}/reviews")

    def review(self, decision_id: str, verdict: str, justification: str) -> Dict[str, Any]:
        """An output checker's verdict (``release`` or ``reject``) on a decision that needs review."""
        r = self._request(
            "POST",
            f"/v1/decisions/{quote(decision_id, safe='')}/reviews",
            body=js_json({"verdict": verdict, "justification": justification}).encode("utf-8"),
            headers=self._headers({"Content-Type": "application/json"}),
        )
        return r.json()

    # -- keys, verification, packages ------------------------------------------------------------

    def jwks(self, refresh: bool = False) -> Dict[str, Any]:
        """The service's public keys (``/.well-known/jwks.json``), fetched once and kept."""
        if self._jwks is None or refresh:
            self._jwks = load_jwks(self._get_json("/.well-known/jwks.json"))
        return self._jwks

    def verify(self, decision: Union[Decision, Mapping[str, Any]], jwks: Optional[JwksSource] = None) -> Verified:
        """Verifies a decision with ``jwks`` (or the service's own, fetched once)."""
        raw = decision.raw if isinstance(decision, Decision) else decision
        if jwks is None:
            try:
                return verify_decision(raw, self.jwks())
            except AirlockError:
                # A key rotated since the JWKS was fetched: ask once more before failing.
                return verify_decision(raw, self.jwks(refresh=True))
        return verify_decision(raw, jwks)

    def package(self, decision_id: str, path: Optional[Union[str, "os.PathLike[str]"]] = None) -> bytes:
        """The signed release package (a ZIP) of a released decision; written to ``path`` when given.

        airlock answers 409 for a decision that is not released. Check it offline with
        ``airlock verify package.zip --jwks …``.
        """
        r = self._request(
            "GET",
            f"/v1/decisions/{quote(decision_id, safe='')}/package",
            retry=True,
            headers=self._headers({"Accept": "application/zip"}),
        )
        if path is not None:
            with open(path, "wb") as f:
                f.write(r.content)
        return r.content

    def healthz(self) -> Dict[str, Any]:
        return self._get_json("/healthz")

    def readyz(self) -> Dict[str, Any]:
        """Readiness (rules, signing key, audit store); raises ``ApiError`` (503) when not ready."""
        return self._request("GET", "/readyz", headers=self._headers()).json()
