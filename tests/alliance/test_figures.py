"""The alliance's reported figures (SPEC.md §9): participation, resource-sharing and
conversion rates against their targets and the revenue shared, per activity and per
district, over a period, scoped by the reader; on hand-built data."""

import datetime as dt
from decimal import Decimal

import pytest

from alliance import figures
from alliance.figures import Figures
from tests.dashboards.alliance_builders import activity, invite, merchants_invited, refer

pytestmark = pytest.mark.django_db
DECEMBER = {"starts_on": dt.date(2026, 12, 1), "ends_on": dt.date(2026, 12, 31)}


def figures_of(user, **kwargs):
    return figures.activity_figures(figures.activities_for_figures(user, **{**DECEMBER, **kwargs}))


def only(user, **kwargs):
    [row] = figures_of(user, **kwargs)
    return row.figures


# --- the rules ---------------------------------------------------------------------------


def test_it_rounds_a_rate_half_up_to_two_places():
    assert figures.rate(1, 3) == Decimal("33.33")
    assert figures.rate(2, 3) == Decimal("66.67")
    assert figures.rate(1, 800) == Decimal("0.13")  # 0.125: half up, not to even
    assert figures.rate(3, 3) == Decimal("100.00")


def test_a_rate_over_nothing_is_none():
    assert figures.rate(0, 0) is None
    assert figures.participation_rate(0, 0) is None
    assert figures.meets_target(None, figures.PARTICIPATION_TARGET) is None


def test_a_rate_meets_its_target_from_the_target_up():
    assert figures.meets_target(figures.participation_rate(3, 5), Decimal("60.00")) is True
    assert figures.meets_target(figures.participation_rate(5999, 10000), Decimal("60.00")) is False
    assert figures.meets_target(figures.resource_sharing_rate(2, 5), Decimal("40.00")) is True
    assert figures.meets_target(figures.resource_sharing_rate(3999, 10000), Decimal("40.00")) is False
    assert figures.meets_target(figures.conversion_rate(3, 25), Decimal("12.00")) is True
    assert figures.meets_target(figures.conversion_rate(1199, 10000), Decimal("12.00")) is False


def test_the_targets_are_the_seeds():
    assert (figures.PARTICIPATION_TARGET, figures.RESOURCE_SHARING_TARGET, figures.CONVERSION_TARGET) == (
        Decimal("60.00"),
        Decimal("40.00"),
        Decimal("12.00"),
    )


# --- the figures of an activity -----------------------------------------------------------


def test_it_counts_exactly_sixty_percent_participation(recruiter):
    held = activity(recruiter)
    merchants_invited(held, recruiter, 3, answer="accepted")
    merchants_invited(held, recruiter, 1, answer="declined")
    merchants_invited(held, recruiter, 1, answer="waitlisted")

    counted = only(recruiter)

    assert (counted.invited, counted.participants) == (5, 3)
    assert counted.participation_rate == Decimal("60.00")
    assert counted.participation_met is True


def test_an_unanswered_invitation_counts_as_invited_only(recruiter):
    held = activity(recruiter)
    merchants_invited(held, recruiter, 2, answer="accepted")
    merchants_invited(held, recruiter, 2)

    counted = only(recruiter)

    assert counted.participation_rate == Decimal("50.00")
    assert counted.participation_met is False


def test_it_counts_exactly_forty_percent_resource_sharing(recruiter):
    held = activity(recruiter)
    one, two, three, four, five = merchants_invited(held, recruiter, 5, answer="accepted")
    refer(held, one, two)
    refer(held, one, three)  # one referrer however many referrals
    refer(held, two, one)
    # Receiving referrals is not referring.
    elsewhere = activity(recruiter, starts="2026-11-01", ends="2026-11-30")
    invite(elsewhere, three, answer="accepted")
    invite(elsewhere, four, answer="accepted")
    refer(elsewhere, three, four)  # another activity's referral does not count here

    counted = only(recruiter)

    assert (counted.participants, counted.referrers) == (5, 2)
    assert counted.resource_sharing_rate == Decimal("40.00")
    assert counted.resource_sharing_met is True


