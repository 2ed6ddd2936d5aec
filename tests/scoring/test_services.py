import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from scoring.models import Evaluation
from scoring.selectors import evaluation_at, latest_evaluation, rule_set_in_force
from scoring.services import evaluation_create
from tests.factories.scoring import WORKED_EXAMPLE, ScoringMerchantFactory, make_evaluation, make_rule_set
from workplace.exceptions import ApplicationError, NotPermitted

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def merchant(recruiter, department):
    return ScoringMerchantFactory(recruiter=recruiter, department=department)


def test_it_stores_inputs_score_class_items_and_rule_set(merchant, recruiter):
    evaluation = evaluation_create(merchant=merchant, evaluator=recruiter, data=WORKED_EXAMPLE)
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("13.70")
    assert evaluation.merchant_class == "II"
    assert evaluation.items["area_sqm"] == "1.00"
    assert evaluation.area_sqm == Decimal("900.00")
    assert evaluation.evaluator == recruiter
    assert evaluation.rule_set == rule_set_in_force()


def test_it_takes_the_merchants_category_when_none_is_given(merchant, recruiter):
    data = {key: value for key, value in WORKED_EXAMPLE.items() if key != "category"}
    assert evaluation_create(merchant=merchant, evaluator=recruiter, data=data).category == merchant.category


def test_it_refuses_another_category_than_the_merchants(merchant, recruiter):
    with pytest.raises(ApplicationError) as error:
        evaluation_create(
            merchant=merchant,
            evaluator=recruiter,
            data={**WORKED_EXAMPLE, "category": "supermarket", "large_or_chain": True},
        )
    assert error.value.field == "category"
    assert not Evaluation.objects.exists()


def test_it_names_the_bad_field_and_saves_nothing(merchant, recruiter):
    with pytest.raises(ApplicationError) as error:
        evaluation_create(merchant=merchant, evaluator=recruiter, data={**WORKED_EXAMPLE, "staff_count": -3})
    assert error.value.field == "staff_count"
    assert not Evaluation.objects.exists()


def test_it_reports_every_bad_field(merchant, recruiter):
    with pytest.raises(ApplicationError) as error:
        evaluation_create(merchant=merchant, evaluator=recruiter, data={**WORKED_EXAMPLE, "brand": 7, "frequency": "x"})
    named = {error.value.field, *error.value.extra}
    assert named == {"brand", "frequency"}


def test_it_accepts_already_validated_values(merchant, recruiter):
    data = {**WORKED_EXAMPLE, "area_sqm": Decimal("900"), "registered_capital": Decimal("2000000.00")}
    assert evaluation_create(merchant=merchant, evaluator=recruiter, data=data).score == Decimal("13.70")


def test_merchants_may_not_evaluate(merchant, merchant_user):
    with pytest.raises(NotPermitted):
        evaluation_create(merchant=merchant, evaluator=merchant_user, data=WORKED_EXAMPLE)


@pytest.mark.parametrize("role_fixture", ["customer_service", "dept_head"])
def test_staff_outside_recruitment_may_not_evaluate(request, merchant, role_fixture):
    with pytest.raises(NotPermitted):
        evaluation_create(merchant=merchant, evaluator=request.getfixturevalue(role_fixture), data=WORKED_EXAMPLE)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("role_fixture", ["recruitment_head", "ops_director", "general_manager", "admin_user"])
def test_reviewers_may_evaluate(request, merchant, role_fixture):
    evaluator = request.getfixturevalue(role_fixture)
    assert evaluation_create(merchant=merchant, evaluator=evaluator, data=WORKED_EXAMPLE).evaluator == evaluator


def test_re_evaluation_keeps_the_old_one(merchant, recruiter):
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=SHANGHAI), tick=False):
        first = make_evaluation(merchant=merchant, evaluator=recruiter)
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=SHANGHAI), tick=False):
        second = make_evaluation(merchant=merchant, evaluator=recruiter, brand=1)
    assert Evaluation.objects.filter(merchant=merchant).count() == 2
    assert latest_evaluation(merchant) == second
    first.refresh_from_db()
    assert first.score == Decimal("13.70")
    assert second.score == Decimal("11.70")
    assert second.merchant_class == "III"


def test_latest_evaluation_is_none_without_one(merchant):
    assert latest_evaluation(merchant) is None


