"""Writes of the commissions app: making rate requests and deciding their steps.

Every decision is a row on an ``ApprovalStep`` (who, as which level, when, why); steps
are never edited once decided and never deleted. Concurrent decisions on one request are
serialised by a row lock on the request.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from merchants.models import Merchant
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.notifications import Notice, notify, notify_once_each
from workplace.roles import Role, is_staff_member, roles_of
from workplace.workflow import Workflow

from . import rules, selectors
from .models import (
    RATE_REQUEST_TRANSITIONS,
    ApprovalStep,
    Decision,
    MerchantRate,
    RateRequest,
    RateRequestStatusChange,
    RequestKind,
    RequestStatus,
)

# The request's workflow: the one place its status moves, with a history row each time.
RATE_REQUEST_FLOW = Workflow(
    model=RateRequest,
    history=RateRequestStatusChange,
    subject="request",
    transitions=RATE_REQUEST_TRANSITIONS,
    labels=RequestStatus,
    noun=gettext_lazy("rate request"),
)

MAX_RATE = Decimal("100")


def validate_rate(rate, *, field: str) -> Decimal:
    """A proposed percentage is from 0 to 100. **Decision:** 0 % is a real agreement (a
    flagship merchant pays no prepaid-card commission): its ratio is 0, the general
    manager's band."""
    if rate is None:
        raise ApplicationError(_("This field is required."), field=field)
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0 or rate > MAX_RATE:
        raise ApplicationError(_("Enter a rate from 0 to 100."), field=field)
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
    _notify_approvers(request)
    return request


def _locked(rate_request: RateRequest) -> RateRequest:
    return RateRequest.objects.select_for_update().prefetch_related("steps").get(pk=rate_request.pk)


def _acting_reason(right: selectors.DecisionRight, reason: str) -> str:
    """Deciding in place of a lower level needs the reason why (recorded on the step)."""
    reason = (reason or "").strip()
    if right.acting_for and not reason:
        raise ApplicationError(
            _("Give the reason for deciding in place of the %(role)s.")
            % {"role": selectors.role_label(right.acting_for)},
            field="reason",
        )
    return reason if right.acting_for else ""


@transaction.atomic
def rate_request_approve(
    *, user, rate_request: RateRequest, comment: str = "", step_role: str | None = None, reason: str = ""
) -> RateRequest:
    """Approve the current step; the last approval grants the request.

    ``step_role`` chooses the step to decide (a lower level's, in place, with ``reason``);
    without it the caller decides the step of their own level."""
    request = _locked(rate_request)
    right = selectors.decision_right(request, user, step_role=step_role)
    acting_reason = _acting_reason(right, reason)
    step = _record(right, user, Decision.APPROVED, comment, acting_reason)
    next_step = next((s for s in request.steps.all() if s.position > step.position), None)
    if next_step is None:
        RATE_REQUEST_FLOW.move(
            request,
            RequestStatus.APPROVED,
            by=user,
            reason=step.comment,
            fields={"closed_at": step.decided_at, "current_step": None},
            now=step.decided_at,
        )
        _grant(request)
        _notify_requester(request)
    else:
        next_step.activated_at = step.decided_at
        next_step.save(update_fields=["activated_at"])
        request.current_step = next_step
        request.save(update_fields=["current_step"])
        _notify_approvers(request)
    return request


