"""Reads: the application list's filters and order, and who gets site-visit media."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from merchants import selectors, services
from merchants.models import Application, ApplicationStatus, Category
from merchants.samples import png_bytes
from tests.factories.workplace import make_user

pytestmark = pytest.mark.django_db


def listed(user, **filters):
    return [application.pk for application in selectors.application_list(user=user, **filters)]


@pytest.fixture
def two_in_review(make_application, other_merchant_user):
    """One of ``merchant_user`` (life services, 颍州区), one of another merchant
    (supermarket, 颍东区, unassigned)."""
    mine = make_application(ApplicationStatus.IN_REVIEW)
    theirs = make_application(
        ApplicationStatus.IN_REVIEW, user=other_merchant_user, category=Category.SUPERMARKET, assigned=False
    )
    Application.objects.filter(pk=theirs.pk).update(district="颍东区")
    return mine, theirs


def test_it_lists_the_soonest_current_deadline_first(ops_director, two_in_review):
    mine, theirs = two_in_review
    Application.objects.filter(pk=theirs.pk).update(review_due=mine.review_due - dt.timedelta(days=1))
    assert listed(ops_director) == [theirs.pk, mine.pk]


def test_applications_without_a_deadline_come_last(ops_director, two_in_review, make_application):
    draft = make_application(user=make_user("merchant"))
    assert listed(ops_director)[-1] == draft.pk


def test_open_work_leaves_out_drafts_and_closed_ones(ops_director, two_in_review, make_application):
    make_application(user=make_user("merchant"))
    make_application(ApplicationStatus.REJECTED, user=make_user("merchant"))
    assert set(listed(ops_director, status=selectors.OPEN_WORK)) == {a.pk for a in two_in_review}


def test_it_filters(ops_director, recruiter, two_in_review):
    mine, theirs = two_in_review
    assert listed(ops_director, status=ApplicationStatus.IN_REVIEW, category=Category.SUPERMARKET) == [theirs.pk]
    assert listed(ops_director, district=" 颍东 ") == [theirs.pk]
    assert listed(ops_director, recruiter=recruiter) == [mine.pk]
    assert listed(ops_director, recruiter=recruiter.pk) == [mine.pk]


def test_it_filters_the_overdue_ones(ops_director, two_in_review):
    mine, theirs = two_in_review
    assert listed(ops_director, overdue=True, now=mine.review_due - dt.timedelta(seconds=1)) == []
    Application.objects.filter(pk=theirs.pk).update(review_due=mine.review_due + dt.timedelta(days=1))
    assert listed(ops_director, overdue=True, now=mine.review_due + dt.timedelta(seconds=1)) == [mine.pk]


def test_it_keeps_the_scope(recruiter, two_in_review):
    mine, _theirs = two_in_review
    assert listed(recruiter, category="") == [mine.pk]


@pytest.fixture
def visit_photo(make_application, recruiter):
    application = make_application(ApplicationStatus.IN_REVIEW)
    photo = SimpleUploadedFile("shop.png", png_bytes(), content_type="image/png")
    visit = services.site_visit_record(
        application=application, by=recruiter, visited_on=dt.date.today(), notes="门店整洁", media=[photo]
    )
    return visit.media.get()


@pytest.mark.parametrize("role", ["recruiter", "recruitment_head", "ops_director", "admin_user"])
def test_staff_who_see_the_application_get_its_visit_media(request, role, visit_photo):
    user = request.getfixturevalue(role)
    assert list(selectors.site_visit_media_for_user(user)) == [visit_photo]


@pytest.mark.parametrize("role", ["merchant_user", "other_merchant_user", "second_recruiter", "outside_head"])
def test_others_get_no_visit_media(request, role, visit_photo):
    assert not selectors.site_visit_media_for_user(request.getfixturevalue(role)).exists()
