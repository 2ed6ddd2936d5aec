"""The seven steps of complaint handling (SPEC.md §4), one service each.

Each service locks the complaint, checks the caller's role (403), the state (409) and the
input (400), then moves the status through ``FLOW`` (history row), writes the step's own
record and a history line, and sets the deadline the next step runs on.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.models import Department
from workplace.roles import Role, has_role, is_staff_member

from ..models import (
    SATISFIED_ANSWERS,
    Complaint,
    ComplaintStatus,
    ComplaintType,
    EventAction,
    FollowUpVisit,
    Implementation,
    Investigation,
    Opinion,
    Satisfaction,
    Solution,
)
from .outcomes import record_good_review, record_penalties, record_valid_complaint_point
from .workflow import (
    FLOW,
    deadline,
    deadline_after_day,
    due_fields,
    is_customer_service,
    local_date,
    lock,
    record_event,
    require_customer_service,
    require_customer_service_or_merchant,
    require_responsible,
    rules_on,
)

S = ComplaintStatus


def _text(value, field: str, *, required: bool = True, max_length: int = 5000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(_("This field is required."), field=field, code="required")
    if len(text) > max_length:
        raise ApplicationError(
            _("Ensure this field has no more than %(max)d characters.") % {"max": max_length},
            field=field,
            code="max_length",
        )
    return text


# --- step 1: receive -----------------------------------------------------------------


def check_received_at(received_at: dt.datetime | None, *, now: dt.datetime) -> dt.datetime:
    """A complaint may be logged as received earlier today or yesterday (Asia/Shanghai),
    never in the future."""
    if received_at is None:
        return now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now:
        raise ApplicationError(_("The moment received cannot be in the future."), field="received_at", code="future")
    try:
        received_on = local_date(received_at)
    except OverflowError:  # before year 1 in Shanghai: long before yesterday
        received_on = dt.date.min
    if received_on < local_date(now) - dt.timedelta(days=1):
        raise ApplicationError(
            _("The moment received may be earlier today or yesterday, not before."),
            field="received_at",
            code="too_old",
        )
    return received_at


def _merchant_for_filing(user, merchant) -> Merchant:
    """The merchant a complaint is filed for: customer service names it; a merchant's
    portal account files for its own (naming it only when it has several)."""
    if is_customer_service(user):
        if merchant is None:
            raise ApplicationError(_("Choose the merchant the complaint is about."), field="merchant", code="required")
        if not isinstance(merchant, Merchant):
            merchant = Merchant.objects.filter(pk=merchant).first()
            if merchant is None:
                raise ApplicationError(_("No such merchant."), field="merchant", code="does_not_exist")
        return merchant
    if has_role(user, Role.MERCHANT):
        own = list(Merchant.objects.filter(user=user).order_by("pk"))
        if merchant is not None:
            wanted = merchant.pk if isinstance(merchant, Merchant) else merchant
            chosen = [m for m in own if m.pk == wanted]
            if not chosen:
                raise ApplicationError(_("No such merchant."), field="merchant", code="does_not_exist")
            return chosen[0]
        if not own:
            raise NotPermitted(_("This account has no merchant to file a complaint for."))
        if len(own) > 1:
            raise ApplicationError(
                _("This account has several merchants; choose one."), field="merchant", code="required"
            )
        return own[0]
    raise NotPermitted(_("Only customer service or a merchant may file a complaint."))


@transaction.atomic
def complaint_receive(
    *,
    user,
    type: str,
    description: str,
    merchant=None,
    received_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Step 1 (接受投诉): log a complaint and promise a reply within 3 working days.

    Customer service names the merchant and may date it earlier today or yesterday; a
    merchant files its own, received the moment it files.
    """
    now = now or timezone.now()
    merchant = _merchant_for_filing(user, merchant)
    if type not in ComplaintType.values:
        raise ApplicationError(_("Choose a valid complaint type."), field="type", code="invalid_choice")
    description = _text(description, "description")
    if not is_customer_service(user) and received_at is not None and received_at != now:
        raise ApplicationError(
            _("A complaint filed by the merchant is received when it is filed."),
            field="received_at",
            code="not_allowed",
        )
    received_at = check_received_at(received_at, now=now)
    rules = rules_on(local_date(received_at))
    complaint = Complaint.objects.create(
        merchant=merchant,
        type=type,
        description=description,
        received_at=received_at,
        received_by=user,
        handler=user if is_customer_service(user) else None,
        recruiter=merchant.recruiter,
        rules=rules,
        status=S.RECEIVED,
        status_changed_at=now,
        **due_fields("reply_due", deadline(received_at, rules.reply_working_days)),
    )
    # Readable and unique without a counter table: the year received and the row's id.
    complaint.number = f"TS-{local_date(received_at).year}-{complaint.pk:06d}"
    complaint.save(update_fields=["number"])
    record_event(complaint, EventAction.RECEIVED, by=user, note=description, at=now)
    return complaint


