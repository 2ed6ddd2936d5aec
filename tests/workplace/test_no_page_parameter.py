"""pytest-playwright owns the fixture name ``page``: a test parametrized with an argument
of that name becomes a browser test (run with Chromium, in the transactional group) and
its database flush left the tests after it without the data migrations' rows."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_only_browser_tests_take_page():
    offenders = []
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names = {arg.arg for arg in node.args.args}
                if "page" in names and "live_server" not in names:
                    offenders.append(f"{path.relative_to(TESTS)}::{node.name}")
    assert offenders == []
