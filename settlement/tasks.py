import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import reminders
from .services.credit import credit_rate_month


@shared_task
def remind_deposit_refunds() -> int:
    """Beat job: remind finance of deposit refunds falling due, escalate the overdue ones
    to the general manager (SPEC.md §8). Safe to run often: each notice goes once."""
    return reminders.remind_refunds()


@shared_task
def rate_merchants(as_of: str | None = None) -> int:
    """Beat job (monthly, on the 1st): rate every signed merchant for the month that starts
    (SPEC.md §8 credit rating), from the 12 months before it. Safe to run again: a rated
    month keeps its ratings, only merchants still unrated are rated. ``as_of`` (ISO date)
    rates another month; its first day counts."""
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return credit_rate_month(as_of=day.replace(day=1))


@shared_task(name="settlement.tasks.settle_statements")
def settle_statements(through: str | None = None) -> int:
    """Beat job (daily): build the statements of every day up to yesterday (Shanghai) from
    the card transactions and disputes not yet on one, and close them (payable). Idempotent;
    a missed day is caught up, as every earlier day is included. Returns the statements closed."""
    from .services import settling

    day = dt.date.fromisoformat(through) if through else settling.default_through()
    return settling.settle(through=day).closed
