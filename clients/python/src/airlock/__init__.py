"""airlock: disclosure control for research outputs leaving a Trusted Research Environment.

The Python client of the airlock service::

    from airlock import Airlock
    client = Airlock("https://airlock.tre.example.org", token, project="diabetes-2026")
    decision = client.check_table(df, index="region", columns="sex")
    decision.outcome          # 'release', 'reject' or 'review'
    decision.findings         # why, cell by cell, and how to fix it
    decision.verify(jwks)     # the signature, checked offline

``airlock.acro.ACRO`` ports an ACRO notebook by changing its import.
"""

from . import outputs
from .canonical import CanonicalJsonError, canonical_json
from .client import Airlock
from .decision import Decision, OutputDecision
from .errors import AirlockError, ApiError, UnsupportedOutput, VerificationError
from .verify import Verified, load_jwks, verify_decision

__version__ = "0.1.0"

__all__ = [
    "Airlock",
    "Decision",
    "OutputDecision",
    "AirlockError",
    "ApiError",
    "VerificationError",
    "UnsupportedOutput",
    "Verified",
    "verify_decision",
    "load_jwks",
    "canonical_json",
    "CanonicalJsonError",
    "outputs",
]
