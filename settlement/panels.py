"""The credit panel (信用评级) on the lower apps' merchant pages: the admin's merchant page
and the review page (``merchants.extensions.merchant_panels``) and the commissions app's
rate-request form (which reads the same registry). Registered in ``SettlementConfig.ready``.
The merchant reaches these pages through its own selector: the panel shows what the page
already lets the reader see (one query)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from .credit import latest_rating
from .services.credit import factor_lines


def credit_panel(request, merchant) -> str:
    """The grade in force today, its score and its factors, in the reader's language."""
    rating = latest_rating(merchant.pk, timezone.localdate())
    context = {
        "merchant": merchant,
        "rating": rating,
        "factors": factor_lines(rating) if rating is not None else [],
        "show_name": False,
    }
    # Without the request: the page around it has already run the context processors.
    return render_to_string("settlement/_credit_panel.html", context)
