"""Recommendations (智能匹配, SPEC.md §9, issue 12 §5): which prospects a recruiter should
spend their time on, ranked, each with the reasons it ranks where it does.

**Prospects** are merchants the merchants app still models as prospects
(``MerchantStatus.PROSPECT``: not signed, in onboarding), except those whose every
application is closed (rejected, withdrawn, expired): nobody is onboarding them any more.

**Whose list.** A recruiter's recommendations are its own prospects (``recruiter`` = the
recruiter) and the unassigned ones (no recruiter, and no department or the recruiter's
department) in *its districts*. The plans' model is what ties a recruiter to districts: a
``Quota`` binds the recruiter to a ``Plan``, and the plan to its ``region`` (a city, its
urban districts and counties). Nothing finer assigns districts to recruiters (phases and
targets name regions, not people), so a recruiter's districts are the area of the plan in
force today in which it holds a quota (the latest starting one when several are); without
such a plan a recruiter sees its own prospects only, and no gap counts.

**Score** — the sum of three parts, each a reason in words:

(a) the open gaps of that plan, read once from ``plans.selectors.plan_progress``: the
    prospect's district short of its target (``target > signed``) or with no merchant
    signed at all (the plan's ``gaps``) — ``DISTRICT_POINTS``; its segment short of the
    plan's target — ``SEGMENT_POINTS``; its category short of a target naming the
    category — ``CATEGORY_POINTS``;
(b) the expected class from the profile: the star rule ``scoring.rules.merchant_class``
    (class I only for a large or chain supermarket, else II from the threshold) applied to
    the prospect's latest evaluation (score, large/chain flag) with the prospect's category
    as its profile now says and the rule set in force — ``CLASS_POINTS``: I first; a
    prospect not yet evaluated ranks between II and III (it may yet be II, a III is known
    to be low);
(c) recency: days since the prospect's last activity (the latest of the merchant's own
    change, its applications' changes and its evaluations), in Asia/Shanghai days —
    ``RECENCY_POINTS``.

Ties go to the more recent activity, then the older record (lower id). ``rank`` is pure;
``recommendations_for`` reads everything in a fixed number of queries, whatever the
number of prospects (pinned in tests/plans/test_recommendations_api.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from merchants.models import CLOSED_STATUSES, Application, Category, Merchant, MerchantStatus, Segment
from scoring.models import Evaluation, ScoringRuleSet
from scoring.rules import RuleTable, merchant_class
from workplace.calendar import SHANGHAI
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import COMPANY_WIDE_ROLES, Role, roles_of
from workplace.rules import in_force_or_none
from workplace.scoping import department_of

from .models import Plan, Quota, Region
from .selectors import plan_progress

DISTRICT_POINTS = 30
SEGMENT_POINTS = 20
CATEGORY_POINTS = 10
# The expected class; ``None``: no star evaluation yet.
CLASS_POINTS: Mapping[str | None, int] = {"I": 30, "II": 20, None: 10, "III": 0}
# (at most this many days ago, points), first match; older: 0.
RECENCY_POINTS: tuple[tuple[int, int], ...] = ((3, 15), (7, 10), (30, 5))

# Who may ask for recommendations: the recruiting roles and the company-wide managers.
RECRUITING_ROLES = frozenset({Role.RECRUITER, Role.RECRUITMENT_HEAD})


# --- the pure ranking ------------------------------------------------------------------


@dataclass(frozen=True)
class Prospect:
    """What the ranking reads of one prospect."""

    id: int
    name: str
    district: str
    segment: str
    category: str
    recruiter_id: int | None
    # The latest star evaluation's score and large/chain flag; ``None``: not evaluated.
    star_score: Decimal | None
    large_or_chain: bool
    last_activity: dt.datetime


@dataclass(frozen=True)
class Gaps:
    """The plan's open gaps: for each district, segment and category still short of
    target, how many merchants it still needs (``0`` for a district with no merchant and
    no target of its own: a coverage gap)."""

    districts: Mapping[str, int] = field(default_factory=dict)
    segments: Mapping[str, int] = field(default_factory=dict)
    categories: Mapping[str, int] = field(default_factory=dict)


NO_GAPS = Gaps()


@dataclass(frozen=True)
class Reason:
    """One reason of a ranking: a code, its parameters and its points; ``text`` says it in
    the active language (rendered only for what is shown)."""

    code: str
    points: int
    params: tuple = ()

    @property
    def text(self) -> str:
        return reason_text(self)


@dataclass(frozen=True)
class Recommendation:
    prospect: Prospect
    score: int
    expected_class: str | None
    days_since_activity: int
    reasons: tuple[Reason, ...]


def open_gaps(progress: Mapping) -> Gaps:
    """The open gaps of a plan's progress (``plans.selectors.plan_progress``)."""
    districts = {row["name"]: row["target"] - row["signed"] for row in progress["districts"]}
    districts = {name: short for name, short in districts.items() if short > 0}
    for gap in progress["gaps"]:
        districts.setdefault(gap["name"], 0)
    return Gaps(
        districts=districts,
        segments={
            row["segment"]: row["target"] - row["signed"]
            for row in progress["segments"]
            if row["target"] > row["signed"]
        },
        categories={
            row["category"]: row["target"] - row["signed"]
            for row in progress["categories"]
            if row["target"] > row["signed"]
        },
    )


