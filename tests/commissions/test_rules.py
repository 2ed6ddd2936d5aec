from decimal import Decimal

import pytest

from commissions.rules import (
    DEFAULT_BANDS,
    bank_card_fee_chain,
    display_percent,
    prepaid_ratio,
    required_approval_chain,
    required_role_for_ratio,
)

D = Decimal


@pytest.mark.parametrize(
    "ratio, role",
    [
        ("150", "recruiter"),
        ("100.01", "recruiter"),
        ("85.00", "recruiter"),
        ("84.99", "recruitment_head"),
        ("84.9999999", "recruitment_head"),
        ("70.00", "recruitment_head"),
        ("69.99", "ops_director"),
        ("50.01", "ops_director"),
        ("50.00", "general_manager"),
        ("0.01", "general_manager"),
    ],
)
def test_it_finds_the_band(ratio, role):
    assert required_role_for_ratio(D(ratio), DEFAULT_BANDS) == role


def test_it_computes_the_ratio_exactly():
    assert prepaid_ratio(D("8.499"), D("10")) == D("84.99")
    assert prepaid_ratio(D("11.04"), D("13")) < D("84.93")


def test_it_compares_on_the_exact_ratio_not_the_displayed_one():
    ratio = prepaid_ratio(D("8.4999"), D("10.00"))
    assert display_percent(ratio) == D("85.00")
    assert required_role_for_ratio(ratio, DEFAULT_BANDS) == "recruitment_head"


def test_it_rounds_half_up_for_display():
    assert display_percent(D("84.995")) == D("85.00")
    assert display_percent(D("84.994999")) == D("84.99")


@pytest.mark.parametrize(
    "role, chain",
    [
        ("recruiter", []),
        ("recruitment_head", ["recruitment_head"]),
        ("ops_director", ["recruitment_head", "ops_director"]),
        ("general_manager", ["recruitment_head", "ops_director", "general_manager"]),
    ],
)
def test_it_builds_the_step_by_step_chain(role, chain):
    assert required_approval_chain(role) == chain


def test_a_recruiters_bank_card_reduction_goes_through_the_head():
    assert bank_card_fee_chain("general_manager", "recruiter") == [
        "recruitment_head",
        "ops_director",
        "general_manager",
    ]


def test_a_heads_bank_card_reduction_starts_at_operations():
    assert bank_card_fee_chain("general_manager", "recruitment_head") == ["ops_director", "general_manager"]


def test_a_bank_card_fee_at_the_standard_needs_nobody():
    assert bank_card_fee_chain("recruiter", "recruiter") == []


def test_it_never_leaves_a_ratio_without_authority():
    assert required_role_for_ratio(D("10"), [DEFAULT_BANDS[0]]) == "general_manager"
