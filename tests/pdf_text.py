"""The text of a rendered PDF, for tests that check what a document says.

pdftotext comes with poppler-utils, which ``scripts/test`` installs with the PDF
packages (scripts/lib.sh). Where it is missing a test that needs it is skipped — but not
when it was meant to be there: under CI (``CI`` set) or when ``scripts/test`` installed
the packages (``ZS_REQUIRE_PDFTOTEXT``), a missing pdftotext fails the test, so the PDF
checks never pass by being skipped in silence.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def pdftotext_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("ZS_REQUIRE_PDFTOTEXT"))


def pdf_text(content: bytes, *, layout: bool = False) -> str:
    """``content``'s text by pdftotext; skips (or, where required, fails) without it."""
    if not shutil.which("pdftotext"):
        message = "pdftotext (poppler-utils) is not installed: apt-get install poppler-utils"
        if pdftotext_required():
            pytest.fail(message + " (scripts/test installs it with the PDF packages)")
        pytest.skip(message)
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=content, capture_output=True, check=True).stdout.decode()
