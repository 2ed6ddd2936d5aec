"""Staff pages of the star rating: the live calculator, evaluations and their PDF sheet."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from merchants.models import Category
from merchants.selectors import merchants_for_user
from workplace.exceptions import ApplicationError
from workplace.pdf import render_pdf
from workplace.roles import is_staff_member

from .api.serializers import CalculatorInputSerializer
from .rules import ITEM_LABELS, ITEMS, Decoration, Frequency, rate
from .selectors import evaluations_for_user, evaluations_of_merchant, rule_set_in_force
from .services import evaluation_create, may_evaluate

INPUT_FIELDS = list(CalculatorInputSerializer().fields)


def staff_required(view):
    """Signed-in staff only: anonymous users go to the login page, merchants get 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _item_rows(items: dict) -> list[dict]:
    return [{"name": item, "label": ITEM_LABELS[item], "points": items.get(item)} for item in ITEMS]


def _calculate(data, rules):
    """Validate the form's values and rate them; returns (rating, errors)."""
    serializer = CalculatorInputSerializer(data=data, context={"rules": rules})
    if not serializer.is_valid():
        return None, {field: [str(m) for m in messages] for field, messages in serializer.errors.items()}
    rating = rate(serializer.validated_data, rules)
    return rating, {}


def _form_values(source) -> dict:
    values = {field: source.get(field, "") for field in INPUT_FIELDS}
    # An unchecked checkbox sends nothing: that means "no".
    values["large_or_chain"] = source.get("large_or_chain") in ("on", "true", "1", "True")
    return values


@staff_required
def calculator(request):
    """The live calculator. htmx posts the form and swaps in the result as inputs change;
    without JavaScript the "Calculate" button submits the same form. "Save" stores the
    result as an evaluation of the chosen merchant. GET parameters prefill the form
    (e.g. ``?merchant=12`` from a merchant's page)."""
    try:
        rule_set = rule_set_in_force()
    except ApplicationError as error:
        return render(request, "error.html", {"status": 503, "message": error.message}, status=503)
    may_save = may_evaluate(request.user)
    merchants = merchants_for_user(request.user).only("id", "name", "category").order_by("name")
    if not may_save:
        # Those who may not put a rating on file only calculate: no merchants to pick.
        merchants = merchants.none()
    source = request.POST if request.method == "POST" else request.GET
    submitted = any(field in source for field in INPUT_FIELDS)
    values = _form_values(source) if submitted else {"large_or_chain": False, "brand": ""}
    merchant = None
    if source.get("merchant"):
        merchant = merchants.filter(pk=source["merchant"]).first() if source["merchant"].isdigit() else None
        if merchant is not None and not values.get("category"):
            values["category"] = merchant.category
    rating, errors = (None, {})
    if submitted:
        rating, errors = _calculate(values, rule_set.table)

    if request.method == "POST" and source.get("action") == "save":
        if not may_save:
            errors = {**errors, "non_field_errors": [_("You may calculate, but not record star evaluations.")]}
        elif merchant is None:
            errors = {**errors, "merchant": [_("Choose a merchant to save the evaluation for.")]}
        elif not errors:
            try:
                evaluation = evaluation_create(merchant=merchant, evaluator=request.user, data=values)
            except ApplicationError as error:
                errors = {error.field or "non_field_errors": [str(error.message)]}
            else:
                return redirect("scoring:evaluation_detail", pk=evaluation.pk)

    context = {
        "values": values,
        "errors": errors,
        "rating": rating,
        "item_rows": _item_rows(rating.items if rating else {}),
        "rule_set": rule_set,
        "merchants": merchants,
        "merchant": merchant,
        "may_save": may_save,
        "categories": Category.choices,
        "decorations": Decoration.choices,
        "frequencies": Frequency.choices,
        "brand_range": range(rule_set.brand_min, rule_set.brand_max + 1),
    }
    if request.htmx:
        return render(request, "scoring/_result.html", context)
    return render(request, "scoring/calculator.html", context)


@staff_required
def evaluation_list(request):
    evaluations = evaluations_for_user(request.user).order_by("-created_at", "-id")
    page = Paginator(evaluations, 50).get_page(request.GET.get("page"))
    return render(request, "scoring/evaluation_list.html", {"page": page})


def _evaluation_for(request, pk):
    # Filter with the selector, never fetch then check: an unseen record is a 404.
    return get_object_or_404(evaluations_for_user(request.user), pk=pk)


@staff_required
def evaluation_detail(request, pk):
    evaluation = _evaluation_for(request, pk)
    context = {
        "evaluation": evaluation,
        "item_rows": _item_rows(evaluation.items),
        "versions": evaluations_of_merchant(evaluation.merchant_id),
    }
    return render(request, "scoring/evaluation_detail.html", context)


@staff_required
def evaluation_sheet(request, pk):
    """The evaluation sheet (星级评估表) as a PDF."""
    evaluation = _evaluation_for(request, pk)
    pdf = render_pdf(
        "scoring/pdf/evaluation_sheet.html",
        {"evaluation": evaluation, "item_rows": _item_rows(evaluation.items)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-{evaluation.pk}.pdf"'
    return response
