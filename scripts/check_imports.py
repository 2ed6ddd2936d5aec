#!/usr/bin/env python3
"""Prove the apps import each other one way only (CONTRIBUTING.md, "Dependencies").

Walks every module of every app (a directory with ``apps.py``; migrations, tests,
locale, static and templates left out), reads its imports with ``ast`` — those inside
functions too — and reports each import of an app that is not below the importer in
``ORDER``. An app missing from ``ORDER`` is reported as well, so a new app must take its
place in the order first. No app imports the project package (``config``: settings, URLs,
the Celery application), which sits above every app and imports them. Exit status 1
when anything is reported.

    python3 scripts/check_imports.py
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

# Lowest first: an app may import only the apps before it.
ORDER = (
    "workplace",
    "merchants",
    "scoring",
    "commissions",
    "complaints",
    "compensation",
    "plans",
    "settlement",
    "alliance",
    "dashboards",
)
# The project package: above every app (its URLs and Celery application import them).
PROJECT_PACKAGES = ("config",)
SKIPPED_DIRS = {"migrations", "tests", "locale", "static", "templates", "__pycache__"}


def apps_in(root: Path) -> list[str]:
    return sorted(entry.name for entry in root.iterdir() if (entry / "apps.py").is_file())


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def edges(root: Path) -> list[tuple[str, str, str, int]]:
    """(importer app, imported app or project package, file, line) for every import
    between two apps and every import of the project package by an app."""
    apps = set(apps_in(root))
    found = []
    for app in sorted(apps):
        for base, dirs, files in os.walk(root / app):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for name in sorted(files):
                if not name.endswith(".py"):
                    continue
                path = Path(base) / name
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
                for line, module in imported_modules(tree):
                    target = module.split(".")[0]
                    if (target in apps and target != app) or target in PROJECT_PACKAGES:
                        found.append((app, target, str(path.relative_to(root)), line))
    return found


def problems(root: Path) -> list[str]:
    """Every import against ``ORDER`` (a circle needs at least one), every unordered app."""
    rank = {app: index for index, app in enumerate(ORDER)}
    report = [
        f"{app}: not in ORDER of scripts/check_imports.py (give it its place)"
        for app in apps_in(root)
        if app not in rank
    ]
    for importer, imported, path, line in edges(root):
        if imported in PROJECT_PACKAGES:
            report.append(f"{path}:{line}: {importer} imports {imported}, the project package above every app")
        elif importer in rank and imported in rank and rank[imported] >= rank[importer]:
            report.append(f"{path}:{line}: {importer} imports {imported}, which is not below it")
    return report


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    report = problems(root)
    for entry in report:
        print(entry)
    if not report:
        print("imports run one way: " + " < ".join(ORDER))
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