def expected_class(prospect: Prospect, rules: RuleTable | None, recorded: str | None = None) -> str | None:
    """The class the star rule gives the prospect's profile; ``None`` without an
    evaluation. Without a rule set in force, the class recorded with the evaluation."""
    if prospect.star_score is None:
        return None
    if rules is None:
        return recorded or None
    return str(merchant_class(prospect.star_score, prospect.category, prospect.large_or_chain, rules))


def recency_points(days: int) -> int:
    for limit, points in RECENCY_POINTS:
        if days <= limit:
            return points
    return 0


def days_since(moment: dt.datetime, today: dt.date) -> int:
    """Whole days from ``moment``'s day in Asia/Shanghai to ``today`` (never negative)."""
    return max(0, (today - moment.astimezone(SHANGHAI).date()).days)


def recommend(prospect: Prospect, *, gaps: Gaps, rules: RuleTable | None, today: dt.date, recorded=None):
    """The score and reasons of one prospect."""
    reasons = []
    if prospect.district in gaps.districts:
        reasons.append(Reason("district", DISTRICT_POINTS, (prospect.district, gaps.districts[prospect.district])))
    if prospect.segment in gaps.segments:
        reasons.append(Reason("segment", SEGMENT_POINTS, (prospect.segment, gaps.segments[prospect.segment])))
    if prospect.category in gaps.categories:
        reasons.append(Reason("category", CATEGORY_POINTS, (prospect.category, gaps.categories[prospect.category])))
    klass = expected_class(prospect, rules, recorded)
    reasons.append(Reason("class", CLASS_POINTS[klass], (klass,)))
    days = days_since(prospect.last_activity, today)
    reasons.append(Reason("recency", recency_points(days), (days,)))
    return Recommendation(
        prospect=prospect,
        score=sum(reason.points for reason in reasons),
        expected_class=klass,
        days_since_activity=days,
        reasons=tuple(reasons),
    )


def rank(
    prospects: Iterable[Prospect],
    *,
    gaps: Gaps,
    rules: RuleTable | None,
    today: dt.date,
    recorded_classes: Mapping[int, str] | None = None,
) -> list[Recommendation]:
    """The prospects ranked: highest score first, then the most recent activity, then the
    lowest id."""
    recorded_classes = recorded_classes or {}
    ranked = [
        recommend(prospect, gaps=gaps, rules=rules, today=today, recorded=recorded_classes.get(prospect.id))
        for prospect in prospects
    ]
    ranked.sort(key=lambda r: (-r.score, -r.prospect.last_activity.timestamp(), r.prospect.id))
    return ranked


def reason_text(reason: Reason) -> str:
    """A reason in words, in the active language."""
    if reason.code == "district":
        name, short = reason.params
        if not short:
            return _("District %(name)s has no merchant signed yet") % {"name": name}
        return ngettext(
            "District %(name)s is still %(count)d merchant short",
            "District %(name)s is still %(count)d merchants short",
            short,
        ) % {"name": name, "count": short}
    if reason.code == "segment":
        segment, short = reason.params
        return ngettext(
            "%(segment)s is still %(count)d merchant short",
            "%(segment)s is still %(count)d merchants short",
            short,
        ) % {"segment": Segment(segment).label, "count": short}
    if reason.code == "category":
        category, short = reason.params
        return ngettext(
            "%(category)s is still %(count)d merchant short",
            "%(category)s is still %(count)d merchants short",
            short,
        ) % {"category": Category(category).label, "count": short}
    if reason.code == "class":
        (klass,) = reason.params
        if klass is None:
            return _("No star evaluation yet")
        return _("Expected class %(class)s") % {"class": klass}
    (days,) = reason.params
    if days == 0:
        return _("Active today")
    return ngettext("Active %(days)d day ago", "Active %(days)d days ago", days) % {"days": days}


# --- who, and the reads ----------------------------------------------------------------


def may_ask(user) -> bool:
    """Recruiters, recruitment heads, the company-wide managers and superusers."""
    if not (user and user.is_authenticated):
        return False
    return bool(user.is_superuser or roles_of(user) & (RECRUITING_ROLES | COMPANY_WIDE_ROLES))


