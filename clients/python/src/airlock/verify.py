"""Offline verification of a signed airlock decision, with nothing but the JWKS.

A decision response is ``{decision, signature, audit}``. ``signature`` is a compact JWS
(RFC 7515), header ``{"alg": "EdDSA", "kid": …, "typ": "airlock-decision+jws"}``, whose payload is
the RFC 8785 canonical JSON of ``decision``. Verifying means: the JWS is an Ed25519 signature by
a key of the JWKS, its payload is canonical JSON, and the decision you hold canonicalises to
exactly those bytes. The checks and the field names in failures are those of ``airlock verify``.

The decision list (``GET /v1/decisions``) sends the signature detached (RFC 7515 Appendix F:
``header..signature``), since its payload would only repeat the decision beside it; such a
signature is checked over the canonical JSON of the decision held, so a changed decision makes
the signature itself fail (``/signature``).

Example:
    >>> import json
    >>> verify_decision({"decision": {}, "signature": "not a jws"}, {"keys": []})
    Traceback (most recent call last):
    ...
    airlock.errors.VerificationError: /signature: signature is missing or not a compact JWS
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple, Union

from .canonical import CanonicalJsonError, _utf16_key, canonical_json
from .errors import VerificationError

__all__ = ["verify_decision", "load_jwks", "first_difference", "attach_payload", "is_detached", "Verified", "DECISION_JWS_TYP"]

DECISION_JWS_TYP = "airlock-decision+jws"
DECISION_JWS_ALG = "EdDSA"

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

JwksSource = Union[Mapping[str, Any], str, bytes, "os.PathLike[str]"]


class Verified(NamedTuple):
    """What a successful verification established."""

    kid: str
    """The key (RFC 7638 thumbprint) that signed the decision."""
    decision_id: Optional[str]
    outcome: Optional[str]


def _b64url(text: str) -> bytes:
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_jwks(source: JwksSource) -> Dict[str, Any]:
    """A JWKS from a dict, JSON text or bytes, a file path, or an ``http(s)://`` URL.

    Keep a copy of the JWKS with archived decisions: verification is offline once you hold it.

    Example:
        >>> load_jwks('{"keys": []}')
        {'keys': []}
    """
    if isinstance(source, Mapping):
        jwks: Any = dict(source)
    elif isinstance(source, bytes):
        jwks = json.loads(source.decode("utf-8"))
    elif isinstance(source, str) and source.lstrip().startswith("{"):
        jwks = json.loads(source)
    elif isinstance(source, str) and re.match(r"^https?://", source):
        import requests  # only when asked to fetch

        r = requests.get(source, timeout=30)
        r.raise_for_status()
        jwks = r.json()
    else:
        with open(os.fspath(source), "rb") as f:
            jwks = json.loads(f.read().decode("utf-8"))
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError("a JWKS is an object with a 'keys' array")
    return jwks


def _show(v: Any) -> str:
    if v is _ABSENT:
        return "absent"
    try:
        s = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= 80 else s[:77] + "..."


_ABSENT = object()


def first_difference(expected: Any, actual: Any, pointer: str = "") -> Optional[Tuple[str, Any, Any]]:
    """The first JSON pointer (depth first, keys in canonical order) where two values differ.

    Example:
        >>> first_difference({"a": 1, "b": [1, 2]}, {"a": 1.0, "b": [1, 3]})
        ('/b/1', 2, 3)
    """
    if isinstance(expected, list) and isinstance(actual, list):
        for i in range(max(len(expected), len(actual))):
            d = first_difference(
                expected[i] if i < len(expected) else _ABSENT,
                actual[i] if i < len(actual) else _ABSENT,
                f"{pointer}/{i}",
            )
            if d:
                return d
        return None
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in sorted(set(expected) | set(actual), key=_utf16_key):
            d = first_difference(
                expected.get(k, _ABSENT), actual.get(k, _ABSENT), f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}"
            )
            if d:
                return d
        return None
    if expected is _ABSENT and actual is _ABSENT:
        return None
    try:
        same = expected is not _ABSENT and actual is not _ABSENT and canonical_json(expected) == canonical_json(actual)
    except CanonicalJsonError:
        same = False
    return None if same else (pointer, expected, actual)


def _ed25519_verify(jwk: Mapping[str, Any], signature: bytes, data: bytes) -> bool:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError as e:  # pragma: no cover - exercised only without cryptography
        raise ImportError("offline verification needs the 'cryptography' package (Debian: python3-cryptography)") from e
    try:
        key = Ed25519PublicKey.from_public_bytes(_b64url(str(jwk.get("x", ""))))
    except ValueError:
        return False
    try:
        key.verify(signature, data)
        return True
    except InvalidSignature:
        return False


def is_detached(signature: Any) -> bool:
    """True for a compact JWS with a detached payload (RFC 7515 Appendix F): ``header..signature``.

    Example:
        >>> is_detached("eyJh..c2ln"), is_detached("eyJh.eyJk.c2ln")
        (True, False)
    """
    if not isinstance(signature, str):
        return False
    parts = signature.split(".")
    return len(parts) == 3 and parts[1] == "" and parts[0] != "" and parts[2] != ""


def attach_payload(signature: str, decision: Any) -> str:
    """The compact JWS with the canonical JSON of ``decision`` put back as its payload.

    Raises ``CanonicalJsonError`` when the decision has no canonical form (NaN, a lone surrogate…).

    Example:
        >>> attach_payload("eyJh..c2ln", {"b": 1.0, "a": "x"})
        'eyJh.eyJhIjoieCIsImIiOjF9.c2ln'
    """
    header, _, sig = signature.split(".")
    payload = base64.urlsafe_b64encode(canonical_json(decision).encode("utf-8")).rstrip(b"=").decode("ascii")
    return f"{header}.{payload}.{sig}"


def verify_jws(signature: Any, jwks: JwksSource, typ: str = DECISION_JWS_TYP) -> Tuple[str, bytes]:
    """Checks a compact JWS by airlock; returns ``(kid, payload bytes)`` or raises ``VerificationError``.

    Only ``EdDSA`` (Ed25519) is accepted, whatever the header claims, and only the given
    ``typ``, so a token made for one purpose never passes as another.
    """
    if not isinstance(signature, str) or signature.count(".") != 2:
        raise VerificationError("/signature", "signature is missing or not a compact JWS")
    header_b64, payload_b64, sig_b64 = signature.split(".")
    try:
        header = json.loads(_b64url(header_b64).decode("utf-8"))
        if not isinstance(header, dict):
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise VerificationError("/signature", "the JWS header cannot be decoded") from None
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if header.get("alg") != DECISION_JWS_ALG:
        raise VerificationError("/signature", f'JWS alg is {_show(header.get("alg", _ABSENT))}, expected "{DECISION_JWS_ALG}"', kid)
    if header.get("typ") != typ:
        raise VerificationError("/signature", f'JWS typ is {_show(header.get("typ", _ABSENT))}, expected "{typ}"', kid)
    if "crit" in header:
        raise VerificationError("/signature", "JWS header has critical extensions this verifier does not know", kid)
    if not kid:
        raise VerificationError("/signature", "JWS header has no kid")
    keys: List[Mapping[str, Any]] = [k for k in load_jwks(jwks)["keys"] if isinstance(k, Mapping) and k.get("kid") == kid]
    usable = [k for k in keys if k.get("kty") == "OKP" and k.get("crv") == "Ed25519" and k.get("alg", DECISION_JWS_ALG) == DECISION_JWS_ALG]
    if not usable:
        raise VerificationError("/signature", f"no usable key with kid {kid} in the JWKS", kid)
    try:
        sig = _b64url(sig_b64)
        payload = _b64url(payload_b64)
    except (ValueError, binascii.Error):
        raise VerificationError("/signature", f"the signature does not verify with key {kid}", kid) from None
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    if len(sig) != 64 or not any(_ed25519_verify(k, sig, signing_input) for k in usable):
        raise VerificationError("/signature", f"the signature does not verify with key {kid}", kid)
    return kid, payload


def verify_decision(response: Any, jwks: JwksSource) -> Verified:
    """Verifies a decision response (as ``POST /v1/decisions`` or ``GET /v1/decisions/{id}`` gave it).

    Returns ``Verified(kid, decision_id, outcome)``; raises ``VerificationError`` naming the
    field at fault (``/signature``, ``/decision/outputs/0/outcome``, ``/audit/seq``…).
    """
    if not isinstance(response, Mapping):
        raise VerificationError("", "the response is not a JSON object")
    decision = response.get("decision")
    if not isinstance(decision, Mapping):
        raise VerificationError("/decision", "decision is missing or not an object")
    signature = response.get("signature")
    if is_detached(signature):
        try:
            signature = attach_payload(signature, dict(decision))
        except CanonicalJsonError:
            raise VerificationError("/decision", "the decision cannot be canonicalised (RFC 8785)") from None
    kid, payload = verify_jws(signature, jwks)
    try:
        signed_text = payload.decode("utf-8")
        signed = json.loads(signed_text)
    except (UnicodeDecodeError, ValueError):
        raise VerificationError("/signature", "the signed payload is not UTF-8 JSON", kid) from None
    try:
        canonical = canonical_json(signed) == signed_text
    except CanonicalJsonError:
        canonical = False
    if not canonical:
        raise VerificationError("/signature", "the signed payload is not canonical JSON (RFC 8785)", kid)
    try:
        same = canonical_json(dict(decision)) == signed_text
    except CanonicalJsonError:
        same = False
    if not same:
        diff = first_difference(signed, dict(decision)) or ("", signed, decision)
        pointer, exp, act = diff
        raise VerificationError(
            f"/decision{pointer}",
            f"decision differs from the signed payload at {pointer or '/'}: signed {_show(exp)}, found {_show(act)}",
            kid,
        )
    audit = response.get("audit", _ABSENT)
    if audit is not _ABSENT:
        if not isinstance(audit, Mapping):
            raise VerificationError("/audit", "audit is not an object", kid)
        seq = audit.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise VerificationError("/audit/seq", "audit.seq is not a positive integer", kid)
        for f in ("hash", "prev"):
            if not isinstance(audit.get(f), str) or not _HEX64.match(audit[f]):
                raise VerificationError(f"/audit/{f}", f"audit.{f} is not 64 lower-case hex digits", kid)
    did = decision.get("id")
    out = decision.get("outcome")
    return Verified(kid, did if isinstance(did, str) else None, out if isinstance(out, str) else None)
