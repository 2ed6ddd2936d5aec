"""Writes of the star rating."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, roles_of

from .models import Evaluation
from .rules import rate
from .selectors import rule_set_in_force

# Who records star evaluations: the recruiters who negotiate with merchants and the
# levels that review them (as in merchants' onboarding). Customer service and the heads
# of complaint departments may use the calculator but not put a rating on file.
EVALUATOR_ROLES = frozenset(
    {Role.RECRUITER, Role.RECRUITMENT_HEAD, Role.OPS_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN}
)


def may_evaluate(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & EVALUATOR_ROLES)


def validated_calculator_inputs(data, *, rules) -> dict:
    """Validate calculator inputs with the API's serializer; raise ``ApplicationError``
    naming the first field at fault (the others ride along in ``extra``)."""
    from .api.serializers import CalculatorInputSerializer

    if not isinstance(data, dict):
        raise ApplicationError(_("Invalid data. Expected a dictionary."))
    serializer = CalculatorInputSerializer(data=data, context={"rules": rules})
    if not serializer.is_valid():
        errors = {field: [str(message) for message in messages] for field, messages in serializer.errors.items()}
        field, messages = next(iter(errors.items()))
        others = {name: value for name, value in errors.items() if name != field}
        raise ApplicationError(messages[0], field=field, code="invalid", extra=others)
    return dict(serializer.validated_data)


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
    inputs = validated_calculator_inputs(data, rules=rule_set.table)
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