def test_evaluation_at_gives_the_one_on_file_at_the_moment(merchant, recruiter):
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=SHANGHAI), tick=False):
        first = make_evaluation(merchant=merchant, evaluator=recruiter)
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=SHANGHAI), tick=False):
        make_evaluation(merchant=merchant, evaluator=recruiter, brand=1)
    assert evaluation_at(merchant, dt.datetime(2026, 4, 30, tzinfo=SHANGHAI)) is None
    assert evaluation_at(merchant, dt.datetime(2026, 5, 1, 10, tzinfo=SHANGHAI)) == first
    assert evaluation_at(merchant, dt.datetime(2026, 5, 31, 23, tzinfo=SHANGHAI)) == first
    assert evaluation_at(merchant, dt.datetime(2026, 6, 2, tzinfo=SHANGHAI)).merchant_class == "III"


def test_a_future_rule_set_does_not_change_todays_result(merchant, recruiter):
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=SHANGHAI), tick=False):
        make_rule_set(effective_from=dt.date(2026, 7, 1), class_two_threshold="14")
        evaluation = make_evaluation(merchant=merchant, evaluator=recruiter)
    assert evaluation.merchant_class == "II"
    assert evaluation.rule_set.effective_from == dt.date(2000, 1, 1)


def test_a_rule_set_applies_from_its_date(merchant, recruiter):
    new_rules = make_rule_set(effective_from=dt.date(2026, 7, 1), class_two_threshold="14")
    with time_machine.travel(dt.datetime(2026, 7, 1, 0, 5, tzinfo=SHANGHAI), tick=False):
        evaluation = make_evaluation(merchant=merchant, evaluator=recruiter)
    assert (evaluation.merchant_class, evaluation.rule_set) == ("III", new_rules)


def test_an_evaluation_keeps_the_rule_set_it_used(merchant, recruiter):
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=SHANGHAI), tick=False):
        evaluation = make_evaluation(merchant=merchant, evaluator=recruiter)
    area = [{"up_to": "50", "points": "0.1"}, {"points": "0.2"}]
    make_rule_set(effective_from=dt.date(2026, 7, 1), area_sqm=area)
    with time_machine.travel(dt.datetime(2026, 8, 1, 10, tzinfo=SHANGHAI), tick=False):
        later = make_evaluation(merchant=merchant, evaluator=recruiter)
    evaluation.refresh_from_db()
    assert evaluation.rule_set.effective_from == dt.date(2000, 1, 1)
    assert (evaluation.items["area_sqm"], evaluation.score) == ("1.00", Decimal("13.70"))
    assert (later.items["area_sqm"], later.score) == ("0.20", Decimal("12.90"))


def test_the_seeded_rule_set_holds_the_spec_defaults():
    rules = rule_set_in_force(dt.date(2026, 1, 1))
    assert rules.class_two_threshold == Decimal("12.00")
    assert (rules.brand_min, rules.brand_max) == (1, 5)
    assert rules.table.frequency == {
        "occasional": Decimal(1),
        "rare": Decimal(4),
        "average": Decimal(6),
        "high": Decimal(8),
        "very_high": Decimal(10),
    }


def test_it_refuses_when_no_rule_set_is_in_force():
    with pytest.raises(ApplicationError):
        rule_set_in_force(dt.date(1999, 12, 31))


def test_the_inputs_are_checked_by_a_plain_function_naming_each_field():
    from scoring.services import calculator_inputs_clean

    rules = rule_set_in_force().table
    cleaned = calculator_inputs_clean(WORKED_EXAMPLE, rules=rules)
    assert cleaned["area_sqm"] == Decimal("900.00") and cleaned["staff_count"] == 85
    assert cleaned["large_or_chain"] is False
    with pytest.raises(ApplicationError) as error:
        calculator_inputs_clean({**WORKED_EXAMPLE, "area_sqm": "1e309", "decoration": "gold"}, rules=rules)
    assert (error.value.field, set(error.value.extra)) == ("decoration", {"area_sqm"})
    with pytest.raises(ApplicationError) as error:
        calculator_inputs_clean({**WORKED_EXAMPLE, "years_in_business": "1.234"}, rules=rules)
    assert error.value.field == "years_in_business"
    with pytest.raises(ApplicationError) as error:
        calculator_inputs_clean([1, 2], rules=rules)
    assert error.value.field is None


def test_the_service_does_not_go_through_the_api_serializer():
    import ast
    from pathlib import Path

    import scoring.services

    tree = ast.parse(Path(scoring.services.__file__).read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any("api" in (module or "").split(".") for module in modules)
