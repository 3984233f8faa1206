"""The README opens with the two commands of a fresh machine, and CI runs the second verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _block(text: str, marker: str) -> str:
    m = re.search(rf"<!-- {marker} -->\s*```\n(.*?)\n```\s*<!-- /{marker} -->", text, re.S)
    assert m, f"README has no {marker} block"
    return m.group(1)


def test_readme_has_both_commands_and_ci_uses_the_test_one():
    readme = (ROOT / "README.md").read_text()
    main = _block(readme, "main-command")
    test = _block(readme, "test-command")
    assert "pip install" in main and "examples/walkthrough.py" in main
    assert "pip install" in test and "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text()
    assert "test-command" in ci and "README.md" in ci
