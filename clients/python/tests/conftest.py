"""A real ``airlock serve`` for the client tests: one per test session, on a free port.

The server runs from the repository's TypeScript sources (node + tsx), with a temporary
SQLite data directory, a development signing key, the repository's rules and a tokens file
holding the tokens below (only their SHA-256). Tests talk to it over HTTP exactly as a TRE
would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

REPO = Path(os.environ.get("AIRLOCK_REPO", HERE.parents[2])).resolve()

#: token name → roles. ``alice`` submits and audits; two checkers settle reviews.
ROLES: Dict[str, List[str]] = {
    "alice": ["submitter", "auditor"],
    "submitter-only": ["submitter"],
    "auditor-only": ["auditor"],
    "checker-1": ["checker"],
    "checker-2": ["checker"],
}


class Server:
    def __init__(self, url: str, tokens: Dict[str, str], data_dir: Path, proc: subprocess.Popen, log: List[str]) -> None:
        self.url = url
        self.tokens = tokens
        self.data_dir = data_dir
        self.proc = proc
        self.log = log

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        """Runs the ``airlock`` command of the same sources (e.g. ``verify``)."""
        return subprocess.run(
            ["node", "--import", "tsx", str(REPO / "src/cli/main.ts"), *args],
            cwd=REPO,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


def _start(tmp: Path) -> Server:
    tokens = {name: f"test_{secrets.token_urlsafe(24)}" for name in ROLES}
    tokens_file = tmp / "tokens.json"
    tokens_file.write_text(
        json.dumps([{"name": n, "sha256": hashlib.sha256(t.encode()).hexdigest(), "roles": ROLES[n]} for n, t in tokens.items()])
    )
    data_dir = tmp / "data"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRLOCK_", "OTEL_")) and k not in ("DATABASE_URL", "NODE_ENV")}
    env.update(
        PORT="0",
        HOST="127.0.0.1",
        LOG_LEVEL="info",
        AIRLOCK_DATA_DIR=str(data_dir),
        AIRLOCK_RULES_DIR=str(REPO / "rules"),
        AIRLOCK_RULES_WATCH="false",
        AIRLOCK_TOKENS_FILE=str(tokens_file),
        AIRLOCK_RATE_LIMIT="0",
        OTEL_SDK_DISABLED="true",
        OTEL_TRACES_EXPORTER="none",
        OTEL_METRICS_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none",
    )
    proc = subprocess.Popen(
        ["node", "--import", "tsx", str(REPO / "src/cli/main.ts"), "serve"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: List[str] = []
    listening = threading.Event()
    port: Dict[str, int] = {}

    def drain() -> None:
        # Reads the server's output for as long as it runs (a full pipe would block it).
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line)
            m = re.search(r'"port":(\d+)[^\n]*"msg":"airlock listening"', line)
            if m and not listening.is_set():
                port["port"] = int(m.group(1))
                listening.set()
        listening.set()  # exited: wake the waiter

    threading.Thread(target=drain, daemon=True).start()
    listening.wait(timeout=120)
    if "port" not in port:
        proc.kill()
        raise RuntimeError("airlock serve did not start:\n" + "".join(log[-50:]))
    return Server(f"http://127.0.0.1:{port['port']}", tokens, data_dir, proc, log)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    tmp = Path(tempfile.mkdtemp(prefix="airlock-py-"))
    srv = _start(tmp)
    try:
        yield srv
    finally:
        srv.proc.terminate()
        try:
            srv.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            srv.proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture()
def unique() -> str:
    """A fresh name (project or dataset), so differencing history never joins two tests."""
    return f"t-{secrets.token_hex(4)}"


@pytest.fixture()
def client(server: Server, unique: str):
    # A request without a dataset goes to review (differencing cannot be checked), so every
    # test's client names its own dataset.
    from airlock import Airlock

    return Airlock(server.url, server.tokens["alice"], project="client-tests", requester="alice", dataset=unique)


# -- a machine-readable report for the npm test wrapper (test/clients/python-client.test.ts) --

_REPORT: Dict[str, Dict[str, str]] = {}


def pytest_runtest_logreport(report) -> None:  # noqa: ANN001 - pytest's hook signature
    path = os.environ.get("AIRLOCK_PYTEST_REPORT")
    if not path:
        return
    entry = _REPORT.setdefault(report.nodeid, {"outcome": "passed", "message": ""})
    # A test passes only when its setup, call and teardown all pass; a skip is not a pass.
    if report.outcome != "passed" and entry["outcome"] == "passed":
        entry["outcome"] = report.outcome
        entry["message"] = f"{report.when}: {report.longreprtext}"[-4000:]


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ANN001
    path = os.environ.get("AIRLOCK_PYTEST_REPORT")
    if path:
        Path(path).write_text(json.dumps(_REPORT))
