"""Writes of the commissions app: making rate requests and deciding their steps.

Every decision is a row on an ``ApprovalStep`` (who, as which level, when, why); steps
are never edited once decided and never deleted. Concurrent decisions on one request are
serialised by a row lock on the request.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.notifications import notify
from workplace.roles import Role, is_staff_member, ladder_rank, roles_of

from . import rules, selectors
from .models import ApprovalStep, Decision, MerchantRate, RateRequest, RequestKind, RequestStatus

MAX_RATE = Decimal("100")


def validate_rate(rate, *, field: str) -> Decimal:
    """A proposed percentage must be above 0 and at most 100."""
    if rate is None:
        raise ApplicationError(_("This field is required."), field=field)
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
        raise ApplicationError(_("Enter a rate above 0 and at most 100."), field=field)
    return rate


def _may_request(user, merchant: Merchant, kind: str) -> bool:
    """The owning recruiter requests every kind; a bank-card fee reduction may also be
    filed by a recruitment head of the merchant's department (SPEC.md §3: the head applies)."""
    if merchant.recruiter_id == user.pk:
        return True
    if kind == RequestKind.BANK_CARD and Role.RECRUITMENT_HEAD in roles_of(user):
        profile = getattr(user, "staff_profile", None)
        return profile is not None and profile.department_id == merchant.department_id is not None
    return False


@transaction.atomic
def rate_request_create(
    *,
    user,
    merchant: Merchant,
    reason: str,
    kind: str = RequestKind.PREPAID,
    proposed_rate: Decimal | None = None,
    effective_from: dt.date | None = None,
) -> RateRequest:
    """Make a request; within the requester's authority it is granted at once
    (``not_required``), otherwise its chain is frozen as steps and the first is current."""
    rate_field = "bank_card_fee" if kind == RequestKind.BANK_CARD else "prepaid_rate"
    if not is_staff_member(user) or Role.MERCHANT in roles_of(user):
        raise NotPermitted()
    if kind not in RequestKind.values:
        raise ApplicationError(_("Unknown kind of request."), field="kind")
    if not _may_request(user, merchant, kind):
        raise NotPermitted(_("Only the recruiter who owns this merchant may make this request."), field="merchant")
    if merchant.status not in selectors.REQUESTABLE_STATUSES:
        raise ApplicationError(_("Rates can be requested only for prospects and active merchants."), field="merchant")
    if kind != RequestKind.POS_FEE_WAIVER:
        validate_rate(proposed_rate, field=rate_field)
    else:
        proposed_rate = None
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the request."), field="reason")
    today = timezone.localdate()
    if effective_from is not None and effective_from < today:
        raise ApplicationError(_("The effective date cannot be in the past."), field="effective_from")

    quote = selectors.quote_request(
        kind=kind, category=merchant.category, proposed_rate=proposed_rate, requester=user, on=today
    )
    request = RateRequest(
        kind=kind,
        merchant=merchant,
        department_id=merchant.department_id,
        category=merchant.category,
        proposed_rate=proposed_rate,
        standard=quote.standard,
        standard_rate=quote.standard_rate,
        ratio=quote.ratio.quantize(Decimal("1e-10")) if quote.ratio is not None else None,
        band_set=quote.band_set,
        required_role=quote.required_role,
        reason=reason,
        effective_from=effective_from,
        requested_by=user,
        status=RequestStatus.PENDING if quote.chain else RequestStatus.NOT_REQUIRED,
        # Within the requester's authority the request is settled the moment it is made.
        closed_at=None if quote.chain else timezone.now(),
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise InvalidTransition(
            _("This merchant already has a pending request of this kind; wait for its decision."),
            field="merchant",
            code="pending_exists",
        ) from None
    if not quote.chain:
        _grant(request)
        return request
    now = timezone.now()
    steps = ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(request=request, position=position, role=role, activated_at=now if position == 1 else None)
            for position, role in enumerate(quote.chain, start=1)
        ]
    )
    request.current_step = steps[0]
    request.save(update_fields=["current_step"])
    _notify_approvers(request, steps[0])
    return request


def _locked(rate_request: RateRequest) -> RateRequest:
    return RateRequest.objects.select_for_update().get(pk=rate_request.pk)


