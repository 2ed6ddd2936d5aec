"""How the star rating plugs into merchants' onboarding (``merchants.extensions``).

Scoring sits above merchants, so merchants never imports it: registered from
``ScoringConfig.ready()``, this module supplies the approval blocker "a star evaluation
on file" (SPEC.md §1.3), the class the contract prints and the merchant keeps at signing,
and the review page's evaluation panel with its form post (``review/<pk>/evaluation/``
under the portal, in merchants' URL namespace).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants import extensions
from merchants.forms import EvaluationForm
from merchants.views.common import reviewer_staff_required
from merchants.views.review import review_action
from workplace.exceptions import ApplicationError

from .rules import Decoration, Frequency
from .selectors import evaluation_at, evaluations_of_merchant, latest_evaluation, rule_set_in_force
from .services import evaluation_record

# How many versions of the evaluation the review page lists.
REVIEW_PAGE_EVALUATIONS = 5


def evaluation_missing(application) -> list[str]:
    """The approval blocker: a star evaluation must be on file."""
    if latest_evaluation(application.merchant) is None:
        return [_("Record a star evaluation before approving.")]
    return []


def contract_class(merchant, moment) -> dict:
    """The class the contract prints: the evaluation on file when it is rendered."""
    evaluation = evaluation_at(merchant, moment)
    return {"merchant_class": getattr(evaluation, "merchant_class", "") or ""}


def signed_class(merchant, moment) -> dict:
    """The class on file when the merchant signs (it counts for the recruiter's points)."""
    evaluation = evaluation_at(merchant, moment)
    return {"signed_class": str(getattr(evaluation, "merchant_class", "") or "")}


def evaluation_form(data=None) -> EvaluationForm:
    """The review page's evaluation form, with the brand range of the rule set in force."""
    try:
        rule_set = rule_set_in_force()
        brand_range = range(rule_set.brand_min, rule_set.brand_max + 1)
    except ApplicationError:
        brand_range = range(1, 6)
    return EvaluationForm(
        data,
        brand_range=brand_range,
        decoration_choices=Decoration.choices,
        frequency_choices=Frequency.choices,
        prefix="evaluation",
    )


def review_section(request, application, allowed, forms) -> dict:
    """The evaluation panel of the review page."""
    evaluations = list(evaluations_of_merchant(application.merchant_id)[:REVIEW_PAGE_EVALUATIONS])
    return {
        "evaluations": evaluations,
        "evaluation_missing": not evaluations,
        "can_evaluate": "evaluation" in allowed,
        "evaluation_form": forms.get("evaluation_form") or evaluation_form(),
    }


@reviewer_staff_required
@require_POST
def review_evaluation(request, pk):
    """POST the review page's evaluation form: the scoring service records it."""
    return review_action(
        request,
        pk,
        form_name="evaluation_form",
        build_form=lambda application: evaluation_form(request.POST),
        perform=lambda application, data: evaluation_record(application=application, by=request.user, data=data),
        success=_("The star evaluation is recorded."),
    )


def register() -> None:
    extensions.approval_blockers.register("star_evaluation", evaluation_missing)
    extensions.contract_terms.register("merchant_class", contract_class)
    extensions.signing_fields.register("signed_class", signed_class)
    extensions.review_sections.register("evaluation", review_section)
    extensions.review_urls.register("evaluation", ("evaluation/", review_evaluation, "review_evaluation"))
    extensions.evaluation_recorder.register("evaluation", evaluation_record)
