"""Offline verification of the server's real signatures, and every way a tampered decision is caught."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from airlock import Decision, VerificationError, verify_decision
from airlock.canonical import canonical_json


def _b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def _reject_table():
    # 2 × 2 with two cells under the threshold of 10: rejected, with findings and cells.
    rows = [{"region": "north", "sex": s} for s in "FM" for _ in range(4)]
    rows += [{"region": "south", "sex": s} for s in "FM" for _ in range(25)]
    return rows


@pytest.fixture(scope="module")
def signed(server):
    from airlock import Airlock

    c = Airlock(server.url, server.tokens["alice"], project="verify-tests", requester="alice")
    d = c.check_table(_reject_table(), index="region", columns="sex", name="by_region")
    return d, c.jwks()


def test_a_real_decision_verifies_offline(signed, tmp_path: Path) -> None:
    d, jwks = signed
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(jwks))
    saved = tmp_path / "decision.json"
    d.save(saved)
    # Offline: the saved file and the saved JWKS, nothing else.
    v = Decision.load(saved).verify(str(jwks_file))
    assert v.decision_id == d.id and v.outcome == "reject"
    assert v.kid == jwks["keys"][0]["kid"]
    assert verify_decision(json.loads(saved.read_text()), jwks) == v


def test_the_servers_cli_and_the_client_agree(server, signed, tmp_path: Path) -> None:
    d, jwks = signed
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    d.save(tmp_path / "ok.json")
    tampered = copy.deepcopy(d.raw)
    tampered["decision"]["outputs"][0]["outcome"] = "release"
    (tmp_path / "bad.json").write_text(json.dumps(tampered))
    ok = server.cli("verify", str(tmp_path / "ok.json"), "--jwks", str(tmp_path / "jwks.json"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = server.cli("verify", str(tmp_path / "bad.json"), "--jwks", str(tmp_path / "jwks.json"), "--json")
    assert bad.returncode == 1
    cli_field = json.loads(bad.stdout)["field"]
    with pytest.raises(VerificationError) as e:
        verify_decision(tampered, jwks)
    assert e.value.field == cli_field == "/decision/outputs/0/outcome"


def _tamper(raw: dict, path: list, value) -> dict:
    t = copy.deepcopy(raw)
    node = t
    for k in path[:-1]:
        node = node[k]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return t


@pytest.mark.parametrize(
    "path,value,field",
    [
        (["decision", "outcome"], "release", "/decision/outcome"),
        (["decision", "outputs", 0, "findings", 0, "cells", 0, "count"], 40, "/decision/outputs/0/findings/0/cells/0/count"),
        (["decision", "outputs", 0, "table", "cells", 0, "labels", "region"], "North", "/decision/outputs/0/table/cells/0/labels/region"),
        (["decision", "project"], "another-project", "/decision/project"),
        (["decision", "outputs", 0, "findings", 0], KeyError, "/decision/outputs/0/findings/0/cells"),
        (["decision", "released_by"], "someone", "/decision/released_by"),
        (["decision", "outputs", 0, "sha256"], "0" * 64, "/decision/outputs/0/sha256"),
        (["audit", "seq"], 0, "/audit/seq"),
        (["audit", "hash"], "XYZ", "/audit/hash"),
    ],
)
def test_a_changed_field_is_named(signed, path, value, field) -> None:
    d, jwks = signed
    with pytest.raises(VerificationError) as e:
        verify_decision(_tamper(d.raw, path, value), jwks)
    assert e.value.field == field


def test_numbers_spelled_differently_still_verify(signed) -> None:
    # 6 and 6.0 are the same JSON number: what is signed is the value, not the spelling.
    d, jwks = signed
    raw = json.loads(json.dumps(d.raw))
    cell = raw["decision"]["outputs"][0]["table"]["cells"][0]
    cell["count"] = float(cell["count"])
    assert verify_decision(raw, jwks).decision_id == d.id


def test_a_flipped_signature_byte_is_refused(signed) -> None:
    d, jwks = signed
    h, p, s = d.signature.split(".")
    sig = bytearray(base64.urlsafe_b64decode(s + "=="))
    sig[10] ^= 1
    t = dict(d.raw, signature=f"{h}.{p}.{_b64url(bytes(sig))}")
    with pytest.raises(VerificationError, match="does not verify") as e:
        verify_decision(t, jwks)
    assert e.value.field == "/signature"


def _forge(decision: dict, header: dict, key: Ed25519PrivateKey) -> str:
    h = _b64url(json.dumps(header).encode())
    p = _b64url(canonical_json(decision).encode())
    return f"{h}.{p}.{_b64url(key.sign(f'{h}.{p}'.encode()))}"


def test_a_signature_by_another_key_is_refused(signed) -> None:
    d, jwks = signed
    kid = jwks["keys"][0]["kid"]
    forged = dict(d.raw, signature=_forge(dict(d.body, outcome="release"), {"alg": "EdDSA", "kid": kid, "typ": "airlock-decision+jws"}, Ed25519PrivateKey.generate()))
    forged["decision"] = dict(d.body, outcome="release")
    with pytest.raises(VerificationError, match="does not verify"):
        verify_decision(forged, jwks)


def test_only_eddsa_and_the_decision_type_are_accepted(signed) -> None:
    d, jwks = signed
    kid = jwks["keys"][0]["kid"]
    h, p, _ = d.signature.split(".")
    none_alg = _b64url(json.dumps({"alg": "none", "kid": kid, "typ": "airlock-decision+jws"}).encode())
    with pytest.raises(VerificationError, match='alg is "none"'):
        verify_decision(dict(d.raw, signature=f"{none_alg}.{p}."), jwks)
    # A key the attacker controls, published in a JWKS they hand over, with another typ: the
    # typ check stops a token made for something else (e.g. a protection token) passing as a decision.
    key = Ed25519PrivateKey.generate()
    x = _b64url(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    own = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k", "alg": "EdDSA", "use": "sig"}]}
    other_typ = _forge(d.body, {"alg": "EdDSA", "kid": "k", "typ": "airlock-protection+jws"}, key)
    with pytest.raises(VerificationError, match="typ"):
        verify_decision(dict(d.raw, signature=other_typ), own)
    # The same forgery with the right typ verifies against the attacker's JWKS and not airlock's:
    # which JWKS to trust is the verifier's choice, so keep airlock's with the archive.
    good_typ = _forge(d.body, {"alg": "EdDSA", "kid": "k", "typ": "airlock-decision+jws"}, key)
    assert verify_decision(dict(d.raw, signature=good_typ), own).kid == "k"
    with pytest.raises(VerificationError, match="no usable key with kid k"):
        verify_decision(dict(d.raw, signature=good_typ), jwks)


def test_a_payload_that_is_not_canonical_is_refused(signed) -> None:
    d, _ = signed
    key = Ed25519PrivateKey.generate()
    x = _b64url(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    own = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k"}]}
    h = _b64url(json.dumps({"alg": "EdDSA", "kid": "k", "typ": "airlock-decision+jws"}).encode())
    p = _b64url(json.dumps(d.body, indent=1).encode())  # same value, not canonical bytes
    sig = f"{h}.{p}.{_b64url(key.sign(f'{h}.{p}'.encode()))}"
    with pytest.raises(VerificationError, match="not canonical"):
        verify_decision(dict(d.raw, signature=sig), own)


def test_verification_through_the_client_and_of_read_back_records(server, signed) -> None:
    from airlock import Airlock

    d, _ = signed
    auditor = Airlock(server.url, server.tokens["auditor-only"])
    back = auditor.decision(d.id)
    assert back.body == d.body and back.signature == d.signature
    assert back.verify().decision_id == d.id
    assert auditor.verify(d.raw).outcome == "reject"


# -- the decision list's detached signatures (RFC 7515 Appendix F) ---------------------------


@pytest.fixture(scope="module")
def listed(server, signed):
    """The signed decision as the list serves it, and one whose numbers need ECMAScript's spelling."""
    from airlock import Airlock, outputs

    d, jwks = signed
    c = Airlock(server.url, server.tokens["alice"], project="verify-detached", requester="alice")
    # Numbers Python and ECMAScript write differently (1e-07 / 1e-7, 1e+22, 0.30000000000000004,
    # 5.0 / 5): the canonical JSON rebuilt from the list must be byte for byte the signed one.
    odd = c.submit(
        [
            outputs.model(
                "odd_numbers",
                family="ols",
                n_obs=400,
                n_params=3,
                coefficients=[
                    {"term": "(Intercept)", "estimate": 0.1 + 0.2, "std_error": 1e-7},
                    {"term": "dose", "estimate": 1e22, "std_error": 5.0},
                    {"term": "age", "estimate": -123456789.98765433, "std_error": 0.000001},
                ],
            )
        ]
    )
    auditor = Airlock(server.url, server.tokens["auditor-only"])
    items = {x.id: x for p in ("verify-tests", "verify-detached") for x in auditor.decisions(project=p)}
    return items[d.id], items[odd.id], d, jwks


