import pytest
from django.core import mail

from workplace.models import Notification
from workplace.notifications import notify
from workplace.tasks import deliver_pending_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_creates_an_in_app_notice_and_emails_it(recruiter):
    notify(recruiter, kind="test", title="提醒", body="请处理", dedupe_key="k1")
    notification = Notification.objects.get()
    assert notification.recipient == recruiter
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [recruiter.email]


def test_the_same_event_notifies_only_once(recruiter):
    assert notify(recruiter, kind="test", title="提醒", dedupe_key="same") is not None
    assert notify(recruiter, kind="test", title="提醒", dedupe_key="same") is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_sweep_never_sends_twice(recruiter):
    notify(recruiter, kind="test", title="提醒")
    assert deliver_pending_email() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_sends_what_was_missed(recruiter):
    Notification.objects.create(recipient=recruiter, kind="test", title="遗漏")
    assert deliver_pending_email() == 1
    assert len(mail.outbox) == 1


def test_the_notifications_page_lists_only_my_own(client, recruiter, second_recruiter):
    notify(recruiter, kind="test", title="mine")
    notify(second_recruiter, kind="test", title="theirs")
    client.force_login(recruiter)
    page = client.get("/notifications/").content.decode()
    assert "mine" in page and "theirs" not in page


def test_the_api_lists_only_my_own_and_marks_them_read(client_for, recruiter, second_recruiter):
    notify(recruiter, kind="test", title="mine")
    notify(second_recruiter, kind="test", title="theirs")
    api = client_for(recruiter)
    titles = [item["title"] for item in api.get("/api/v1/notifications/").json()["results"]]
    assert titles == ["mine"]
    assert api.post("/api/v1/notifications/mark-read/").json() == {"marked": 1}
    assert Notification.objects.get(title="theirs").read_at is None
