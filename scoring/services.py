"""Writes of the star rating."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from merchants.models import Category
from merchants.services.workflow import lock_and_check
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, roles_of

from .models import Evaluation
from .rules import Decoration, Frequency, brand_points, rate
from .selectors import rule_set_in_force

# Who records star evaluations: the recruiters who negotiate with merchants and the
# levels that review them (as in merchants' onboarding). Customer service and the heads
# of complaint departments may use the calculator but not put a rating on file.
EVALUATOR_ROLES = frozenset(
    {Role.RECRUITER, Role.RECRUITMENT_HEAD, Role.OPS_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN}
)


def may_evaluate(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & EVALUATOR_ROLES)


_CHOICES = {"category": Category, "decoration": Decoration, "frequency": Frequency}
# name → (max digits, decimal places, min, max) of the decimal and whole-number inputs.
_DECIMALS = {"area_sqm": (12, 2), "registered_capital": (18, 2), "years_in_business": (6, 2)}
_INTEGERS = {"brand": (None, None), "staff_count": (0, 10_000_000)}
_TRUE = {True, "1", "true", "True", "TRUE", "yes", "Yes", "on", "y", "t"}
_FALSE = {False, "0", "false", "False", "FALSE", "no", "No", "off", "n", "f", ""}


def _clean_choice(value, choices) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise ValueError(_("Select a valid choice. That choice is not one of the available choices."))
    return value


def _clean_integer(value, low, high) -> int:
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValueError(_("A valid integer is required."))
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise ValueError(_("A valid integer is required.")) from None
    if low is not None and number < low:
        raise ValueError(_("Ensure this value is greater than or equal to {min_value}.").format(min_value=low))
    if high is not None and number > high:
        raise ValueError(_("Ensure this value is less than or equal to {max_value}.").format(max_value=high))
    return number


def _clean_decimal(value, max_digits: int, places: int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)) or len(str(value)) > 100:
        raise ValueError(_("A valid number is required."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("A valid number is required.")) from None
    if not number.is_finite():
        raise ValueError(_("A valid number is required."))
    if number < 0:
        raise ValueError(_("Ensure this value is greater than or equal to {min_value}.").format(min_value=0))
    digits, exponent = len(number.as_tuple().digits), number.as_tuple().exponent
    decimals = max(0, -exponent)
    whole = digits + exponent if exponent >= 0 else max(digits, decimals) - decimals
    if decimals > places:
        raise ValueError(
            _("Ensure that there are no more than {max_decimal_places} decimal places.").format(
                max_decimal_places=places
            )
        )
    if whole > max_digits - places:
        raise ValueError(
            _("Ensure that there are no more than {max_whole_digits} digits before the decimal point.").format(
                max_whole_digits=max_digits - places
            )
        )
    return number.quantize(Decimal(1).scaleb(-places))


def _clean_boolean(value) -> bool:
    if isinstance(value, str):
        value = value.strip()
    try:
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    except TypeError:  # an unhashable value
        pass
    raise ValueError(_("Must be a valid boolean."))


def calculator_inputs_clean(data, *, rules) -> dict:
    """The calculator's inputs (API.md), checked and converted: choices, whole numbers,
    decimals (``Decimal``, 2 places) and the brand range of ``rules``. Raises
    ``ApplicationError`` naming the first field at fault; the other faulty fields ride along
    in ``extra`` as ``{field: [message]}``. A plain function: the calculator API, the
    evaluation service and the pages share it."""
    if not isinstance(data, Mapping):
        raise ApplicationError(_("Invalid data. Expected a dictionary."), code="invalid")
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for name in ("category", "brand", "decoration", *_DECIMALS, "staff_count", "frequency", "large_or_chain"):
        value = data.get(name)
        if name == "large_or_chain":
            value = False if value is None else value
        elif value is None or (isinstance(value, str) and not value.strip() and name not in _CHOICES):
            errors[name] = _("This field is required.")
            continue
        try:
            if name in _CHOICES:
                cleaned[name] = _clean_choice(value, _CHOICES[name])
            elif name in _INTEGERS:
                cleaned[name] = _clean_integer(value, *_INTEGERS[name])
            elif name in _DECIMALS:
                cleaned[name] = _clean_decimal(value, *_DECIMALS[name])
            else:
                cleaned[name] = _clean_boolean(value)
        except ValueError as error:
            errors[name] = str(error)
    if "brand" in cleaned:
        try:
            brand_points(cleaned["brand"], rules)
        except ApplicationError as error:
            errors["brand"] = str(error.message)
    if errors:
        field, message = next(iter(errors.items()))
        others = {name: [text] for name, text in errors.items() if name != field}
        raise ApplicationError(message, field=field, code="invalid", extra=others)
    return cleaned


@transaction.atomic
def evaluation_create(*, merchant, evaluator, data: dict) -> Evaluation:
    """Evaluate ``merchant`` with the calculator's inputs under the rule set in force
    today. A re-evaluation is a new row; earlier ones are kept.

    ``data`` may leave out ``category`` (the merchant's is used); a different category
    than the merchant's is refused, since it decides class I.
    """
    if not may_evaluate(evaluator):
        raise NotPermitted(_("Only recruiters, their heads and management may record star evaluations."))
    data = dict(data) if isinstance(data, dict) else data
    if isinstance(data, dict) and not data.get("category") and merchant.category:
        data["category"] = merchant.category
    rule_set = rule_set_in_force()
    inputs = calculator_inputs_clean(data, rules=rule_set.table)
    if merchant.category and inputs["category"] != merchant.category:
        raise ApplicationError(
            _("The category must be the merchant's own category (%(category)s).")
            % {"category": merchant.get_category_display()},
            field="category",
            code="category_mismatch",
        )
    rating = rate(inputs, rule_set.table)
    return Evaluation.objects.create(
        merchant=merchant,
        evaluator=evaluator,
        rule_set=rule_set,
        score=rating.score,
        merchant_class=rating.merchant_class,
        items=rating.as_json()["items"],
        **inputs,
    )


@transaction.atomic
def evaluation_record(*, by, data: dict, application=None, merchant=None) -> Evaluation:
    """Record a star evaluation, for an application under review (the onboarding step:
    its row is locked and the reviewer's role and its state checked, as for every review
    action) or directly for a ``merchant``. The application's category is the default."""
    if (application is None) == (merchant is None):
        raise TypeError("evaluation_record takes an application or a merchant")
    if application is not None:
        lock_and_check(application=application, user=by, action="evaluation")
        merchant = application.merchant
        if isinstance(data, Mapping) and not data.get("category"):
            data = {**data, "category": application.category}
    return evaluation_create(merchant=merchant, evaluator=by, data=data)
