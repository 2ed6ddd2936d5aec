"""+1 credit point per satisfied survey of the merchant's customers (SPEC.md §9): a
complaint's follow-up visit answered satisfied or better; one entry per survey."""

import datetime as dt

from alliance.models import PointEntry, PointReason
from complaints.models import ComplaintStatus, FollowUpVisit, Satisfaction
from tests.factories.complaints import make_complaint


def survey_points(merchant):
    return list(
        PointEntry.objects.filter(merchant=merchant, reason=PointReason.SURVEY).values_list("points", flat=True)
    )


def test_a_satisfied_survey_earns_the_merchant_one_point(customer_service, recruitment_head, merchant_a, merchant_b):
    complaint = make_complaint(
        ComplaintStatus.CLOSED, cs=customer_service, merchant=merchant_a, person=recruitment_head
    )
    visits = list(complaint.visits.all())
    assert visits and all(visit.is_satisfied for visit in visits)
    assert survey_points(merchant_a) == [1] * len(visits)
    assert set(PointEntry.objects.filter(reason=PointReason.SURVEY).values_list("survey", flat=True)) == {
        visit.pk for visit in visits
    }
    assert survey_points(merchant_b) == []


def test_the_same_survey_saved_again_adds_nothing(customer_service, recruitment_head, merchant_a):
    complaint = make_complaint(
        ComplaintStatus.CLOSED, cs=customer_service, merchant=merchant_a, person=recruitment_head
    )
    visit = complaint.visits.first()
    visit.notes = "补充记录"
    visit.save()
    assert len(survey_points(merchant_a)) == complaint.visits.count()


def test_an_unsatisfied_survey_earns_nothing(customer_service, recruitment_head, merchant_a):
    complaint = make_complaint(ComplaintStatus.RECEIVED, cs=customer_service, merchant=merchant_a)
    for answer in (Satisfaction.NEUTRAL, Satisfaction.UNSATISFIED, Satisfaction.VERY_UNSATISFIED):
        FollowUpVisit.objects.create(
            complaint=complaint,
            round=1,
            visited_on=dt.date(2026, 12, 2),
            satisfaction=answer,
            by=customer_service,
            at=dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC),
        )
    assert survey_points(merchant_a) == []
    FollowUpVisit.objects.create(
        complaint=complaint,
        round=1,
        visited_on=dt.date(2026, 12, 2),
        satisfaction=Satisfaction.VERY_SATISFIED,
        by=customer_service,
        at=dt.datetime(2026, 12, 2, 11, tzinfo=dt.UTC),
    )
    assert survey_points(merchant_a) == [1]
