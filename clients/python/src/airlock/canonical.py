"""RFC 8785 JSON Canonicalization Scheme (JCS): the byte form airlock signs.

airlock signs the canonical JSON of a decision, so verifying a decision offline means
re-creating those exact bytes from the decision you hold. Python's ``json.dumps(sort_keys=True)``
is close but not the same: it sorts keys by code point (JCS: UTF-16 code units), spells
numbers the Python way (``1.0``, ``1e-07``; JCS: ECMAScript's ``1``, ``1e-7``) and accepts
NaN. This module writes the JCS form exactly and refuses what JSON cannot carry.

Example:
    >>> canonical_json({"b": [1.50, "x"], "a": None, "c": 1e21, "d": -0.0})
    '{"a":null,"b":[1.5,"x"],"c":1e+21,"d":0}'
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Dict, List

__all__ = ["canonical_json", "js_json", "CanonicalJsonError", "es_number"]


class CanonicalJsonError(ValueError):
    """A value has no JSON (RFC 8785) form: NaN, infinity, a lone surrogate, a non-string key.

    ``pointer`` is the JSON pointer of the offending value.
    """

    def __init__(self, pointer: str, what: str) -> None:
        super().__init__(f"{pointer or '/'}: {what} cannot be canonicalised (RFC 8785)")
        self.pointer = pointer


# JSON.stringify's escapes, which RFC 8785 adopts: the two-character forms where they exist,
# lower-case \u00XX for the other control characters, everything else (U+007F, U+2028, emoji)
# written as itself.
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES = {chr(c): _SHORT.get(chr(c), f"\\u{c:04x}") for c in range(0x20)}
_ESCAPES.update(_SHORT)


def _string(s: str, pointer: str) -> str:
    for ch in s:
        if "\ud800" <= ch <= "\udfff":
            # A lone surrogate (json.loads produces one from "\ud800"): I-JSON forbids it and
            # it has no UTF-8 form, so the signer could never have signed it.
            raise CanonicalJsonError(pointer, "a string with a lone UTF-16 surrogate")
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in s) + '"'


def _utf16_key(s: str) -> bytes:
    # Sorting by UTF-16 code units is sorting by the big-endian UTF-16 bytes.
    return s.encode("utf-16-be", "surrogatepass")


def es_number(x: float) -> str:
    """A finite number as ECMAScript's ``Number.prototype.toString`` writes it (RFC 8785 §3.2.2.3).

    Python's ``repr`` gives the same shortest round-trip digits as ECMAScript; only the
    placement of the point and exponent differs, which is what this rewrites.

    Example:
        >>> [es_number(v) for v in (1.0, 1e21, 1e-7, 0.000001, 123e18, -0.0, 5e-324)]
        ['1', '1e+21', '1e-7', '0.000001', '123000000000000000000', '0', '5e-324']
    """
    if x == 0:
        return "0"  # -0 as well
    sign = "-" if x < 0 else ""
    d = Decimal(repr(abs(x))).normalize()
    _, digit_tuple, exponent = d.as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = int(exponent) + k  # the value is 0.digits × 10^n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def _number(x: Any, pointer: str) -> str:
    if isinstance(x, int):
        # JSON numbers are IEEE doubles to the signer (JavaScript): integers beyond 2^53 were
        # rounded when it parsed them, so they are written as that double is.
        if -(2**53) <= x <= 2**53:
            return str(x)
        try:
            x = float(x)
        except OverflowError:
            raise CanonicalJsonError(pointer, "an integer too large for a double") from None
    if not math.isfinite(x):
        raise CanonicalJsonError(pointer, f"the number {x}")
    return es_number(float(x))


def _is_array_index(k: str) -> bool:
    return (k == "0" or (k[:1] in "123456789" and k.isdigit() and k.isascii())) and int(k) < 2**32 - 1


def _js_key_order(obj: Dict[str, Any]) -> List[str]:
    # A JavaScript object lists integer-like keys first, ascending, then the others in
    # insertion order; JSON.parse followed by JSON.stringify therefore reorders them.
    keys = list(obj)
    return sorted((k for k in keys if _is_array_index(k)), key=int) + [k for k in keys if not _is_array_index(k)]


def _escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _write(value: Any, pointer: str, out: List[str], depth: int, sort: bool = True) -> None:
    if depth > 1000:
        raise CanonicalJsonError(pointer, "a value nested more than 1000 deep (a cycle?)")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value, pointer))
    elif isinstance(value, (int, float)):
        out.append(_number(value, pointer))
    elif isinstance(value, dict):
        for k in value:
            if not isinstance(k, str):
                raise CanonicalJsonError(pointer, f"the non-string key {k!r}")
        out.append("{")
        for i, k in enumerate(sorted(value, key=_utf16_key) if sort else _js_key_order(value)):
            if i:
                out.append(",")
            child = f"{pointer}/{_escape_pointer(k)}"
            out.append(_string(k, child))
            out.append(":")
            _write(value[k], child, out, depth + 1, sort)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, f"{pointer}/{i}", out, depth + 1, sort)
        out.append("]")
    else:
        # numpy scalars and the like: their Python value, never their repr.
        item = getattr(value, "item", None)
        if callable(item):
            plain = item()
            if plain is not value and isinstance(plain, (bool, int, float, str)):
                _write(plain, pointer, out, depth, sort)
                return
        raise CanonicalJsonError(pointer, f"a {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """The RFC 8785 canonical text of a JSON value (dicts, lists, str, int, float, bool, None).

    Raises ``CanonicalJsonError`` (with the JSON pointer of the culprit) for NaN, infinities,
    lone surrogates, non-string keys and other non-JSON values.

    Example:
        >>> canonical_json({"\\u20ac": 1, "\\r": 2, "\\U0001f600": 3, "\\ufb33": 4})
        '{"\\\\r":2,"€":1,"😀":3,"דּ":4}'
    """
    out: List[str] = []
    _write(value, "", out, 0)
    return "".join(out)


def js_json(value: Any) -> str:
    """The text JavaScript's ``JSON.stringify`` gives for a value: keys in their own order,
    numbers and strings as in ``canonical_json``.

    airlock names each output of a JSON request by the SHA-256 of this text (of the output as
    it parsed it), so a client that sends exactly this text can check that the decision is
    about the bytes it sent.

    Example:
        >>> js_json({"b": 1.0, "a": [1e-7, "é"]})
        '{"b":1,"a":[1e-7,"é"]}'
    """
    out: List[str] = []
    _write(value, "", out, 0, sort=False)
    return "".join(out)
