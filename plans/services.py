"""Writes of recruitment plans (SPEC.md §6): a plan with its targets, phases, quotas and
class I negotiators, created or edited in one transaction.

Plans are working documents, edited as the campaign goes; every change is in the audit
trail (django-auditlog records each row created, changed or deleted). Nested lists are
matched, not rebuilt, so the trail shows what changed: targets by (segment, category),
quotas by recruiter, phases by ``id`` (a phase without one is new; a phase left out is
removed). A list not passed to ``plan_update`` is kept as it is.

The rules live in the ``check_*`` functions below; each raises ``ApplicationError`` naming
the input at fault (``period``, ``phases[1].period``, ``quotas[0].recruiter`` …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from merchants.models import Category, Segment
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, has_role

from .models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region, RegionKind

# Dates outside these bounds are typing mistakes, and the date arithmetic of the progress
# figures (the day after the end) must stay inside the calendar.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
MAX_COUNT = 100_000
NAME_MAX = 200
NOTES_MAX = 5000
QUOTA_ROLES = (Role.RECRUITER, Role.RECRUITMENT_HEAD)
NEGOTIATOR_ROLES = (Role.RECRUITMENT_HEAD, Role.OPS_DIRECTOR, Role.GENERAL_MANAGER)


# --- the rules ------------------------------------------------------------------------


def check_may_write_plans(user, *, creating: bool) -> None:
    """Recruitment heads, the operations director, the general manager and admins write
    plans (the ``plans.add_plan`` / ``plans.change_plan`` permissions of their roles)."""
    permission = "plans.add_plan" if creating else "plans.change_plan"
    if user is None or not user.is_authenticated or not user.has_perm(permission):
        raise NotPermitted(_("Only a recruitment head, the operations director or the general manager may edit plans."))


def check_name(name: Any, *, field: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ApplicationError(_("Give a name."), field=field)
    if len(name) > NAME_MAX:
        raise ApplicationError(_("At most %(max)s characters.") % {"max": NAME_MAX}, field=field)
    return name.strip()


def check_period(starts_on: Any, ends_on: Any, *, field: str) -> None:
    """Both dates given, between 2000 and 2099, and the end not before the start."""
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise ApplicationError(_("Give the first and the last day."), field=field)
    for day in (starts_on, ends_on):
        if not EARLIEST <= day <= LATEST:
            raise ApplicationError(_("Dates lie between 2000 and 2099."), field=field)
    if ends_on < starts_on:
        raise ApplicationError(_("The last day is before the first."), field=field)


def check_within(starts_on: dt.date, ends_on: dt.date, *, outer_starts_on, outer_ends_on, field: str) -> None:
    """A phase lies inside its plan's period."""
    if starts_on < outer_starts_on or ends_on > outer_ends_on:
        raise ApplicationError(
            _("A phase lies inside the plan's period (%(start)s to %(end)s).")
            % {"start": outer_starts_on.isoformat(), "end": outer_ends_on.isoformat()},
            field=field,
        )