def recruiters_for(user):
    """The people whose recommendations ``user`` may read: a recruiter itself; a head the
    recruiters and heads of its department, and itself; company-wide roles every one."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(RECRUITING_ROLES))
        .distinct()
        .order_by("last_name", "first_name", "username", "pk")
    )
    if user.is_superuser or roles_of(user) & COMPANY_WIDE_ROLES:
        return people
    roles = roles_of(user)
    if Role.RECRUITMENT_HEAD in roles and department_of(user) is not None:
        return people.filter(Q(staff_profile__department_id=department_of(user)) | Q(pk=user.pk))
    if roles & RECRUITING_ROLES:
        return people.filter(pk=user.pk)
    return people.none()


def subject_of(user, raw=None):
    """Whose list ``user`` asks for with ``?recruiter=`` (``raw``; the caller by default):
    a bad value 400 naming ``recruiter``, someone out of reach 403 naming it."""
    if not may_ask(user):
        raise NotPermitted(_("Only recruiters and their managers see recommendations."))
    text = "" if raw is None else str(raw).strip()
    if not text:
        if roles_of(user) & RECRUITING_ROLES:
            return user
        raise ApplicationError(_("Choose a recruiter."), field="recruiter", code="required")
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) < 1:
        raise ApplicationError(_("Enter a whole number."), field="recruiter", code="invalid")
    person = (
        get_user_model()
        .objects.filter(pk=int(text), is_active=True, groups__name__in=list(RECRUITING_ROLES))
        .select_related("staff_profile")
        .first()
    )
    if person is None:
        raise ApplicationError(_("There is no such recruiter."), field="recruiter", code="does_not_exist")
    if person.pk == user.pk or user.is_superuser or roles_of(user) & COMPANY_WIDE_ROLES:
        return person
    if Role.RECRUITMENT_HEAD in roles_of(user) and department_of(user) is not None:
        if department_of(person) == department_of(user):
            return person
        raise NotPermitted(_("You may see only the recruiters of your department."), field="recruiter")
    raise NotPermitted(_("You may see only your own recommendations."), field="recruiter")


def plan_for(recruiter, today: dt.date) -> Plan | None:
    """The plan in force on ``today`` in which ``recruiter`` holds a quota (the latest
    starting one), or ``None``. One query."""
    return (
        Plan.objects.filter(
            starts_on__lte=today,
            ends_on__gte=today,
            pk__in=Quota.objects.filter(recruiter=recruiter).values("plan_id"),
        )
        .select_related("region")
        .order_by("-starts_on", "-id")
        .first()
    )


def area_names(plan: Plan) -> list[str]:
    """The names of the plan's region and the regions two levels below it (as
    ``plans.selectors`` reads a plan's area). One query."""
    return list(
        Region.objects.filter(
            Q(pk=plan.region_id) | Q(parent_id=plan.region_id) | Q(parent__parent_id=plan.region_id)
        ).values_list("name", flat=True)
    )


def prospects_of(recruiter, area: list[str] | None):
    """The prospects on ``recruiter``'s list (see the module's docstring), as rows."""
    applications = Application.objects.filter(merchant=OuterRef("pk"))
    latest = Evaluation.objects.filter(merchant=OuterRef("pk")).order_by("-created_at", "-id")
    mine = Q(recruiter=recruiter)
    if area:
        department = department_of(recruiter)
        mine |= (
            Q(recruiter__isnull=True, district__in=area) & (Q(department__isnull=True) | Q(department_id=department))
            if department is not None
            else Q(recruiter__isnull=True, department__isnull=True, district__in=area)
        )
    return (
        Merchant.objects.filter(mine, status=MerchantStatus.PROSPECT)
        .exclude(
            Exists(applications.filter(status__in=CLOSED_STATUSES))
            & ~Exists(applications.exclude(status__in=CLOSED_STATUSES))
        )
        .annotate(
            star_score=Subquery(latest.values("score")[:1]),
            large_or_chain=Subquery(latest.values("large_or_chain")[:1]),
            recorded_class=Subquery(latest.values("merchant_class")[:1]),
            last_activity=Greatest(
                "updated_at",
                Subquery(
                    Application.objects.filter(merchant=OuterRef("pk"))
                    .order_by()
                    .values("merchant")
                    .annotate(at=Max("updated_at"))
                    .values("at")
                ),
                Subquery(latest.values("created_at")[:1]),
            ),
        )
        .order_by()
        .values_list(
            "pk",
            "name",
            "district",
            "segment",
            "category",
            "recruiter_id",
            "star_score",
            "large_or_chain",
            "last_activity",
            "recorded_class",
        )
    )


@dataclass(frozen=True)
class Recommendations:
    recruiter: object
    plan: Plan | None
    results: list[Recommendation]


def recommendations_for(recruiter, *, reader, today: dt.date | None = None) -> Recommendations:
    """``recruiter``'s ranked list as ``reader`` reads it (``reader`` is checked by
    ``subject_of``; the plan's progress is read once, as ``reader`` may read it)."""
    today = today or timezone.localdate()
    plan = plan_for(recruiter, today)
    gaps, area = NO_GAPS, None
    if plan is not None:
        gaps = open_gaps(plan_progress(plan, reader))
        area = area_names(plan)
    rule_set = in_force_or_none(ScoringRuleSet, today)
    rules = rule_set.table if rule_set is not None else None
    prospects, recorded = [], {}
    for pk, name, district, segment, category, owner, score, large, last, klass in prospects_of(recruiter, area):
        prospects.append(Prospect(pk, name, district, segment, category, owner, score, bool(large), last))
        if klass:
            recorded[pk] = klass
    return Recommendations(
        recruiter=recruiter,
        plan=plan,
        results=rank(prospects, gaps=gaps, rules=rules, today=today, recorded_classes=recorded),
    )
