"""Notifications are written in the recipient's language (issue 7): the product's wording
is rendered under the language the recipient chose, whatever language the writer (a job,
a head deciding in Chinese) is in; what a person typed is kept as typed."""

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from workplace.models import Notification, UserPreference
from workplace.notifications import language_of, notify
from workplace.services import user_language_set

pytestmark = pytest.mark.django_db


def _expired_notice(recipient):
    return notify(
        recipient,
        kind="application_expired",
        title=lambda: _("Your application has expired"),
        body="原样保留 typed as is",
    )


def test_it_writes_in_english_to_a_recipient_who_reads_english(recruiter):
    user_language_set(user=recruiter, language="en")

    with translation.override("zh-hans"):  # a job, or a writer reading Chinese
        notification = _expired_notice(recruiter)

    notification.refresh_from_db()
    assert notification.title == "Your application has expired"
    assert notification.body == "原样保留 typed as is"


def test_it_writes_in_chinese_by_default_whatever_the_writer_reads(recruiter):
    with translation.override("en"):
        notification = _expired_notice(recruiter)

    assert language_of(recruiter) == "zh-hans"
    assert Notification.objects.get(pk=notification.pk).title == "您的申请已过期"


def test_the_api_answers_the_notification_in_the_language_it_was_written_in(client_for, recruiter):
    user_language_set(user=recruiter, language="en")
    _expired_notice(recruiter)

    response = client_for(recruiter).get("/api/v1/notifications/")

    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Your application has expired"]


def test_the_language_menu_records_the_choice_of_a_signed_in_user(client, recruiter):
    client.force_login(recruiter)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert UserPreference.objects.get(user=recruiter).language == "en"


def test_it_refuses_a_language_not_offered(recruiter):
    from workplace.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        user_language_set(user=recruiter, language="fr")

    assert refused.value.field == "language"
    assert not UserPreference.objects.filter(user=recruiter).exists()