# --- step 2: investigate -------------------------------------------------------------


def _responsible(department_code: str | None, username: str | None) -> tuple[Department, object]:
    if not department_code:
        raise ApplicationError(_("Name the responsible department."), field="responsible_department", code="required")
    department = Department.objects.select_related("head").filter(code=department_code).first()
    if department is None:
        raise ApplicationError(_("No such department."), field="responsible_department", code="does_not_exist")
    if not username:
        raise ApplicationError(_("Name the responsible person."), field="responsible_person", code="required")
    person = get_user_model().objects.filter(username=username, is_active=True).select_related("staff_profile").first()
    if person is None or not is_staff_member(person):
        raise ApplicationError(_("No such staff member."), field="responsible_person", code="does_not_exist")
    profile = getattr(person, "staff_profile", None)
    if department.head_id != person.pk and (profile is None or profile.department_id != department.pk):
        raise ApplicationError(
            _("The responsible person must belong to the responsible department."),
            field="responsible_person",
            code="not_in_department",
        )
    return department, person


@transaction.atomic
def complaint_investigate(
    *,
    complaint: Complaint,
    by,
    valid: bool,
    findings: str,
    responsible_department: str | None = None,
    responsible_person: str | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Step 2 (调查投诉内容): the investigation form. Invalid → closed as invalid, the
    findings go back to the merchant, it counts against nobody. Valid → the transfer slip
    (step 3) goes to the responsible department's person with a 3-working-day deadline."""
    now = now or timezone.now()
    require_customer_service(by)
    complaint = lock(complaint)
    FLOW.require(complaint, {S.RECEIVED, S.INVESTIGATING})
    findings = _text(findings, "findings")
    if not valid and complaint.round > 1:
        raise ApplicationError(
            _("This complaint was found valid in an earlier round; a new round cannot find it invalid."),
            field="valid",
            code="already_valid",
        )
    common = {"handler": complaint.handler or by, "first_response_at": complaint.first_response_at or now}
    if not valid:
        Investigation.objects.create(
            complaint=complaint, round=complaint.round, valid=False, findings=findings, by=by, at=now
        )
        FLOW.move(complaint, S.CLOSED_INVALID, by=by, reason=findings, fields={**common, "closed_at": now}, now=now)
        record_event(complaint, EventAction.INVESTIGATED_INVALID, by=by, note=findings, at=now)
        return complaint
    department, person = _responsible(responsible_department, responsible_person)
    Investigation.objects.create(
        complaint=complaint,
        round=complaint.round,
        valid=True,
        findings=findings,
        department=department,
        person=person,
        by=by,
        at=now,
    )
    FLOW.move(
        complaint,
        S.AWAITING_SOLUTION,
        by=by,
        fields={
            **common,
            "responsible_department": department,
            "responsible_person": person,
            **due_fields("solution_due", deadline(now, complaint.rules.solution_working_days)),
        },
        now=now,
    )
    # The findings and whom it went to are internal; the merchant sees that it is valid.
    record_event(complaint, EventAction.INVESTIGATED_VALID, by=by, note=findings, internal=True, at=now)
    record_valid_complaint_point(complaint, now=now)
    return complaint


# --- step 3: the responsible head's solution -----------------------------------------


def _next_attempt(complaint: Complaint) -> int:
    last = complaint.solutions.filter(round=complaint.round).order_by("-attempt").first()
    return (last.attempt + 1) if last else 1


def solution_add(
    complaint: Complaint, *, text: str, by, now: dt.datetime, dispute_level: int = 1, event: bool = True
) -> Solution:
    """Record a solution and move to awaiting the merchant's opinion (step 4)."""
    solution = Solution.objects.create(
        complaint=complaint,
        round=complaint.round,
        attempt=_next_attempt(complaint),
        text=text,
        due=complaint.solution_due,
        dispute_level=dispute_level,
        by=by,
        at=now,
    )
    FLOW.move(complaint, S.AWAITING_OPINION, by=by, now=now)
    if event:
        record_event(complaint, EventAction.SOLUTION_PROPOSED, by=by, note=text, at=now)
    return solution


@transaction.atomic
def complaint_propose_solution(*, complaint: Complaint, by, solution: str, now: dt.datetime | None = None) -> Complaint:
    """Step 3 (传递工作联系单): the responsible head answers the transfer slip."""
    now = now or timezone.now()
    complaint = lock(complaint)
    require_responsible(by, complaint)
    FLOW.require(complaint, {S.AWAITING_SOLUTION})
    # Escalated (level 2 or 3), the arbitration decides until a new transfer slip or a
    # rejection sets ``solution_due`` again (a later round after the decision).
    if complaint.dispute_level == 3 and complaint.solution_due is None:
        raise InvalidTransition(_("The complaint is in external arbitration; record its outcome instead."))
    if complaint.dispute_level == 2 and complaint.solution_due is None:
        raise InvalidTransition(_("The arbitration panel decides this complaint; record its decision instead."))
    text = _text(solution, "solution")
    solution_add(complaint, text=text, by=by, now=now, dispute_level=complaint.dispute_level)
    return complaint


# --- step 4: the merchant's opinion --------------------------------------------------


@transaction.atomic
def complaint_record_opinion(
    *, complaint: Complaint, by, accepted: bool, opinion: str = "", now: dt.datetime | None = None
) -> Complaint:
    """Step 4 (沟通商户意见): the merchant's opinion form, recorded by customer service or
    given by the merchant. Accepted → implementing; not accepted → back to the
    responsible head with a new solution deadline (or the merchant may escalate)."""
    now = now or timezone.now()
    complaint = lock(complaint)
    require_customer_service_or_merchant(by, complaint)
    FLOW.require(complaint, {S.AWAITING_OPINION})
    text = _text(opinion, "opinion", required=not accepted)
    solution = complaint.solutions.order_by("-round", "-attempt").first()
    Opinion.objects.create(complaint=complaint, solution=solution, accepted=accepted, text=text, by=by, at=now)
    if accepted:
        FLOW.move(complaint, S.IMPLEMENTING, by=by, reason=text, now=now)
        record_event(complaint, EventAction.OPINION_ACCEPTED, by=by, note=text, at=now)
        return complaint
    FLOW.move(
        complaint,
        S.AWAITING_SOLUTION,
        by=by,
        reason=text,
        fields={
            "had_dispute": True,
            **due_fields("solution_due", deadline(now, complaint.rules.solution_working_days)),
        },
        now=now,
    )
    record_event(complaint, EventAction.OPINION_REJECTED, by=by, note=text, at=now)
    return complaint


# --- step 5: implement ---------------------------------------------------------------


@transaction.atomic
def complaint_mark_implemented(
    *, complaint: Complaint, by, notes: str = "", now: dt.datetime | None = None
) -> Complaint:
    """Step 5 (实行解决方案): the responsible head reports the solution carried out; the
    first follow-up visit is due within 3 working days."""
    now = now or timezone.now()
    complaint = lock(complaint)
    require_responsible(by, complaint)
    FLOW.require(complaint, {S.IMPLEMENTING})
    notes = _text(notes, "notes", required=False)
    Implementation.objects.create(complaint=complaint, round=complaint.round, notes=notes, by=by, at=now)
    FLOW.move(
        complaint,
        S.FOLLOW_UP,
        by=by,
        reason=notes,
        fields=due_fields("follow_up_due", deadline(now, complaint.rules.follow_up_working_days)),
        now=now,
    )
    record_event(complaint, EventAction.IMPLEMENTED, by=by, note=notes, at=now)
    return complaint


# --- step 6: follow-up visits --------------------------------------------------------


def visits_this_round(complaint: Complaint) -> list[FollowUpVisit]:
    return list(complaint.visits.filter(round=complaint.round).order_by("at", "id"))


@transaction.atomic
def complaint_record_visit(
    *,
    complaint: Complaint,
    by,
    visited_on: dt.date,
    satisfaction: str,
    notes: str = "",
    now: dt.datetime | None = None,
) -> FollowUpVisit:
    """Step 6 (商户回访): a follow-up visit with the satisfaction survey. Below satisfied
    → back to investigation as a new round (step 2). Satisfied or better is a good review
    for the merchant's recruiter; while more visits are required the next is due within
    3 working days."""
    now = now or timezone.now()
    require_customer_service(by)
    complaint = lock(complaint)
    FLOW.require(complaint, {S.FOLLOW_UP})
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(_("Choose one of the survey's answers."), field="satisfaction", code="invalid_choice")
    if visited_on is None:
        raise ApplicationError(_("This field is required."), field="visited_on", code="required")
    if visited_on > local_date(now):
        raise ApplicationError(_("A visit cannot be in the future."), field="visited_on", code="future")
    implemented = complaint.implementations.filter(round=complaint.round).first()
    if implemented is not None and visited_on < local_date(implemented.at):
        raise ApplicationError(
            _("A follow-up visit cannot be before the solution was carried out."), field="visited_on", code="too_early"
        )
    notes = _text(notes, "notes", required=False)
    visit = FollowUpVisit.objects.create(
        complaint=complaint,
        round=complaint.round,
        visited_on=visited_on,
        satisfaction=satisfaction,
        notes=notes,
        by=by,
        at=now,
    )
    label = Satisfaction(satisfaction).label
    if satisfaction in SATISFIED_ANSWERS:
        record_event(complaint, EventAction.VISITED, by=by, note=f"{label}. {notes}".strip(), at=now)
        record_good_review(complaint, visit, now=now)
        done = complaint.visits.filter(round=complaint.round).count()
        if done < complaint.required_visits:
            due = due_fields("follow_up_due", deadline_after_day(visited_on, complaint.rules.follow_up_working_days))
        else:
            due = due_fields("follow_up_due", None)
        Complaint.objects.filter(pk=complaint.pk).update(**due, updated_at=now)
        for name, value in due.items():
            setattr(complaint, name, value)
        return visit
    record_event(complaint, EventAction.VISITED, by=by, note=f"{label}. {notes}".strip(), at=now)
    complaint_round = complaint.round + 1
    FLOW.move(
        complaint,
        S.INVESTIGATING,
        by=by,
        reason=notes,
        fields={
            "round": complaint_round,
            "had_dispute": True,
            **due_fields("reply_due", deadline(now, complaint.rules.reply_working_days)),
            **due_fields("solution_due", None),
            **due_fields("follow_up_due", None),
        },
        now=now,
    )
    record_event(complaint, EventAction.REOPENED, by=by, note=notes, at=now)
    return visit


# --- step 7: close -------------------------------------------------------------------


@transaction.atomic
def complaint_close(*, complaint: Complaint, by, note: str = "", now: dt.datetime | None = None) -> Complaint:
    """Step 7 (将回访意见返回责任部门): the survey goes back to the department and the
    complaint is archived — only with the required visits of its type done this round and
    the last one satisfied or better. The penalties of SPEC.md §4 are recorded for the
    closing month."""
    now = now or timezone.now()
    require_customer_service(by)
    complaint = lock(complaint)
    FLOW.require(complaint, {S.FOLLOW_UP})
    visits = visits_this_round(complaint)
    required = complaint.required_visits
    if len(visits) < required:
        raise InvalidTransition(
            _("This complaint needs %(required)d follow-up visit(s) before closing; %(done)d recorded.")
            % {"required": required, "done": len(visits)},
            code="visits_missing",
        )
    if visits[-1].satisfaction not in SATISFIED_ANSWERS:
        raise InvalidTransition(_("The last visit was not satisfied; the complaint goes back to investigation."))
    note = _text(note, "note", required=False)
    FLOW.move(
        complaint, S.CLOSED, by=by, reason=note, fields={"closed_at": now, **due_fields("follow_up_due", None)}, now=now
    )
    record_event(complaint, EventAction.CLOSED, by=by, note=note, at=now)
    record_penalties(complaint, now=now)
    return complaint