def _current_step_for_decision(request: RateRequest, user, step_role: str | None) -> tuple[ApprovalStep, str]:
    """Check that ``user`` may decide the request's current step; return it and the level
    the user decides as. Raises NotPermitted (403) or InvalidTransition (409)."""
    if request.requested_by_id == user.pk:
        raise NotPermitted(_("Nobody decides their own request."))
    held = selectors.approver_roles_of(user)
    if not held:
        raise NotPermitted(_("Only the recruitment head, the operations director or the general manager decide."))
    if request.status != RequestStatus.PENDING:
        raise InvalidTransition(_("This request has already been decided."))
    step = request.current_step
    top = max(held, key=ladder_rank)
    if step_role and step_role != step.role:
        raise InvalidTransition(_("That step is no longer waiting for a decision."), field="step")
    if step.role in held:
        return step, step.role
    if ladder_rank(top) > ladder_rank(step.role):
        return step, top  # a higher level acts in place of an absent lower one (recorded)
    steps = list(request.steps.all())
    if any(s.role in held and s.position < step.position for s in steps):
        raise InvalidTransition(_("Your step has already been decided."))
    raise NotPermitted(_("This step waits for a higher level."))


@transaction.atomic
def rate_request_approve(*, user, rate_request: RateRequest, comment: str = "", step_role: str | None = None):
    """Approve the current step; the last approval grants the request."""
    request = _locked(rate_request)
    step, decided_as = _current_step_for_decision(request, user, step_role)
    _record(step, user, decided_as, Decision.APPROVED, comment)
    next_step = request.steps.filter(position__gt=step.position).order_by("position").first()
    if next_step is None:
        request.status = RequestStatus.APPROVED
        request.closed_at = step.decided_at
        request.current_step = None
        request.save(update_fields=["status", "closed_at", "current_step"])
        _grant(request)
        _notify_requester(request)
    else:
        next_step.activated_at = step.decided_at
        next_step.save(update_fields=["activated_at"])
        request.current_step = next_step
        request.save(update_fields=["current_step"])
        _notify_approvers(request, next_step)
    return request


