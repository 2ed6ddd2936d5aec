"""The recruiter leaderboard (issue 10 §2): per recruiter, the signings in the period, the
points and the quota attainment against a plan.

Points are counted as the monthly pay counts them (SPEC.md §5.1, ``compensation``): each
merchant signed in the period by its signing recruiter earns the points of its class at
signing (``compensation.rules.signing_points`` under the ``CompensationRuleSet`` in force
on the period's last day), plus customer service's points (``complaints.PointEvent``:
+0.5 per good review, −0.5 per valid complaint) that occurred in the period. Quota
attainment is the plan's (``plans.selectors.plan_progress``' recruiter rows): signings in
the plan's area and period against the recruiter's ``Quota``.

Rank is the place among every recruiter of the company (points, then signings, highest
first; ties share a place), so a recruiter sees where they stand without seeing anyone
else's figures. The page's other filters narrow the figures: ``region``, ``category`` and
``segment`` keep the signings of the merchants they match and the service points about
those merchants (a point's merchant, or its complaint's), so rank is taken over the
narrowed figures; the quota and its attainment stay the plan's, since a quota is one count
per recruiter over the plan's whole area, not split by region, category or segment. Rows: a recruiter their own, a recruitment head their department's, the
general manager, operations director, customer service and admins everyone
(``dashboards.filters.recruiter_choices``); ``filters.recruiter`` keeps one row. A fixed
number of queries."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum

from compensation.models import CompensationRuleSet
from compensation.rules import signing_points
from complaints.models import PointEvent
from merchants.models import Merchant
from workplace.people import display_name
from workplace.roles import Role
from workplace.rules import in_force_or_none

from .filters import recruiter_choices
from .selectors import NO_FILTERS, Filters, Period

ZERO = Decimal("0.00")


def leaderboard(
    user, period: Period, *, plan_rows: list[dict] | None = None, filters: Filters = NO_FILTERS
) -> list[dict]:
    """The rows ``user`` may read, ranked (see the module's docstring). ``plan_rows``: the
    ``recruiters`` of a plan's progress, for the quotas (none without a plan)."""
    rules = in_force_or_none(CompensationRuleSet, on=period.end)
    people = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.RECRUITER, Role.RECRUITMENT_HEAD])
        .distinct()
        .only("pk", "username", "first_name", "last_name")
    )
    visible = set(recruiter_choices(user).values_list("pk", flat=True))
    narrowing = Filters(region=filters.region, category=filters.category, segment=filters.segment).merchants()
    events = PointEvent.objects.filter(occurred_at__gte=period.since, occurred_at__lt=period.until)
    if narrowing:
        matching = Merchant.objects.filter(narrowing).values("pk")
        events = events.filter(Q(merchant__in=matching) | Q(complaint__merchant__in=matching))
    signings = defaultdict(int)
    signing_total = defaultdict(lambda: ZERO)
    for recruiter_id, merchant_class, count in (
        Merchant.objects.filter(
            narrowing, signed_at__gte=period.since, signed_at__lt=period.until, signing_recruiter__isnull=False
        )
        .values_list("signing_recruiter", "signed_class")
        .annotate(n=Count("id"))
        .order_by()
    ):
        signings[recruiter_id] += count
        if rules is not None:
            signing_total[recruiter_id] += signing_points(merchant_class, rules) * count
    service = dict(events.values_list("recruiter").annotate(total=Sum("points")).order_by())
    quotas = {row["recruiter"]: row for row in plan_rows or ()}
    rows = []
    for person in people:
        service_points = Decimal(service.get(person.pk) or 0)
        quota = quotas.get(person.pk)
        rows.append(
            {
                "recruiter": person.pk,
                "username": person.get_username(),
                "name": display_name(person),
                "signings": signings[person.pk],
                "signing_points": signing_total[person.pk].quantize(ZERO),
                "service_points": service_points.quantize(ZERO),
                "points": (signing_total[person.pk] + service_points).quantize(ZERO),
                "quota": quota["target"] if quota else None,
                "quota_signed": quota["signed"] if quota else None,
                "attainment": quota["attainment"] if quota else None,
            }
        )
    rows.sort(key=lambda row: (-row["points"], -row["signings"], row["name"], row["username"]))
    place, previous = 0, None
    for index, row in enumerate(rows, start=1):
        if (row["points"], row["signings"]) != previous:
            place, previous = index, (row["points"], row["signings"])
        row["rank"] = place
    return [
        row
        for row in rows
        if row["recruiter"] in visible and (filters.recruiter is None or row["recruiter"] == filters.recruiter)
    ]


def leaderboard_body(rows: list[dict]) -> list[dict]:
    """The API's shape: points as strings with 2 decimals."""
    return [
        {**row, **{name: f"{row[name]:.2f}" for name in ("signing_points", "service_points", "points")}} for row in rows
    ]
