"""Staff pages of the star rating: the live calculator, evaluations and their PDF sheet."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from rest_framework import serializers

from merchants.models import Category
from merchants.selectors import applications_for_user, merchants_for_user
from workplace.exceptions import ApplicationError
from workplace.pdf import render_pdf
from workplace.roles import is_staff_member

from .api.serializers import CalculatorInputSerializer
from .rules import (
    ITEM_LABELS,
    ITEMS,
    Decoration,
    Frequency,
    MerchantClass,
    area_points,
    brand_points,
    capital_points,
    decoration_points,
    frequency_points,
    rate,
    staff_points,
    years_points,
)
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


# Each item's points on its own, so the calculator shows an item as soon as its field is valid.
ITEM_POINTS = {
    "brand": brand_points,
    "decoration": decoration_points,
    "area_sqm": area_points,
    "registered_capital": capital_points,
    "staff_count": staff_points,
    "years_in_business": years_points,
    "frequency": frequency_points,
}


def _item_rows(items: dict) -> list[dict]:
    return [{"name": item, "label": ITEM_LABELS[item], "points": items.get(item)} for item in ITEMS]


def _check(data, rules) -> tuple[dict, dict]:
    """Validate every input on its own: (the valid values, the messages of the others).
    A field left blank is missing ("required"), not an invalid choice or number."""
    data = {name: value for name, value in data.items() if value != ""}
    serializer = CalculatorInputSerializer(data=data, context={"rules": rules})
    if serializer.is_valid():
        return dict(serializer.validated_data), {}
    errors = {field: [str(m) for m in messages] for field, messages in serializer.errors.items()}
    valid = {}
    for name, field in serializer.fields.items():
        if name in errors:
            continue
        try:
            value = field.run_validation(field.get_value(data))
            check = getattr(serializer, f"validate_{name}", None)
            valid[name] = check(value) if check else value
        except (serializers.ValidationError, DjangoValidationError):
            continue
    return valid, errors


def _points_of(valid: dict, rules) -> dict:
    points = {}
    for item, points_of in ITEM_POINTS.items():
        if item in valid:
            try:
                points[item] = points_of(valid[item], rules)
            except ApplicationError:
                continue
    return points


def _form_values(source) -> dict:
    values = {field: source.get(field, "") for field in INPUT_FIELDS}
    # An unchecked checkbox sends nothing: that means "no".
    values["large_or_chain"] = source.get("large_or_chain") in ("on", "true", "1", "True")
    return values


@staff_required
def calculator(request):
    """The live calculator. htmx posts the form as inputs change and swaps in the result
    and, beside each field, its error; without JavaScript the "Calculate" button submits
    the same form. "Save" stores the result as an evaluation of the chosen merchant (a
    plain submit: the browser's own validation is off, the server's errors are shown).
    Choosing a merchant fills in its category. GET parameters prefill the form (e.g.
    ``?merchant=12`` from a merchant's page)."""
    try:
        rule_set = rule_set_in_force()
    except ApplicationError as error:
        return render(request, "error.html", {"status": 503, "message": error.message}, status=503)
    rules = rule_set.table
    may_save = may_evaluate(request.user)
    merchants = merchants_for_user(request.user).only("id", "name", "category").order_by("name")
    if not may_save:
        # Those who may not put a rating on file only calculate: no merchants to pick.
        merchants = merchants.none()
    source = request.POST if request.method == "POST" else request.GET
    saving = request.method == "POST" and source.get("action") == "save"
    # A live update (htmx, not a button) does not nag about fields not filled in yet.
    live = bool(request.htmx) and not source.get("action")
    submitted = any(field in source for field in INPUT_FIELDS)
    values = _form_values(source) if submitted else {"large_or_chain": False, "brand": ""}
    merchant = None
    raw_merchant = source.get("merchant", "")
    if raw_merchant:
        merchant = merchants.filter(pk=raw_merchant).first() if raw_merchant.isdigit() else None
    # Choosing a merchant fills in its category (it must be the merchant's own to save);
    # ``filled_from`` remembers for which merchant, so a category changed afterwards stays.
    filled_from = str(merchant.pk) if merchant else ""
    merchant_changed = filled_from != source.get("filled_from", "")
    if merchant is not None and merchant.category:
        if (merchant_changed and not saving) or not values.get("category"):
            values["category"] = merchant.category

    rating, errors, points = None, {}, {}
    if submitted:
        valid, errors = _check(values, rules)
        points = _points_of(valid, rules)
        if not errors:
            rating = rate(valid, rules)

    if saving:
        if not may_save:
            errors = {**errors, "non_field_errors": [_("You may calculate, but not record star evaluations.")]}
        elif merchant is None:
            errors = {**errors, "merchant": [_("Choose a merchant to save the evaluation for.")]}
        elif not errors:
            try:
                evaluation = evaluation_create(merchant=merchant, evaluator=request.user, data=values)
            except ApplicationError as error:
                rating = None
                errors = {error.field or "non_field_errors": [str(error.message)]}
            else:
                return redirect("scoring:evaluation_detail", pk=evaluation.pk)

    missing = [name for name in INPUT_FIELDS if name in errors and values.get(name) in ("", None)]
    shown_errors = {name: messages for name, messages in errors.items() if not (live and name in missing)}
    context = {
        "values": values,
        "errors": shown_errors,
        "field_errors": [(name, shown_errors.get(name, [])) for name in [*INPUT_FIELDS, "merchant"]],
        "missing": [ITEM_LABELS.get(name, name) for name in missing if name in ITEM_LABELS]
        + ([_("Category")] if "category" in missing else []),
        "invalid": bool(errors),
        "rating": rating,
        "class_label": MerchantClass(rating.merchant_class).label if rating else "",
        "item_rows": _item_rows(rating.items if rating else points),
        "rule_set": rule_set,
        "merchants": merchants,
        "merchant": merchant,
        "filled_from": filled_from,
        "refill_category": bool(request.htmx) and merchant_changed,
        "may_save": may_save,
        "categories": Category.choices,
        "decorations": Decoration.choices,
        "frequencies": Frequency.choices,
        "brand_range": range(rule_set.brand_min, rule_set.brand_max + 1),
    }
    if request.htmx:
        return render(request, "scoring/_live.html", context)
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
    # The way back: the merchant's latest application the reader may review.
    application = (
        applications_for_user(request.user)
        .filter(merchant_id=evaluation.merchant_id)
        .only("id", "company_name")
        .order_by("-created_at", "-id")
        .first()
    )
    context = {
        "evaluation": evaluation,
        "application": application,
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