def check_count(count: Any, *, field: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise ApplicationError(_("Give a whole number."), field=field)
    if count < 0:
        raise ApplicationError(_("A number of merchants is not negative."), field=field)
    if count > MAX_COUNT:
        raise ApplicationError(_("At most %(max)s merchants.") % {"max": MAX_COUNT}, field=field)
    return count


def check_targets(targets: Iterable[dict], *, field: str) -> list[dict]:
    """Each target names a segment, optionally a category, and a count; one per pair."""
    checked, seen = [], set()
    for index, target in enumerate(targets):
        here = f"{field}[{index}]"
        segment, category = target.get("segment"), target.get("category") or ""
        if segment not in Segment.values:
            raise ApplicationError(_("Choose a segment."), field=f"{here}.segment")
        if category and category not in Category.values:
            raise ApplicationError(_("Choose a category."), field=f"{here}.category")
        if (segment, category) in seen:
            raise ApplicationError(_("One target per segment and category."), field=here)
        seen.add((segment, category))
        checked.append(
            {"segment": segment, "category": category, "count": check_count(target.get("count"), field=f"{here}.count")}
        )
    return checked


def area_of(region: Region) -> set[int]:
    """The ids of a region and every region below it (a city's districts and counties)."""
    area, level = {region.pk}, {region.pk}
    while level:
        level = set(Region.objects.filter(parent_id__in=level).exclude(pk__in=area).values_list("pk", flat=True))
        area |= level
    return area


def check_phase_regions(regions: Sequence[Region], *, area: set[int], field: str) -> list[Region]:
    """A phase covers at least one region, each inside the plan's region."""
    if not regions:
        raise ApplicationError(_("Choose at least one region."), field=field)
    for region in regions:
        if region.pk not in area:
            raise ApplicationError(
                _("%(region)s is not inside the plan's region.") % {"region": region.name}, field=field
            )
    return list({region.pk: region for region in regions}.values())


def check_quotas(quotas: Iterable[dict], *, field: str) -> list[dict]:
    """One quota per recruiter, each held by an active recruiter or recruitment head."""
    checked, seen = [], set()
    for index, quota in enumerate(quotas):
        here = f"{field}[{index}]"
        recruiter = quota.get("recruiter")
        if recruiter is None or not recruiter.is_active or not has_role(recruiter, *QUOTA_ROLES):
            raise ApplicationError(_("A quota is held by a recruiter."), field=f"{here}.recruiter")
        if recruiter.pk in seen:
            raise ApplicationError(_("One quota per recruiter."), field=f"{here}.recruiter")
        seen.add(recruiter.pk)
        checked.append({"recruiter": recruiter, "count": check_count(quota.get("count"), field=f"{here}.count")})
    return checked


def check_negotiators(users: Iterable, *, field: str) -> list:
    """Class I merchants are negotiated by managers: heads, the director, the general manager."""
    users = list({user.pk: user for user in users}.values())
    for user in users:
        if not user.is_active or not has_role(user, *NEGOTIATOR_ROLES):
            raise ApplicationError(
                _("%(name)s is not a manager who negotiates class I merchants.") % {"name": user.get_username()},
                field=field,
            )
    return users


def check_region(region: Any, *, field: str = "region") -> Region:
    if not isinstance(region, Region):
        raise ApplicationError(_("Choose a region."), field=field)
    return region


def check_region_place(*, kind: str, parent: Region | None, field: str = "parent") -> None:
    """A city stands alone; an urban district or a county is part of a city."""
    if kind == RegionKind.CITY and parent is not None:
        raise ApplicationError(_("A city is not part of another region."), field=field)
    if kind != RegionKind.CITY and (parent is None or parent.kind != RegionKind.CITY):
        raise ApplicationError(_("An urban district or a county is part of a city."), field=field)


# --- writes ---------------------------------------------------------------------------


def _phases_checked(phases: Iterable[dict], *, plan_starts_on, plan_ends_on, area: set[int], plan=None) -> list[dict]:
    existing = set(plan.phases.values_list("pk", flat=True)) if plan is not None and plan.pk else set()
    checked = []
    for index, phase in enumerate(phases):
        here = f"phases[{index}]"
        phase_id = phase.get("id")
        if phase_id is not None and phase_id not in existing:
            raise ApplicationError(_("This plan has no such phase."), field=f"{here}.id")
        starts_on, ends_on = phase.get("starts_on"), phase.get("ends_on")
        check_period(starts_on, ends_on, field=f"{here}.period")
        check_within(
            starts_on, ends_on, outer_starts_on=plan_starts_on, outer_ends_on=plan_ends_on, field=f"{here}.period"
        )
        checked.append(
            {
                "id": phase_id,
                "name": check_name(phase.get("name"), field=f"{here}.name"),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "regions": check_phase_regions(phase.get("regions") or [], area=area, field=f"{here}.regions"),
                "targets": check_targets(phase.get("targets") or [], field=f"{here}.targets"),
            }
        )
    ids = [phase["id"] for phase in checked if phase["id"] is not None]
    if len(ids) != len(set(ids)):
        raise ApplicationError(_("Each phase appears once."), field="phases")
    return checked


def _save_targets(model, owner_field: str, owner, targets: list[dict]) -> None:
    current = {(t.segment, t.category): t for t in model.objects.filter(**{owner_field: owner})}
    wanted = {(t["segment"], t["category"]): t["count"] for t in targets}
    for key, target in current.items():
        if key not in wanted:
            target.delete()
        elif target.count != wanted[key]:
            target.count = wanted[key]
            target.save(update_fields=["count"])
    for (segment, category), count in wanted.items():
        if (segment, category) not in current:
            model.objects.create(**{owner_field: owner}, segment=segment, category=category, count=count)


def _save_quotas(plan: Plan, quotas: list[dict]) -> None:
    current = {quota.recruiter_id: quota for quota in plan.quotas.all()}
    wanted = {quota["recruiter"].pk: quota for quota in quotas}
    for recruiter_id, quota in current.items():
        if recruiter_id not in wanted:
            quota.delete()
        elif quota.count != wanted[recruiter_id]["count"]:
            quota.count = wanted[recruiter_id]["count"]
            quota.save(update_fields=["count"])
    for recruiter_id, quota in wanted.items():
        if recruiter_id not in current:
            Quota.objects.create(plan=plan, recruiter=quota["recruiter"], count=quota["count"])


def _save_phases(plan: Plan, phases: list[dict]) -> None:
    kept = {phase["id"] for phase in phases if phase["id"] is not None}
    for phase in plan.phases.exclude(pk__in=kept):
        phase.delete()
    for data in phases:
        if data["id"] is None:
            phase = Phase.objects.create(
                plan=plan, name=data["name"], starts_on=data["starts_on"], ends_on=data["ends_on"]
            )
        else:
            phase = Phase.objects.get(pk=data["id"], plan=plan)
            changed = [f for f in ("name", "starts_on", "ends_on") if getattr(phase, f) != data[f]]
            for name in changed:
                setattr(phase, name, data[name])
            if changed:
                phase.save(update_fields=changed)
        phase.regions.set(data["regions"])
        _save_targets(PhaseTarget, "phase", phase, data["targets"])


@transaction.atomic
def plan_create(
    *,
    by,
    name: str,
    region: Region,
    starts_on: dt.date,
    ends_on: dt.date,
    notes: str = "",
    targets: Iterable[dict] = (),
    phases: Iterable[dict] = (),
    quotas: Iterable[dict] = (),
    class_i_negotiators: Iterable = (),
) -> Plan:
    """A new plan with its targets, phases, quotas and class I negotiators."""
    check_may_write_plans(by, creating=True)
    name = check_name(name, field="name")
    region = check_region(region)
    check_period(starts_on, ends_on, field="period")
    notes = _check_notes(notes)
    targets = check_targets(targets, field="targets")
    phases = _phases_checked(phases, plan_starts_on=starts_on, plan_ends_on=ends_on, area=area_of(region))
    quotas = check_quotas(quotas, field="quotas")
    negotiators = check_negotiators(class_i_negotiators, field="class_i_negotiators")
    plan = Plan.objects.create(
        name=name, region=region, starts_on=starts_on, ends_on=ends_on, notes=notes, created_by=by
    )
    _save_targets(PlanTarget, "plan", plan, targets)
    _save_phases(plan, phases)
    _save_quotas(plan, quotas)
    plan.class_i_negotiators.set(negotiators)
    return plan


_KEEP: Any = None


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    by,
    name: str | None = _KEEP,
    region: Region | None = _KEEP,
    starts_on: dt.date | None = _KEEP,
    ends_on: dt.date | None = _KEEP,
    notes: str | None = _KEEP,
    targets: Iterable[dict] | None = _KEEP,
    phases: Iterable[dict] | None = _KEEP,
    quotas: Iterable[dict] | None = _KEEP,
    class_i_negotiators: Iterable | None = _KEEP,
) -> Plan:
    """Edit a plan; what is not passed (``None``) stays. A new period or region is checked
    against the phases the plan keeps."""
    check_may_write_plans(by, creating=False)
    plan = Plan.objects.select_for_update().select_related("region").get(pk=plan.pk)
    fields = {}
    if name is not None:
        fields["name"] = check_name(name, field="name")
    if region is not None:
        fields["region"] = check_region(region)
    if starts_on is not None or ends_on is not None:
        new_start = starts_on if starts_on is not None else plan.starts_on
        new_end = ends_on if ends_on is not None else plan.ends_on
        check_period(new_start, new_end, field="period")
        fields["starts_on"], fields["ends_on"] = new_start, new_end
    if notes is not None:
        fields["notes"] = _check_notes(notes)
    plan_region = fields.get("region", plan.region)
    plan_starts_on, plan_ends_on = fields.get("starts_on", plan.starts_on), fields.get("ends_on", plan.ends_on)
    area = area_of(plan_region)
    if phases is not None:
        phases = _phases_checked(phases, plan_starts_on=plan_starts_on, plan_ends_on=plan_ends_on, area=area, plan=plan)
    elif {"region", "starts_on"} & set(fields):
        _check_kept_phases(plan, plan_starts_on, plan_ends_on, area)
    if targets is not None:
        targets = check_targets(targets, field="targets")
    if quotas is not None:
        quotas = check_quotas(quotas, field="quotas")
    if class_i_negotiators is not None:
        class_i_negotiators = check_negotiators(class_i_negotiators, field="class_i_negotiators")

    changed = [key for key, value in fields.items() if getattr(plan, key) != value]
    for key in changed:
        setattr(plan, key, fields[key])
    plan.save(update_fields=[*changed, "updated_at"])
    if targets is not None:
        _save_targets(PlanTarget, "plan", plan, targets)
    if phases is not None:
        _save_phases(plan, phases)
    if quotas is not None:
        _save_quotas(plan, quotas)
    if class_i_negotiators is not None:
        plan.class_i_negotiators.set(class_i_negotiators)
    return plan


def _check_notes(notes: Any) -> str:
    if not isinstance(notes, str):
        raise ApplicationError(_("Give text."), field="notes")
    if len(notes) > NOTES_MAX:
        raise ApplicationError(_("At most %(max)s characters.") % {"max": NOTES_MAX}, field="notes")
    return notes


def _check_kept_phases(plan: Plan, starts_on: dt.date, ends_on: dt.date, area: set[int]) -> None:
    for phase in plan.phases.prefetch_related("regions"):
        if phase.starts_on < starts_on or phase.ends_on > ends_on:
            raise ApplicationError(
                _("The phase “%(phase)s” would lie outside the plan's period.") % {"phase": phase.name},
                field="period",
            )
        for region in phase.regions.all():
            if region.pk not in area:
                raise ApplicationError(
                    _("The phase “%(phase)s” covers %(region)s, outside this region.")
                    % {"phase": phase.name, "region": region.name},
                    field="region",
                )
