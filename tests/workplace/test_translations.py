"""Chinese is the default language: every string must be translated, and the compiled
catalogues must match their sources (the app runs from the committed .mo files)."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "site-packages" not in path.parts
)


def parse_po(path: Path):
    """(msgctxt, msgid, msgstr, flags) of each entry; plurals keep their first form."""
    entries, entry, field, flags = [], {}, None, set()

    def finish():
        nonlocal entry, flags
        if "msgid" in entry:
            entries.append((entry.get("msgctxt"), entry["msgid"], entry.get("msgstr", ""), flags))
        entry, flags = {}, set()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            finish() if "msgid" in entry and field == "msgstr" else None
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#~") or line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ", "msgstr[")):
            keyword, _, literal = line.partition(" ")
            keyword = {"msgstr[0]": "msgstr"}.get(keyword, keyword)
            if keyword in ("msgctxt", "msgid") and field == "msgstr":
                finish()
            field = keyword if keyword in ("msgctxt", "msgid", "msgstr") else None
            if field:
                entry[field] = ast.literal_eval(literal)
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
        elif not line.strip():
            finish()
            field = None
    finish()
    return [e for e in entries if e[1]]  # drop the header


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 4


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_to_chinese(catalogue):
    entries = parse_po(catalogue)
    untranslated = [msgid for _ctx, msgid, msgstr, _flags in entries if not msgstr]
    fuzzy = [msgid for _ctx, msgid, _msgstr, flags in entries if "fuzzy" in flags]
    assert untranslated == [], f"untranslated in {catalogue}"
    assert fuzzy == [], f"fuzzy (unchecked guesses) in {catalogue}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(catalogue):
    with open(catalogue.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for context, msgid, msgstr, _flags in parse_po(catalogue):
        got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        if got != msgstr:
            stale.append(msgid)
    assert stale == [], f"{catalogue.with_suffix('.mo')} is stale: run compilemessages"


def test_our_translations_are_not_overridden_by_a_framework_catalogue():
    """Apps listed before ours (admin, auth, DRF) win for the same msgid; a word they
    translate differently must carry a context or different wording on our side."""
    from django.utils import translation

    checks = {"Apply filters": "筛选", "file type": "文件类型"}
    with translation.override("zh-hans"):
        assert {msgid: translation.gettext(msgid) for msgid in checks} == checks


def test_a_string_means_one_thing_across_the_catalogues():
    """Django merges every catalogue into one: the same (context, msgid) in two apps with
    different Chinese shows one app's word on the other's pages (a complaint's decision
    once read as the shop visit's 考察). The same meaning takes the same words; another
    meaning takes a context (pgettext / {% translate … context … %})."""
    seen: dict = {}
    for path in CATALOGUES:
        app = path.relative_to(ROOT).parts[0]
        for context, msgid, msgstr, _flags in parse_po(path):
            seen.setdefault((context, msgid), {})[app] = msgstr
    clashes = {key: by_app for key, by_app in seen.items() if len(set(by_app.values())) > 1}
    assert clashes == {}
