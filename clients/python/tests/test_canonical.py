"""RFC 8785 canonical JSON: the RFC's own vectors, refusals, and agreement with the server's writer."""

from __future__ import annotations

import json
import random
import struct
import subprocess

import pytest

from airlock.canonical import CanonicalJsonError, canonical_json, es_number, js_json
from conftest import REPO

# RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialisation.
RFC_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize("bits,expected", RFC_NUMBERS)
def test_rfc8785_numbers(bits: str, expected: str) -> None:
    x = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert es_number(x) == expected
    assert canonical_json(x) == expected


def test_rfc8785_key_order_and_strings() -> None:
    # RFC 8785 §3.2.3: keys sort by UTF-16 code units, so the emoji (a surrogate pair,
    # 0xD83D…) sorts before U+FB33 although its code point is larger.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    assert [k for k in json.loads(canonical_json(value))] == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert canonical_json({"a": "\u2028\x7f\x1f\"\\/\b\f\n\r\t"}) == '{"a":"\u2028\x7f\\u001f\\"\\\\/\\b\\f\\n\\r\\t"}'
    assert canonical_json([True, False, None, 1.5e300, -0.0, 10**3]) == "[true,false,null,1.5e+300,0,1000]"


@pytest.mark.parametrize(
    "value,pointer",
    [
        ({"a": [1, float("nan")]}, "/a/1"),
        ({"a": {"b": float("inf")}}, "/a/b"),
        ({"x": "lone \ud800 surrogate"}, "/x"),
        ({"a": {1: "int key"}}, "/a"),
        ({"a/b~": {"c": object()}}, "/a~1b~0/c"),
        (10**400, ""),
    ],
    ids=["nan", "infinity", "lone-surrogate", "int-key", "object", "huge-int"],
)
def test_refuses_what_json_cannot_carry(value: object, pointer: str) -> None:
    with pytest.raises(CanonicalJsonError) as e:
        canonical_json(value)
    assert e.value.pointer == pointer


def _random_double(rng: random.Random) -> float:
    while True:
        x = struct.unpack(">d", rng.getrandbits(64).to_bytes(8, "big"))[0]
        if x == x and abs(x) != float("inf"):
            return x


def _random_string(rng: random.Random) -> str:
    pools = [(0x20, 0x7E), (0x00, 0x1F), (0x7F, 0xFF), (0x2000, 0x2030), (0xE000, 0xFFFD), (0x10000, 0x10FFFF), (0x4E00, 0x4E50)]
    out = []
    for _ in range(rng.randrange(0, 8)):
        lo, hi = rng.choice(pools)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def _random_value(rng: random.Random, depth: int = 0) -> object:
    r = rng.random()
    if depth > 3 or r < 0.45:
        return rng.choice(
            [
                lambda: _random_double(rng),
                lambda: rng.randint(-(2**60), 2**60),
                lambda: round(rng.uniform(-1e6, 1e6), rng.randrange(0, 8)),
                lambda: rng.choice([0.1, 1e21, 1e-7, 123e-20, 5e-324, 2**53 + 1.0, -0.0, 1.0]),
                lambda: _random_string(rng),
                lambda: rng.choice([True, False, None]),
            ]
        )()
    if r < 0.7:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    keys = [_random_string(rng) if rng.random() < 0.7 else str(rng.randrange(0, 300)) for _ in range(rng.randrange(0, 6))]
    return {k: _random_value(rng, depth + 1) for k in keys}


SERVER_WRITERS = """
import { canonicalJson } from './src/lib/canonical-json.ts';
let s = '';
process.stdin.setEncoding('utf8').on('data', (c) => (s += c)).on('end', () => {
  const values = JSON.parse(s);
  process.stdout.write(JSON.stringify(values.map((v) => [canonicalJson(v), JSON.stringify(v)])));
});
"""


def test_agrees_with_the_server_on_random_values() -> None:
    # The server's own canonicalJson (what it signs) and JSON.stringify (what it hashes) over
    # thousands of random values: doubles from random bit patterns, integers beyond 2^53,
    # astral and control characters, integer-like keys.
    rng = random.Random(8785)
    values = [_random_value(rng) for _ in range(3000)]
    text = json.dumps(values)  # repr floats round-trip exactly; big ints become doubles in JS
    out = subprocess.run(
        ["node", "--import", "tsx", "--input-type=module", "-e", SERVER_WRITERS],
        cwd=REPO, input=text, capture_output=True, text=True, timeout=120, check=True,
    )
    server = json.loads(out.stdout)
    assert len(server) == len(values)
    for v, (canon, stringify) in zip(values, server):
        assert canonical_json(v) == canon, v
        assert js_json(v) == stringify, v