def test_the_list_sends_detached_signatures_that_verify_offline(server, listed, tmp_path: Path) -> None:
    item, odd, d, jwks = listed
    h, p, s = d.signature.split(".")
    assert item.signature == f"{h}..{s}" and item.body == d.body
    assert item.verify(jwks).decision_id == d.id
    assert odd.signature.split(".")[1] == "" and odd.verify(jwks).outcome == odd.outcome
    # 6 and 6.0 are one JSON number: the rebuilt payload is the value's, not the spelling's.
    respelled = json.loads(json.dumps(item.raw))
    cell = respelled["decision"]["outputs"][0]["table"]["cells"][0]
    cell["count"] = float(cell["count"])
    assert verify_decision(respelled, jwks).decision_id == d.id
    # Saved as listed, the file verifies offline here and with the server's own CLI.
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    odd.save(tmp_path / "listed.json")
    assert Decision.load(tmp_path / "listed.json").verify(str(tmp_path / "jwks.json")).decision_id == odd.id
    ok = server.cli("verify", str(tmp_path / "listed.json"), "--jwks", str(tmp_path / "jwks.json"))
    assert ok.returncode == 0, ok.stdout + ok.stderr


@pytest.mark.parametrize(
    "path,value",
    [
        (["decision", "outcome"], "release"),
        (["decision", "outputs", 0, "table", "cells", 0, "count"], 400),
        (["decision", "outputs", 0, "findings", 0], KeyError),
    ],
)
def test_a_tampered_decision_beside_a_detached_signature_fails(server, listed, path, value, tmp_path: Path) -> None:
    item, _, _, jwks = listed
    tampered = _tamper(item.raw, path, value)
    with pytest.raises(VerificationError, match="does not verify") as e:
        verify_decision(tampered, jwks)
    assert e.value.field == "/signature"
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    (tmp_path / "bad.json").write_text(json.dumps(tampered))
    bad = server.cli("verify", str(tmp_path / "bad.json"), "--jwks", str(tmp_path / "jwks.json"), "--json")
    assert bad.returncode == 1 and json.loads(bad.stdout)["field"] == "/signature"


def test_a_detached_signature_over_a_value_without_canonical_form_fails(listed) -> None:
    item, _, _, jwks = listed
    with pytest.raises(VerificationError) as e:
        verify_decision(_tamper(item.raw, ["decision", "outputs", 0, "table", "cells", 0, "count"], float("nan")), jwks)
    assert e.value.field == "/decision"
    # Only header..signature is the detached form: a JWS missing its header or signature is not.
    h, _, s = item.signature.split(".")
    for broken in (f".{''}.{s}", f"{h}..", f"{h}.{s}"):
        with pytest.raises(VerificationError) as e:
            verify_decision(dict(item.raw, signature=broken), jwks)
        assert e.value.field == "/signature"
