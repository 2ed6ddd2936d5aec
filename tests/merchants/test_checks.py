"""The system check's rules, one by one, at their edges (pure functions)."""

import datetime as dt

import pytest
from django.utils import translation

from merchants import checks
from merchants.checks import DocumentFacts
from merchants.samples import jpeg_bytes, pdf_bytes, png_bytes
from tests.factories.merchants import (
    LETTER_FIRST_USCC,
    UNVERIFIED_REGION_ID_NUMBER,
    VALID_ID_NUMBER,
    VALID_USCC,
)

TODAY = dt.date(2026, 11, 20)


def codes(findings):
    return [(finding.code, finding.blocking) for finding in findings]


# --- USCC (GB 32100-2015) ----------------------------------------------------------


def test_it_accepts_a_known_real_uscc():
    assert checks.is_valid_uscc("91110000600037341L")


def test_it_accepts_a_letter_first_uscc():
    # python-stdnum refuses these; GB 32100 allows them (e.g. Y for some organisations).
    from stdnum.cn import uscc

    assert not uscc.is_valid(LETTER_FIRST_USCC)
    assert checks.is_valid_uscc(LETTER_FIRST_USCC)
    assert checks.check_uscc("enterprise", LETTER_FIRST_USCC) == []


def test_it_accepts_a_uscc_whose_check_character_is_zero_or_a_letter():
    zero = next(c for n in range(1000) if (c := checks.complete_uscc(f"91341202MA{n:07d}"))[-1] == "0")
    letter = next(c for n in range(1000) if (c := checks.complete_uscc(f"91341202MA{n:07d}"))[-1] == "Y")
    assert checks.is_valid_uscc(zero) and checks.is_valid_uscc(letter)


def test_it_accepts_lower_case_and_surrounding_spaces():
    assert checks.check_uscc("enterprise", f"  {VALID_USCC.lower()} ") == []


@pytest.mark.parametrize(
    "value",
    [
        VALID_USCC[:-1] + ("1" if VALID_USCC[-1] != "1" else "2"),  # wrong check character
        VALID_USCC[:17],  # 17 characters
        VALID_USCC + "0",  # 19 characters
        "I" + VALID_USCC[1:],  # I is not in the alphabet
        VALID_USCC[:2] + "34A202" + VALID_USCC[8:],  # region code with a letter
    ],
)
def test_it_refuses_invalid_usccs(value):
    assert codes(checks.check_uscc("enterprise", value)) == [("uscc_invalid", True)]


def test_a_missing_uscc_blocks_an_enterprise_only():
    assert codes(checks.check_uscc("enterprise", "")) == [("uscc_missing", True)]
    assert checks.check_uscc("non_enterprise", "") == []


# --- resident ID (GB 11643, ISO 7064 MOD 11-2) ---------------------------------------


def test_it_accepts_a_valid_id_number():
    assert checks.check_id_number(VALID_ID_NUMBER, today=TODAY) == []


def test_it_accepts_an_x_check_digit():
    number = next(
        c for n in range(1000) if (c := checks.complete_ric(f"110105198503{n % 28 + 1:02d}{n:03d}"))[-1] == "X"
    )
    assert checks.check_id_number(number, today=TODAY) == []
    assert checks.check_id_number(number.lower(), today=TODAY) == []


def test_it_refuses_a_wrong_check_digit():
    wrong = VALID_ID_NUMBER[:-1] + ("0" if VALID_ID_NUMBER[-1] != "0" else "1")
    assert codes(checks.check_id_number(wrong, today=TODAY)) == [("id_number_invalid", True)]


@pytest.mark.parametrize("value", ["11010519850312", "1101051985031212345", "11010519850312A23X", "abc"])
def test_it_refuses_malformed_id_numbers(value):
    assert codes(checks.check_id_number(value, today=TODAY)) == [("id_number_invalid", True)]


def test_a_doubtful_region_code_is_only_a_warning():
    # 341202 (Yingzhou) exists in python-stdnum's table only from 1996; a 1980 birth is real.
    assert codes(checks.check_id_number(UNVERIFIED_REGION_ID_NUMBER, today=TODAY)) == [("id_region_unverified", False)]


@pytest.mark.parametrize("birth", ["19850230", "20261121", "20270101", "18991231"])
def test_it_refuses_impossible_or_future_birth_dates(birth):
    number = checks.complete_ric(f"110105{birth}123")
    assert codes(checks.check_id_number(number, today=TODAY)) == [("id_birth_date_invalid", True)]


def test_a_birth_date_of_yesterday_is_a_real_past_date():
    number = checks.complete_ric("11010520261119123")
    assert checks.check_id_number(number, today=TODAY) == []