def test_it_counts_exactly_twelve_percent_conversion_and_the_shares(recruiter):
    held = activity(recruiter)
    one, two = merchants_invited(held, recruiter, 2, answer="accepted")
    refer(held, one, two, "100.00")  # share 5.00
    refer(held, two, one, "0.10")  # 0.005 → 0.01
    refer(held, one, two, "33.33")  # 1.6665 → 1.67
    for _index in range(22):
        refer(held, one, two, "0.00")

    counted = only(recruiter)

    assert (counted.referred, counted.converted) == (25, 3)
    assert counted.conversion_rate == Decimal("12.00")
    assert counted.conversion_met is True
    assert counted.revenue_shared == Decimal("6.68")


def test_just_under_a_target_is_not_met(recruiter):
    held = activity(recruiter)
    one, two, _three = merchants_invited(held, recruiter, 3, answer="accepted")
    merchants_invited(held, recruiter, 3, answer="declined")
    refer(held, one, two, "1.00")
    for _index in range(8):
        refer(held, one, two, "0.00")

    counted = only(recruiter)

    assert counted.participation_rate == Decimal("50.00") and counted.participation_met is False
    assert counted.resource_sharing_rate == Decimal("33.33") and counted.resource_sharing_met is False
    assert counted.conversion_rate == Decimal("11.11") and counted.conversion_met is False


def test_an_activity_with_nobody_invited_has_no_rates(recruiter):
    activity(recruiter)

    counted = only(recruiter)

    assert counted == Figures(revenue_shared=Decimal("0.00"))
    assert counted.participation_rate is None and counted.participation_met is None
    assert counted.resource_sharing_rate is None and counted.conversion_rate is None
    assert counted.revenue_shared == Decimal("0.00")


# --- the period, the districts, the total ------------------------------------------------------


def test_it_takes_the_activities_overlapping_the_period(recruiter):
    activity(recruiter, title="before", starts="2026-11-01", ends="2026-11-30")
    activity(recruiter, title="into", starts="2026-11-20", ends="2026-12-01")
    activity(recruiter, title="last day", starts="2026-12-31", ends="2027-01-15")
    activity(recruiter, title="after", starts="2027-01-01", ends="2027-01-31")
    activity(recruiter, title="around", starts="2026-10-01", ends="2027-03-31")

    titles = {row.activity.title for row in figures_of(recruiter)}

    assert titles == {"into", "last day", "around"}


def test_a_district_adds_up_its_activities(recruiter):
    first = activity(recruiter, district="颍州区")
    second = activity(recruiter, district="颍州区")
    other = activity(recruiter, district="太和县")
    one, two = merchants_invited(first, recruiter, 2, answer="accepted")
    merchants_invited(first, recruiter, 1, answer="declined")
    invite(second, one, answer="accepted")  # one takes part twice: two participations
    invite(second, two)
    refer(first, one, two, "20.00")
    refer(second, one, two, "0.00")
    merchants_invited(other, recruiter, 4, answer="accepted")

    rows = figures_of(recruiter)
    districts = figures.district_figures(rows)

    assert [(row.district, row.activities) for row in districts] == [("太和县", 1), ("颍州区", 2)]
    yingzhou = districts[1].figures
    assert (yingzhou.invited, yingzhou.participants, yingzhou.referrers) == (5, 3, 2)
    assert (yingzhou.referred, yingzhou.converted, yingzhou.revenue_shared) == (2, 1, Decimal("1.00"))
    assert yingzhou.participation_rate == Decimal("60.00")
    assert yingzhou.resource_sharing_rate == Decimal("66.67")
    assert figures.total(districts) == figures.total(rows)
    assert figures.total(rows).invited == 9


