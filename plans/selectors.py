"""Reads of recruitment plans: the plans a user may see and a plan's progress (SPEC.md §6).

Progress counts signed merchants: a merchant is *signed* for a plan (or a phase) when its
``signed_at``, read in Asia/Shanghai, falls on a day of the plan's (the phase's) period,
and its ``district`` is the name of a region of the plan's (the phase's) area — a region
and the regions below it. Whatever happened to the merchant after signing (suspended,
terminated) it stays counted: the plan counts signings. Each signing is counted for its
segment, category and district and for its signing recruiter (``signing_recruiter``, who
keeps it when the merchant changes hands).

Figures are ``{"target", "signed", "attainment"}``; attainment is signed / target × 100 as
a percent string with 2 decimals rounded half up (``"83.33"``), and ``null`` when the
target is 0 — a percentage of nothing is not a number (signings without a target are
still shown in ``signed``). Targets:

- a segment's target is the sum of the plan's targets of that segment (a target with a
  category is one bucket of its segment, a target without one another);
- a category's target is the sum of the targets naming that category;
- a district's target is the sum of the targets of the phases that cover that district
  alone (a phase over several districts sets no district's target);
- a phase's target is the sum of its targets, by segment likewise;
- a recruiter's target is their quota.

``gaps`` names the districts and counties of the plan's region in which no merchant signed
within the plan's period.

Scope: any staff member reads a plan and its totals — the team's progress against the
plan. The per-recruiter rows are scoped like people's records (SPEC.md §0): a recruiter
sees their own row, a recruitment head the recruiters of their department, the operations
director, the general manager and admins everyone. Merchants see no plans (403).

Queries: a fixed number, whatever the number of merchants, phases or recruiters (pinned in
tests/plans/test_progress.py): each breakdown is one ``GROUP BY`` in PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from merchants.models import Category, Merchant, Segment
from workplace.calendar import SHANGHAI
from workplace.exceptions import NotPermitted
from workplace.people import display_name
from workplace.roles import COMPANY_WIDE_ROLES, Role, is_staff_member, roles_of
from workplace.scoping import department_of

from .models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def may_read_plans(user) -> bool:
    """Staff read plans; merchants and anonymous callers do not."""
    return bool(user and user.is_authenticated and is_staff_member(user) and Role.MERCHANT not in roles_of(user))


def plans_for_user(user) -> QuerySet[Plan]:
    """The plans ``user`` may read: all of them for staff, none otherwise."""
    if not may_read_plans(user):
        return Plan.objects.none()
    return Plan.objects.all()


def plans_with_details(queryset: QuerySet[Plan]) -> QuerySet[Plan]:
    """Everything the plan's API body shows, in a fixed number of queries."""
    return queryset.select_related("region", "created_by").prefetch_related(
        Prefetch("targets", queryset=PlanTarget.objects.order_by("id")),
        Prefetch(
            "phases",
            queryset=Phase.objects.order_by("starts_on", "id").prefetch_related(
                Prefetch("regions", queryset=Region.objects.order_by("code")), "targets"
            ),
        ),
        Prefetch("quotas", queryset=Quota.objects.select_related("recruiter").order_by("id")),
        "class_i_negotiators",
    )


def attainment(signed: int, target: int) -> str | None:
    """signed / target × 100, 2 decimals, half up; ``None`` for a target of 0."""
    if not target:
        return None
    return str((Decimal(signed) * HUNDRED / Decimal(target)).quantize(CENT, rounding=ROUND_HALF_UP))


def figure(target: int, signed: int) -> dict:
    return {"target": target, "signed": signed, "attainment": attainment(signed, target)}


def local_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start of first, start of the day after last)`` in Asia/Shanghai."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=SHANGHAI)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    return start, end


def _signed_between(first: dt.date, last: dt.date, names) -> Q:
    start, end = local_bounds(first, last)
    return Q(signed_at__gte=start, signed_at__lt=end, district__in=list(names))


def _area_names(region_id: int, children: dict[int, list[Region]], by_id: dict[int, Region]) -> set[str]:
    names, stack = set(), [region_id]
    while stack:
        current = stack.pop()
        names.add(by_id[current].name)
        stack.extend(child.pk for child in children.get(current, ()))
    return names


def _recruiter_scope(user) -> Q | None:
    """Which recruiters' rows ``user`` reads: ``None`` for everyone, else a condition on users."""
    if user.is_superuser or roles_of(user) & COMPANY_WIDE_ROLES:
        return None
    condition = Q(pk__in=[])
    roles = roles_of(user)
    if Role.RECRUITMENT_HEAD in roles and department_of(user) is not None:
        condition |= Q(staff_profile__department_id=department_of(user))
    if roles & {Role.RECRUITER, Role.RECRUITMENT_HEAD}:
        condition |= Q(pk=user.pk)
    return condition