@transaction.atomic
def rate_request_reject(
    *, user, rate_request: RateRequest, reason: str, step_role: str | None = None, acting_reason: str = ""
) -> RateRequest:
    """Reject at the current step: the request is refused there (a new request may follow).
    The reason is mandatory; when deciding in place of a lower level, ``acting_reason``
    says why (the rejection's reason when not given)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the rejection."), field="reason")
    request = _locked(rate_request)
    right = selectors.decision_right(request, user, step_role=step_role)
    step = _record(right, user, Decision.REJECTED, reason, _acting_reason(right, acting_reason or reason))
    RATE_REQUEST_FLOW.move(
        request,
        RequestStatus.REJECTED,
        by=user,
        reason=reason,
        fields={"closed_at": step.decided_at, "current_step": None},
        now=step.decided_at,
    )
    _notify_requester(request)
    return request


def _record(right: selectors.DecisionRight, user, decision: str, comment: str, acting_reason: str) -> ApprovalStep:
    step = right.step
    step.decided_by = user
    step.decided_as = right.decided_as
    step.decision = decision
    step.comment = (comment or "").strip()
    step.acting_reason = acting_reason
    step.decided_at = timezone.now()
    step.save(update_fields=["decided_by", "decided_as", "decision", "comment", "acting_reason", "decided_at"])
    return step


def _grant(request: RateRequest) -> None:
    """The effect of a granted request: the merchant's rate from the effective date (the
    decision date, or the later date asked for); the merchant is told."""
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
    _notify_merchant(request)


# --- Notifications ----------------------------------------------------------------------


def approvers_for_step(request: RateRequest):
    """The people asked to decide the request's current step (see
    ``selectors.approvers_of_current_steps``): never the requester, nor anyone who has
    decided a step of it already."""
    ids = selectors.approvers_of_current_steps([request]).get(request.pk, [])
    return get_user_model().objects.filter(pk__in=ids).order_by("pk")


def _request_title(request: RateRequest) -> str:
    return _("%(kind)s for %(merchant)s (%(reference)s)") % {
        "kind": request.get_kind_display(),
        "merchant": request.merchant.name,
        "reference": request.reference,
    }


def _notify_approvers(request: RateRequest) -> None:
    url = reverse("commissions:queue")
    step_id = request.current_step_id
    for user in approvers_for_step(request):
        notify(
            user,
            kind="commissions.approval_needed",
            title=lambda: _("Approval needed: %(title)s") % {"title": _request_title(request)},
            body=request.reason,
            url=url,
            dedupe_key=f"commissions:step:{step_id}:user:{user.pk}",
        )


def _notify_requester(request: RateRequest) -> None:
    approved = request.status == RequestStatus.APPROVED

    def title():  # in the requester's language (workplace.notifications.notify)
        template = _("Granted: %(title)s") if approved else _("Refused: %(title)s")
        return template % {"title": _request_title(request)}

    rejected = next((s for s in request.steps.all() if s.decision == Decision.REJECTED), None)
    notify(
        request.requested_by,
        kind=f"commissions.request_{request.status}",
        title=title,
        body=rejected.comment if rejected else "",
        url=reverse("commissions:requests"),
        dedupe_key=f"commissions:request:{request.pk}:{request.status}",
    )


def _notify_merchant(request: RateRequest) -> None:
    """Tell the merchant's portal account that a new rate of it was agreed, with a link to
    its rates page. Never the internal standard or the ratio. A POS fee waiver is told
    too (the merchant no longer pays the service fee)."""
    merchant = request.merchant
    portal_user = merchant.user if merchant.user_id else None
    if portal_user is None or not portal_user.is_active:
        return
    effective_from = request.effective_from.isoformat() if request.effective_from else ""

    def title():  # in the merchant's language (workplace.notifications.notify)
        if request.kind == RequestKind.POS_FEE_WAIVER:
            return _("%(merchant)s: the POS service fee is waived from %(date)s") % {
                "merchant": merchant.name,
                "date": effective_from,
            }
        return _("%(merchant)s: new %(kind)s of %(rate)s %% from %(date)s") % {
            "merchant": merchant.name,
            "kind": request.get_kind_display(),
            "rate": rules.percent_text(request.proposed_rate),
            "date": effective_from,
        }

    notify(
        portal_user,
        kind="commissions.rate_granted",
        title=title,
        body=lambda: _("Approval reference %(reference)s.") % {"reference": request.reference},
        url=reverse("merchants:rates"),
        dedupe_key=f"commissions:granted:{request.pk}:merchant:{portal_user.pk}",
    )


def _overdue_title(request: RateRequest, days: int) -> str:
    return ngettext(
        "Waiting more than %(days)d working day: %(title)s",
        "Waiting more than %(days)d working days: %(title)s",
        days,
    ) % {"days": days, "title": _request_title(request)}


def remind_overdue_approvals(now: dt.datetime | None = None) -> int:
    """Remind the approvers of every step waiting longer than the reminder delay in force
    (``ApprovalRuleSet``). Derived from the database each run, so a missed run catches
    up; each step reminds each approver once (dedupe key), however often the job runs.
    Returns the reminders sent."""
    now = now or timezone.now()
    waiting = selectors.overdue_approvals(now)
    approvers = selectors.approvers_of_current_steps([request for request, _days in waiting])
    notices = [
        Notice(
            recipient=user_id,
            kind="commissions.approval_overdue",
            title=partial(_overdue_title, request, days),
            body=request.reason,
            url=reverse("commissions:queue"),
            dedupe_key=f"commissions:reminder:{request.current_step_id}:user:{user_id}",
        )
        for request, days in waiting
        for user_id in approvers.get(request.pk, [])
    ]
    return len(notify_once_each(notices))