def test_it_narrows_to_districts_and_to_a_recruiter(recruiter, second_recruiter, recruitment_head):
    mine = activity(recruiter, district="颍州区", title="mine")
    merchants_invited(mine, recruiter, 1)
    theirs = activity(recruitment_head, district="太和县", title="with their merchant")
    merchants_invited(theirs, second_recruiter, 1)
    activity(recruitment_head, district="太和县", title="the head's")

    def titles(**kwargs):
        return {row.activity.title for row in figures_of(recruitment_head, **kwargs)}

    assert titles(districts=["太和县"]) == {"with their merchant", "the head's"}
    assert titles(recruiter=second_recruiter.pk) == {"with their merchant"}
    assert titles(recruiter=recruiter.pk) == {"mine"}


# --- who sees what -----------------------------------------------------------------------------


@pytest.fixture
def three_activities(recruiter, second_recruiter, outside_recruiter, recruitment_head):
    created = activity(recruiter, title="created by the recruiter")
    with_own = activity(recruitment_head, title="with the recruiter's merchant")
    merchants_invited(with_own, recruiter, 1)
    department = activity(recruitment_head, title="with a colleague's merchant")
    merchants_invited(department, second_recruiter, 1)
    outside = activity(outside_recruiter, title="the outside department's")
    merchants_invited(outside, outside_recruiter, 2, answer="accepted")
    return created, with_own, department, outside


@pytest.mark.usefixtures("three_activities")
@pytest.mark.parametrize(
    ("reader", "seen"),
    [
        ("recruiter", {"created by the recruiter", "with the recruiter's merchant"}),
        ("second_recruiter", {"with a colleague's merchant"}),
        # An activity created by a recruiter of the department, nobody of it invited yet: not the head's.
        ("recruitment_head", {"with the recruiter's merchant", "with a colleague's merchant"}),
        ("outside_recruiter", {"the outside department's"}),
        ("general_manager", None),
        ("ops_director", None),
        ("admin_user", None),
        ("customer_service", None),
        ("merchant_user", set()),
    ],
)
def test_each_role_counts_the_activities_it_sees(request, reader, seen):
    everything = {
        "created by the recruiter",
        "with the recruiter's merchant",
        "with a colleague's merchant",
        "the outside department's",
    }

    rows = figures_of(request.getfixturevalue(reader))

    assert {row.activity.title for row in rows} == (everything if seen is None else seen)


def test_an_activity_in_scope_is_counted_whole(recruiter, outside_recruiter, three_activities):
    # The recruiter sees the activity through their one merchant; the outsider's merchants
    # taking part are counted too: the activity's figures are the same for every reader.
    _created, with_own, _department, _outside = three_activities
    merchants_invited(with_own, outside_recruiter, 3, answer="accepted")

    rows = {row.activity.pk: row.figures for row in figures_of(recruiter)}

    assert (rows[with_own.pk].invited, rows[with_own.pk].participants) == (4, 3)


# --- the records behind each count; queries ----------------------------------------------------


def test_the_records_behind_each_figure_are_what_it_counts(recruiter):
    held = activity(recruiter)
    one, two, _three = merchants_invited(held, recruiter, 3, answer="accepted")
    merchants_invited(held, recruiter, 2, answer="declined")
    refer(held, one, two, "10.00")
    refer(held, one, two, "0.00")
    refer(held, two, one, "3.00")
    activities = figures.activities_for_figures(recruiter, **DECEMBER)

    [row] = figures.activity_figures(activities)
    counts = {name: builder(activities).count() for name, builder in figures.RECORDS.items()}

    assert counts == {"invited": 5, "participants": 3, "referrers": 2, "referred": 3, "converted": 2}
    assert counts == {
        "invited": row.figures.invited,
        "participants": row.figures.participants,
        "referrers": row.figures.referrers,
        "referred": row.figures.referred,
        "converted": row.figures.converted,
    }


def test_the_figures_take_one_query_whatever_the_data(queries, recruiter):
    def read():
        figures.district_figures(figures_of(recruiter))

    def grow():
        held = activity(recruiter, district="太和县")
        one, two = merchants_invited(held, recruiter, 2, answer="accepted")
        refer(held, one, two)

    grow()
    read()  # the reader's roles, then cached on the user
    queries.assert_constant(read, grow, expected=1)
