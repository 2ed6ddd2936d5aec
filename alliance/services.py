"""Writes of the alliance (SPEC.md §9). Rules are plain functions naming the field at fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.notifications import notify

from . import points, priority, selectors
from .models import Activity, Participation


def check_may_organise(user) -> None:
    if not selectors.may_organise(user):
        raise NotPermitted(_("Only recruiters, heads of recruitment and managers organise joint activities."))


def check_period(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ApplicationError(_("The activity cannot end before it starts."), field="ends_on")


def check_subsidy(subsidy: Decimal) -> None:
    if subsidy < 0:
        raise ApplicationError(_("The subsidy cannot be negative."), field="subsidy")


def check_places(places: int | None) -> None:
    if places is not None and places < 1:
        raise ApplicationError(_("An activity with a limit has at least one place."), field="places")


def check_participants(user, district: str, merchant_ids: Sequence[int]) -> list[int]:
    """Each invited merchant is a signed merchant of the district that ``user`` may invite."""
    wanted = list(dict.fromkeys(merchant_ids))
    allowed = set(selectors.invitable_merchants(user, district).filter(pk__in=wanted).values_list("pk", flat=True))
    refused = [pk for pk in wanted if pk not in allowed]
    if refused:
        raise ApplicationError(
            _("These merchants cannot be invited (not signed merchants of the district, or not yours): %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in refused)},
            field="participants",
        )
    return wanted


@transaction.atomic
def activity_create(
    *,
    by,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    district: str,
    subsidy: Decimal = Decimal("0.00"),
    places: int | None = None,
    participants: Sequence[int] = (),
) -> Activity:
    check_may_organise(by)
    check_period(starts_on, ends_on)
    check_subsidy(subsidy)
    check_places(places)
    merchant_ids = check_participants(by, district, participants)
    activity = Activity.objects.create(
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        district=district,
        subsidy=subsidy,
        places=places,
        created_by=by,
    )
    Participation.objects.bulk_create(
        [Participation(activity=activity, merchant_id=pk, invited_by=by) for pk in merchant_ids]
    )
    return activity


@transaction.atomic
def activity_invite(*, activity: Activity, by, participants: Sequence[int]) -> Activity:
    """Invite more merchants to an activity (those already invited are left as they are)."""
    check_may_organise(by)
    merchant_ids = check_participants(by, activity.district, participants)
    known = set(activity.participations.values_list("merchant_id", flat=True))
    Participation.objects.bulk_create(
        [Participation(activity=activity, merchant_id=pk, invited_by=by) for pk in merchant_ids if pk not in known]
    )
    return activity


def participation_for(activity: Activity, user, merchant_id: int | None) -> Participation:
    """The user's own invitation to the activity (locked); another merchant's is never found.
    Call inside a transaction, after locking the activity."""
    invitations = Participation.objects.select_for_update().filter(activity=activity, merchant__user=user)
    if merchant_id is not None:
        invitations = invitations.filter(merchant_id=merchant_id)
    found = list(invitations[:2])
    if not found:
        raise ApplicationError(_("You are not invited to this activity."), field="merchant", code="not_invited")
    if len(found) > 1:
        raise ApplicationError(_("Name the merchant that answers the invitation."), field="merchant", code="required")
    return found[0]


def check_open_for_answers(activity: Activity, today: dt.date) -> None:
    if today > activity.ends_on:
        raise InvalidTransition(_("The activity is over; its invitations can no longer be answered."))


@transaction.atomic
def participation_accept(*, activity: Activity, by, merchant_id: int | None = None) -> Participation:
    """The invited merchant takes part; when every place is taken it goes on the waiting
    list instead (``waitlisted_at``) and takes part when a place is freed
    (``alliance.priority``). The +2 points are given when it takes part."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    participation = participation_for(activity, by, merchant_id)
    check_open_for_answers(activity, timezone.localdate())
    if participation.accepted_at is not None or participation.waitlisted_at is not None:
        return participation
    participation.declined_at = None
    if activity.places is not None:
        taken = activity.participations.filter(accepted_at__isnull=False).count()
        if priority.is_oversubscribed(activity, taken):
            participation.waitlisted_at = timezone.now()
            participation.save(update_fields=["waitlisted_at", "declined_at"])
            return participation
    _take_part(participation)
    return participation


def _take_part(participation: Participation) -> None:
    participation.accepted_at = timezone.now()
    participation.waitlisted_at = None
    participation.declined_at = None
    participation.save(update_fields=["accepted_at", "waitlisted_at", "declined_at"])
    points.points_for_participation(participation=participation, taking_part=True)


def _fill_freed_place(activity: Activity) -> Participation | None:
    """A place freed in a limited activity goes to the first on the waiting list."""
    if activity.places is None:
        return None
    if activity.participations.filter(accepted_at__isnull=False).count() >= activity.places:
        return None
    waiting = Participation.objects.select_for_update().filter(activity=activity, waitlisted_at__isnull=False)
    first = priority.first_waiting(waiting, timezone.localdate())
    if first is not None:
        _take_part(first)
        _notify_promoted(first, activity)
    return first


def _notify_promoted(participation: Participation, activity: Activity) -> None:
    """Tell the merchant's portal account that it left the waiting list for a place (in
    the reader's language; its e-mail goes after commit)."""
    merchant = participation.merchant
    if merchant.user_id is None:
        return
    values = {"activity": activity.title, "merchant": merchant.name, "points": points.PARTICIPATION_POINTS}
    notify(
        merchant.user,
        kind="alliance.place_granted",
        title=lambda: _("A place in %(activity)s is yours") % values,
        body=lambda: (
            _(
                "A place was freed in %(activity)s and %(merchant)s, first on the waiting list, takes part now "
                "(+%(points)d credit points)."
            )
            % values
        ),
        url=reverse("alliance:portal_activities"),
        dedupe_key=f"alliance:place:{participation.pk}:{participation.accepted_at.isoformat()}",
    )


@transaction.atomic
def participation_decline(*, activity: Activity, by, merchant_id: int | None = None) -> Participation:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    participation = participation_for(activity, by, merchant_id)
    check_open_for_answers(activity, timezone.localdate())
    merchant_id = participation.merchant_id
    referred = activity.referrals.filter(Q(from_merchant_id=merchant_id) | Q(to_merchant_id=merchant_id))
    if participation.accepted_at is not None and referred.exists():
        raise InvalidTransition(_("A merchant with referrals in the activity cannot withdraw from it."))
    was_taking_part = participation.accepted_at is not None
    if was_taking_part:
        points.points_for_participation(participation=participation, taking_part=False)
    participation.declined_at = timezone.now()
    participation.accepted_at = None
    participation.waitlisted_at = None
    participation.save(update_fields=["accepted_at", "waitlisted_at", "declined_at"])
    if was_taking_part:
        _fill_freed_place(activity)
    return participation