def plan_progress(plan: Plan, user) -> dict:
    """The plan's progress as ``user`` may read it (see the module's docstring)."""
    if not may_read_plans(user):
        raise NotPermitted()
    # The plan's region and two levels below it (a city's districts and counties).
    regions = list(
        Region.objects.filter(
            Q(pk=plan.region_id) | Q(parent_id=plan.region_id) | Q(parent__parent_id=plan.region_id)
        ).order_by("code")
    )
    by_id = {region.pk: region for region in regions}
    children: dict[int, list[Region]] = {}
    for region in regions:
        if region.parent_id in by_id and region.pk != plan.region_id:
            children.setdefault(region.parent_id, []).append(region)
    area = _area_names(plan.region_id, children, by_id)
    districts = children.get(plan.region_id) or [by_id[plan.region_id]]

    targets = list(PlanTarget.objects.filter(plan=plan).order_by().values_list("segment", "category", "count"))
    phases = list(
        Phase.objects.filter(plan=plan)
        .order_by("starts_on", "id")
        .prefetch_related(
            Prefetch("regions", queryset=Region.objects.order_by("code")),
            Prefetch("targets", queryset=PhaseTarget.objects.order_by("id")),
        )
    )

    signed = Merchant.objects.filter(_signed_between(plan.starts_on, plan.ends_on, area))
    by_segment = dict(signed.values_list("segment").annotate(n=Count("id")).order_by())
    by_category = dict(signed.values_list("category").annotate(n=Count("id")).order_by())
    by_district = dict(signed.values_list("district").annotate(n=Count("id")).order_by())

    phase_rows = _phase_progress(phases, children, by_id, signed)
    return {
        "plan": plan.pk,
        "period": {"starts_on": plan.starts_on, "ends_on": plan.ends_on},
        "total": figure(sum(count for _s, _c, count in targets), sum(by_segment.values())),
        "segments": [
            {
                "segment": segment,
                **figure(sum(c for s, _c, c in targets if s == segment), by_segment.get(segment, 0)),
            }
            for segment in Segment.values
        ],
        "categories": [
            {
                "category": category,
                **figure(sum(c for _s, k, c in targets if k == category), by_category.get(category, 0)),
            }
            for category in Category.values
        ],
        "districts": _district_rows(districts, children, by_id, phases, by_district),
        "phases": phase_rows,
        "recruiters": _recruiter_rows(plan, user, signed),
        "gaps": [
            {"region": district.pk, "name": district.name}
            for district in districts
            if not any(by_district.get(name) for name in _area_names(district.pk, children, by_id))
        ],
    }


def _district_rows(districts, children, by_id, phases, by_district) -> list[dict]:
    rows = []
    for district in districts:
        alone = [phase for phase in phases if [r.pk for r in phase.regions.all()] == [district.pk]]
        names = _area_names(district.pk, children, by_id)
        rows.append(
            {
                "region": district.pk,
                "name": district.name,
                "kind": district.kind,
                **figure(
                    sum(target.count for phase in alone for target in phase.targets.all()),
                    sum(by_district.get(name, 0) for name in names),
                ),
            }
        )
    return rows


def _phase_progress(phases: list[Phase], children, by_id, signed: QuerySet) -> list[dict]:
    """One query for every phase: a conditional count per phase and segment (phases lie
    inside the plan, so only the plan's signings are read)."""
    counts: dict[str, dict] = {}
    if phases:
        annotations = {
            f"phase_{phase.pk}": Count(
                "id",
                filter=_signed_between(
                    phase.starts_on,
                    phase.ends_on,
                    set().union(*(_area_names(r.pk, children, by_id) for r in phase.regions.all() if r.pk in by_id)),
                ),
            )
            for phase in phases
        }
        counts = {row.pop("segment"): row for row in signed.values("segment").annotate(**annotations).order_by()}
    rows = []
    for phase in phases:
        key = f"phase_{phase.pk}"
        targets = list(phase.targets.all())
        signed_by_segment = {segment: row[key] for segment, row in counts.items()}
        rows.append(
            {
                "phase": phase.pk,
                "name": phase.name,
                "period": {"starts_on": phase.starts_on, "ends_on": phase.ends_on},
                "regions": [{"region": region.pk, "name": region.name} for region in phase.regions.all()],
                **figure(sum(t.count for t in targets), sum(signed_by_segment.values())),
                "segments": [
                    {
                        "segment": segment,
                        **figure(
                            sum(t.count for t in targets if t.segment == segment), signed_by_segment.get(segment, 0)
                        ),
                    }
                    for segment in Segment.values
                ],
            }
        )
    return rows


def _recruiter_rows(plan: Plan, user, signed: QuerySet) -> list[dict]:
    scope = _recruiter_scope(user)
    quotas = Quota.objects.filter(plan=plan)
    signed = signed.filter(signing_recruiter__isnull=False)
    if scope is not None:
        allowed = get_user_model().objects.filter(scope).values("pk")
        quotas = quotas.filter(recruiter__in=allowed)
        signed = signed.filter(signing_recruiter__in=allowed)
    by_recruiter = dict(signed.values_list("signing_recruiter").annotate(n=Count("id")).order_by())
    quota_of = dict(quotas.order_by().values_list("recruiter_id", "count"))
    people = {
        person.pk: person
        for person in get_user_model()
        .objects.filter(pk__in=set(quota_of) | set(by_recruiter))
        .only("pk", "username", "first_name", "last_name")
    }
    rows = [
        {
            "recruiter": pk,
            "username": person.get_username(),
            "name": display_name(person),
            **figure(quota_of.get(pk, 0), by_recruiter.get(pk, 0)),
        }
        for pk, person in people.items()
    ]
    return sorted(rows, key=lambda row: (row["name"], row["username"]))
