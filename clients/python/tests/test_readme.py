"""The README's notebook-style example runs, against a real airlock, and prints what it says."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pandas as pd

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks(text: str) -> str:
    return "\n".join(m.group(1) for m in re.finditer(r"```python\n(.*?)```", text, re.S))


def test_readme_blocks_are_doctests() -> None:
    source = python_blocks(README.read_text(encoding="utf-8"))
    examples = doctest.DocTestParser().get_examples(source)
    # The example covers the client, verification and the ACRO session: a README that lost
    # its examples would pass vacuously.
    assert len(examples) >= 30
    assert any("check_table" in e.source for e in examples) and any("ACRO(" in e.source for e in examples)


def test_readme_example_runs(server, unique, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AIRLOCK_URL", server.url)
    monkeypatch.setenv("AIRLOCK_TOKEN", server.tokens["alice"])
    monkeypatch.setenv("AIRLOCK_PROJECT", unique)
    monkeypatch.setenv("AIRLOCK_REQUESTER", "alice")
    monkeypatch.setenv("AIRLOCK_DATASET", f"{unique}-acro")
    monkeypatch.chdir(tmp_path)  # the example writes decision.json and jwks.json
    test = doctest.DocTestParser().get_doctest(python_blocks(README.read_text(encoding="utf-8")), {}, "README.md", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list = []
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        result = runner.run(test, out=report.append)
    assert result.attempted >= 30
    assert result.failed == 0, "".join(report)