def test_a_missing_id_number_blocks():
    assert codes(checks.check_id_number("", today=TODAY)) == [("id_number_missing", True)]


# --- completeness ------------------------------------------------------------------


def test_an_enterprise_with_a_uscc_needs_licence_and_id():
    assert checks.required_document_kinds("enterprise", VALID_USCC) == ["business_licence", "legal_rep_id"]


def test_an_enterprise_without_a_valid_uscc_also_needs_the_tax_certificate():
    assert checks.required_document_kinds("enterprise", "") == ["business_licence", "tax_registration", "legal_rep_id"]


def test_a_non_enterprise_needs_its_registration_certificate():
    assert checks.required_document_kinds("non_enterprise", VALID_USCC) == ["org_registration", "legal_rep_id"]


def test_it_names_each_missing_document():
    findings = checks.check_completeness("enterprise", "", ["legal_rep_id"])
    assert [(f.code, f.params["kind"], f.blocking) for f in findings] == [
        ("missing_document", "business_licence", True),
        ("missing_document", "tax_registration", True),
    ]


def test_a_complete_set_has_no_findings():
    assert checks.check_completeness("non_enterprise", "", ["org_registration", "legal_rep_id"]) == []


# --- expiry ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, expected",
    [
        (-1, [("document_expired", True)]),
        (0, [("document_expiring", False)]),  # valid until today: still valid today
        (1, [("document_expiring", False)]),
        (30, [("document_expiring", False)]),
        (31, []),
    ],
)
def test_expiry_edges(days, expected):
    assert codes(checks.check_expiry("business_licence", TODAY + dt.timedelta(days=days), today=TODAY)) == expected


def test_a_certificate_without_an_expiry_date_is_fine():
    assert checks.check_expiry("business_licence", None, today=TODAY) == []


# --- files -------------------------------------------------------------------------


def test_exactly_10_mb_is_accepted_and_one_byte_more_is_not():
    assert checks.check_file("legal_rep_id", size=10 * 1024 * 1024, content_type="image/png") == []
    assert codes(checks.check_file("legal_rep_id", size=10 * 1024 * 1024 + 1, content_type="image/png")) == [
        ("file_too_large", True)
    ]


def test_it_detects_types_from_the_content():
    assert checks.detect_content_type(pdf_bytes()) == "application/pdf"
    assert checks.detect_content_type(png_bytes()) == "image/png"
    assert checks.detect_content_type(jpeg_bytes()) == "image/jpeg"
    assert checks.detect_content_type(b"GIF89a" + b"\0" * 20) == "image/gif"
    assert checks.detect_content_type(b"just text pretending to be a PDF") is None


def test_other_types_are_refused():
    assert codes(checks.check_file("legal_rep_id", size=100, content_type="image/gif")) == [("file_type_invalid", True)]
    assert codes(checks.check_file("legal_rep_id", size=100, content_type=None)) == [("file_type_invalid", True)]


# --- address -----------------------------------------------------------------------


def test_a_missing_address_blocks():
    assert codes(checks.check_address("  ", "颍州区")) == [("address_missing", True)]
    assert codes(checks.check_address("人民路1号", "")) == [("district_missing", True)]
    assert checks.check_address("人民路1号", "颍州区") == []


# --- all together, and messages ----------------------------------------------------


def test_run_checks_collects_every_rule():
    findings = checks.run_checks(
        entity_type="enterprise",
        uscc=VALID_USCC,
        legal_rep_name="徐明",
        legal_rep_id_number=UNVERIFIED_REGION_ID_NUMBER,
        address="",
        district="颍州区",
        documents=[
            DocumentFacts(1, "business_licence", TODAY - dt.timedelta(days=1), 100, "application/pdf"),
            DocumentFacts(2, "legal_rep_id", None, 11 * 1024 * 1024, "image/gif"),
        ],
        today=TODAY,
    )
    assert codes(findings) == [
        ("id_region_unverified", False),
        ("document_expired", True),
        ("file_type_invalid", True),
        ("file_too_large", True),
        ("address_missing", True),
    ]


def test_messages_follow_the_active_language():
    finding = checks.Finding("missing_document", True, {"kind": "business_licence"})
    with translation.override("en"):
        assert finding.message == "Missing document: Business licence."
    with translation.override("zh-hans"):
        assert "营业执照" in finding.message


def test_every_code_has_a_message():
    for code in checks.MESSAGES:
        assert checks.finding_message(
            code, {"kind": "legal_rep_id", "value": "x", "region": "1", "valid_until": "d", "days": 30}
        )
