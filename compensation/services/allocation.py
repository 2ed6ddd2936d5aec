"""The year-end allocation (SPEC.md §5.6): the department head splits the department's
pool among its recruitment managers, to the fen; the general manager approves; the run's
lines are then recomputed from the approved shares."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.models import StaffProfile
from workplace.roles import Role, has_role

from .. import rules as pay_rules
from ..models import Allocation, AllocationShare, AllocationStatus, PayrollRun, RunKind, RunStatus, YearEndPool
from .runs import payroll_run_compute


class ShareErrors(ApplicationError):
    """Errors per share (``extra["shares"]``: ``[{"index", "errors"}]``)."""


def _require_year_end_draft(run: PayrollRun) -> None:
    if run.kind != RunKind.YEAR_END:
        raise InvalidTransition(_("Only a year-end run has a pool to allocate."), code="not_year_end")
    if run.status != RunStatus.DRAFT:
        raise InvalidTransition(_("This run is final; its allocation is locked."))
    if run.computed_at is None:
        raise InvalidTransition(_("This run has not been computed yet."), code="not_computed")


def pool_of_head(run: PayrollRun, head) -> YearEndPool:
    """The pool of the head's own department in ``run``."""
    department_id = StaffProfile.objects.filter(user=head).values_list("department_id", flat=True).first()
    pool = YearEndPool.objects.filter(run=run, department_id=department_id).select_related("department").first()
    if department_id is None or pool is None:
        raise ApplicationError(_("Your department has no year-end pool in this run."), field="shares")
    return pool


def _amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2 or amount < 0 or amount >= Decimal("1e12"):
        return None
    return amount.quantize(Decimal("0.01"))


def allocation_propose(*, run: PayrollRun, by, shares) -> Allocation:
    """Propose the split of the head's department pool. Each share names a recruitment
    manager of the department (``staff``: username) and an amount; the amounts must add
    up to the pool to the fen. A new proposal supersedes the open one."""
    if not has_role(by, Role.RECRUITMENT_HEAD):
        raise NotPermitted(_("Only the department head allocates the year-end pool."))
    _require_year_end_draft(run)
    pool = pool_of_head(run, by)
    if not isinstance(shares, list) or not shares:
        raise ApplicationError(_("Give at least one share: [{“staff”, “amount”}]."), field="shares")
    members = {
        user.username: user
        for user in get_user_model()
        .objects.filter(staff_profile__department_id=pool.department_id, groups__name=Role.RECRUITER)
        .select_related("staff_profile")
    }
    today = timezone.localdate()
    errors, parsed, seen = [], [], set()
    for index, share in enumerate(shares):
        problems = {}
        if not isinstance(share, dict):
            errors.append(
                {"index": index, "errors": {"non_field_errors": [_("Each share is an object {“staff”, “amount”}.")]}}
            )
            continue
        username = str(share.get("staff") or "")
        user = members.get(username)
        if not username:
            problems["staff"] = [_("This field is required.")]
        elif user is None:
            problems["staff"] = [
                _("“%(staff)s” is not a recruitment manager of %(department)s.")
                % {"staff": username, "department": pool.department.name}
            ]
        elif username in seen:
            problems["staff"] = [_("“%(staff)s” has two shares; give one.") % {"staff": username}]
        amount = _amount(share.get("amount"))
        if "amount" not in share:
            problems["amount"] = [_("This field is required.")]
        elif amount is None:
            problems["amount"] = [_("Enter an amount of at least 0.00 with at most 2 decimals.")]
        elif user is not None and amount > 0 and pay_rules.has_left(user.staff_profile.leave_date, today):
            problems["amount"] = [_("%(staff)s has left and gets no year-end bonus.") % {"staff": username}]
        seen.add(username)
        if problems:
            errors.append({"index": index, "errors": problems})
        else:
            parsed.append((user, amount))
    if errors:
        raise ShareErrors(_("Some shares are not valid."), field="shares", extra={"shares": errors})
    total = sum((amount for _, amount in parsed), Decimal("0.00"))
    if total != pool.pool:
        difference = total - pool.pool
        raise ApplicationError(
            (
                _("The shares add up to %(total)s but the pool is %(pool)s: %(difference)s too much.")
                if difference > 0
                else _("The shares add up to %(total)s but the pool is %(pool)s: %(difference)s short.")
            )
            % {"total": total, "pool": pool.pool, "difference": abs(difference)},
            field="shares",
            extra={"total": str(total), "pool": str(pool.pool), "difference": str(difference)},
        )
    with transaction.atomic():
        # The run, then the pool, as the approval and a recomputation take them: the
        # approval's lock on the allocations (and their pool) deadlocked with this one.
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        _require_year_end_draft(run)
        YearEndPool.objects.select_for_update().get(pk=pool.pk)
        if Allocation.objects.filter(pool=pool, status=AllocationStatus.APPROVED).exists():
            raise InvalidTransition(_("The allocation of this pool is already approved."), code="approved")
        Allocation.objects.filter(pool=pool, status=AllocationStatus.PROPOSED).update(
            status=AllocationStatus.SUPERSEDED
        )
        allocation = Allocation.objects.create(pool=pool, proposed_by=by, proposed_at=timezone.now())
        AllocationShare.objects.bulk_create(
            [AllocationShare(allocation=allocation, staff=user, amount=amount) for user, amount in parsed]
        )
    return allocation


def allocation_approve(*, run: PayrollRun, by) -> list[Allocation]:
    """The general manager approves every proposed allocation of the run; the run's
    lines are recomputed from them."""
    if not has_role(by, Role.GENERAL_MANAGER):
        raise NotPermitted(_("Only the general manager approves the year-end allocation."))
    _require_year_end_draft(run)
    with transaction.atomic():
        # The run first, as a recomputation takes it (then the pools and allocations):
        # taking the allocations first deadlocked with a recomputation changing a pool.
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        _require_year_end_draft(run)
        proposed = list(Allocation.objects.select_for_update().filter(pool__run=run, status=AllocationStatus.PROPOSED))
        if not proposed:
            raise InvalidTransition(_("There is no proposed allocation to approve."), code="nothing_proposed")
        now = timezone.now()
        Allocation.objects.filter(pk__in=[a.pk for a in proposed]).update(
            status=AllocationStatus.APPROVED, approved_by=by, approved_at=now
        )
        payroll_run_compute(run=run, by=by, force=True)
    return list(Allocation.objects.filter(pk__in=[a.pk for a in proposed]))
