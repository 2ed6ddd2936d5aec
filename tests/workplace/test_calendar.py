import datetime as dt

import pytest

from workplace import calendar
from workplace.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date


def test_it_follows_the_spec_example_over_national_day():
    # Received 2026-09-30 → due 2026-10-10, a Saturday that is an adjusted working day.
    due = calendar.add_working_days(D(2026, 9, 30), 3)
    assert due.date == D(2026, 10, 10)
    assert due.fallback is False


def test_it_counts_an_adjusted_weekend_as_working_day():
    assert calendar.is_working_day(D(2026, 10, 10)) is True  # Saturday, 调休
    assert calendar.is_working_day(D(2026, 10, 3)) is False  # Saturday in the holiday


def test_it_skips_statutory_holidays_on_weekdays():
    assert calendar.is_working_day(D(2026, 10, 1)) is False
    assert calendar.is_working_day(D(2026, 1, 1)) is False


def test_it_skips_ordinary_weekends():
    # Friday 2026-11-20 + 1 → Monday 2026-11-23.
    assert calendar.add_working_days(D(2026, 11, 20), 1).date == D(2026, 11, 23)


def test_it_does_not_count_the_start_day():
    # Monday + 1 working day is Tuesday, even though Monday is a working day.
    assert calendar.add_working_days(D(2026, 11, 23), 1).date == D(2026, 11, 24)


def test_it_starts_counting_from_a_holiday():
    assert calendar.add_working_days(D(2026, 10, 1), 1).date == D(2026, 10, 8)


def test_zero_working_days_is_the_start_date():
    assert calendar.add_working_days(D(2026, 10, 1), 0).date == D(2026, 10, 1)


def test_it_refuses_negative_counts():
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 10, 1), -1)


def test_it_falls_back_to_weekdays_for_an_unknown_year_and_flags_it():
    # 2026-12-30 (Wednesday) + 3: Thursday 31st, then Friday 2027-01-01 and Monday the 4th
    # from the Monday–Friday fallback (the library does not know 2027).
    due = calendar.add_working_days(D(2026, 12, 30), 3)
    assert due.date == D(2027, 1, 4)
    assert due.fallback is True


def test_it_does_not_flag_a_range_entirely_in_known_years():
    assert calendar.add_working_days(D(2026, 12, 1), 3).fallback is False


def test_an_override_wins_over_the_library():
    CalendarOverride.objects.create(date=D(2026, 11, 23), is_working_day=False, name="closure")
    assert calendar.is_working_day(D(2026, 11, 23)) is False
    assert calendar.add_working_days(D(2026, 11, 20), 1).date == D(2026, 11, 24)


def test_overrides_enter_next_years_holidays():
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    due = calendar.add_working_days(D(2026, 12, 31), 1)
    assert due.date == D(2027, 1, 4)
    assert due.fallback is True


def test_a_published_year_is_not_flagged():
    CalendarYear.objects.create(year=2027)
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    due = calendar.add_working_days(D(2026, 12, 31), 1)
    assert due.date == D(2027, 1, 4)
    assert due.fallback is False


def test_an_adjusted_working_weekend_can_be_entered_for_an_unknown_year():
    CalendarOverride.objects.create(date=D(2027, 2, 20), is_working_day=True, name="调休")  # a Saturday
    assert calendar.is_working_day(D(2027, 2, 20)) is True


def test_it_survives_far_future_years():
    due = calendar.add_working_days(D(2099, 12, 30), 10)
    assert due.fallback is True
    assert due.date.year == 2100


def test_the_deadline_is_the_end_of_the_due_day_in_shanghai():
    deadline = calendar.add_working_days(D(2026, 9, 30), 3).deadline
    assert deadline.isoformat() == "2026-10-10T23:59:59+08:00"


def test_due_at_uses_the_shanghai_date_of_the_moment():
    # 2026-11-20 17:00 UTC is already Saturday 01:00 in Shanghai: counting starts Saturday.
    moment = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
    assert calendar.due_at(moment, 1).date() == D(2026, 11, 23)


def test_working_days_between_counts_after_start_up_to_end():
    assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert calendar.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == 0


@pytest.mark.parametrize("working_days", [5, 200])
def test_a_long_count_uses_a_constant_number_of_queries(django_assert_num_queries, working_days):
    # The first count of a process reads the overrides and the published years (whole,
    # however long the count); the next ones read them from the cache.
    with django_assert_num_queries(2):
        calendar.add_working_days(D(2026, 1, 1), working_days)
    with django_assert_num_queries(0):
        calendar.add_working_days(D(2026, 1, 1), working_days)


def test_it_counts_from_the_first_representable_date():
    assert calendar.add_working_days(D(1, 1, 1), 1).date == D(1, 1, 2)


def test_it_refuses_a_due_date_past_the_last_representable_date():
    with pytest.raises(calendar.DateOutOfRange):
        calendar.add_working_days(D(9999, 12, 30), 5)


def test_it_reaches_the_last_representable_date():
    assert calendar.add_working_days(D(9999, 12, 30), 1).date == D(9999, 12, 31)