@transaction.atomic
def rate_request_reject(*, user, rate_request: RateRequest, reason: str, step_role: str | None = None):
    """Reject at the current step: the request is refused there (a new request may follow)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the rejection."), field="reason")
    request = _locked(rate_request)
    step, decided_as = _current_step_for_decision(request, user, step_role)
    _record(step, user, decided_as, Decision.REJECTED, reason)
    request.status = RequestStatus.REJECTED
    request.closed_at = step.decided_at
    request.current_step = None
    request.save(update_fields=["status", "closed_at", "current_step"])
    _notify_requester(request)
    return request


def _record(step: ApprovalStep, user, decided_as: str, decision: str, comment: str) -> None:
    step.decided_by = user
    step.decided_as = decided_as
    step.decision = decision
    step.comment = (comment or "").strip()
    step.decided_at = timezone.now()
    step.save(update_fields=["decided_by", "decided_as", "decision", "comment", "decided_at"])


def _grant(request: RateRequest) -> None:
    """The effect of a granted request: the merchant's rate from the effective date (the
    decision date, or the later date asked for)."""
    decided_on = timezone.localdate(request.closed_at) if request.closed_at else timezone.localdate()
    effective_from = max(request.effective_from or decided_on, decided_on)
    if request.effective_from != effective_from:
        request.effective_from = effective_from
        request.save(update_fields=["effective_from"])
    if request.kind in (RequestKind.PREPAID, RequestKind.BANK_CARD):
        MerchantRate.objects.create(
            merchant_id=request.merchant_id,
            kind=request.kind,
            rate=request.proposed_rate,
            effective_from=effective_from,
            request=request,
        )


# --- Notifications ----------------------------------------------------------------------


def approvers_for_step(request: RateRequest, role: str):
    """The people who hold ``role`` for this request: heads of its department, the
    operations director(s) and general manager(s) company-wide. Never the requester."""
    users = get_user_model().objects.filter(groups__name=role, is_active=True).exclude(pk=request.requested_by_id)
    if role == Role.RECRUITMENT_HEAD:
        if request.department_id is None:
            # No department, no head: filtering on None would pick heads without one.
            return users.none()
        users = users.filter(staff_profile__department_id=request.department_id)
    return users.distinct()


def _request_title(request: RateRequest) -> str:
    return _("%(kind)s for %(merchant)s (%(reference)s)") % {
        "kind": request.get_kind_display(),
        "merchant": request.merchant.name,
        "reference": request.reference,
    }


def _notify_approvers(request: RateRequest, step: ApprovalStep) -> None:
    url = reverse("commissions:queue")
    for user in approvers_for_step(request, step.role):
        notify(
            user,
            kind="commissions.approval_needed",
            title=_("Approval needed: %(title)s") % {"title": _request_title(request)},
            body=request.reason,
            url=url,
            dedupe_key=f"commissions:step:{step.pk}:user:{user.pk}",
        )


def _notify_requester(request: RateRequest) -> None:
    if request.status == RequestStatus.APPROVED:
        title = _("Granted: %(title)s") % {"title": _request_title(request)}
    else:
        title = _("Refused: %(title)s") % {"title": _request_title(request)}
    rejected = next((s for s in request.steps.all() if s.decision == Decision.REJECTED), None)
    notify(
        request.requested_by,
        kind=f"commissions.request_{request.status}",
        title=title,
        body=rejected.comment if rejected else "",
        url=reverse("commissions:requests"),
        dedupe_key=f"commissions:request:{request.pk}:{request.status}",
    )


def _approver_index() -> dict:
    """Every active approver by level, with their department: one query for a batch."""
    index: dict[str, list] = {}
    users = get_user_model().objects.filter(is_active=True, groups__name__in=rules.APPROVER_LADDER)
    for user, role, department_id in users.values_list("pk", "groups__name", "staff_profile__department_id"):
        index.setdefault(role, []).append((user, department_id))
    return index


def overdue_cutoff(now: dt.datetime) -> dt.datetime:
    """A step that became current before this moment has waited more than 1 working day.

    A step activated on day D is due at the end of the first working day after D, so it
    is overdue once that day is over: exactly when D is before the last working day
    before today. One calendar lookup per run, not per request.
    """
    from workplace.calendar import SHANGHAI, day_info

    day = timezone.localtime(now, SHANGHAI).date() - dt.timedelta(days=1)
    for _attempt in range(60):  # the longest holiday is far shorter
        if day_info(day).is_working_day:
            break
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def remind_overdue_approvals(now: dt.datetime | None = None) -> int:
    """Remind the approvers of every step waiting more than 1 working day. Derived from
    the database each run, so a missed run catches up; each step reminds each approver
    once (dedupe key), however often the job runs. Returns the reminders sent."""
    from workplace.models import Notification

    now = now or timezone.now()
    waiting = RateRequest.objects.filter(
        status=RequestStatus.PENDING, current_step__activated_at__lt=overdue_cutoff(now)
    ).select_related("merchant", "current_step")
    due: list[tuple[RateRequest, int, str]] = []
    index = None
    for request in waiting:
        step = request.current_step
        index = index if index is not None else _approver_index()
        for user_id, department_id in index.get(step.role, []):
            if user_id == request.requested_by_id:
                continue
            if step.role == Role.RECRUITMENT_HEAD and (
                request.department_id is None or department_id != request.department_id
            ):
                continue
            due.append((request, user_id, f"commissions:reminder:{step.pk}:user:{user_id}"))
    already = (
        set(
            Notification.objects.filter(dedupe_key__in=[key for *_rest, key in due]).values_list(
                "dedupe_key", flat=True
            )
        )
        if due
        else set()
    )
    recipients = get_user_model().objects.in_bulk({user_id for _r, user_id, key in due if key not in already})
    sent = 0
    for request, user_id, key in due:
        if key in already:
            continue
        sent += bool(
            notify(
                recipients[user_id],
                kind="commissions.approval_overdue",
                title=_("Waiting more than 1 working day: %(title)s") % {"title": _request_title(request)},
                body=request.reason,
                url=reverse("commissions:queue"),
                dedupe_key=key,
            )
        )
    return sent
