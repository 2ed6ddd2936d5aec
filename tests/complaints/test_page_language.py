"""The complaint pages speak the reader's language, also in the labels and messages the
views build once (the seven steps, the message after a step): they are translated per
request, never fixed in the language the process started in."""

import pytest
from django.test import Client

from complaints.models import ComplaintStatus
from tests.factories.complaints import make_complaint

pytestmark = pytest.mark.django_db
S = ComplaintStatus

# Step 7's "Close" carries a context: django.contrib.admin's catalogue, which comes first
# in INSTALLED_APPS, would otherwise make it 关闭.
CHINESE_STEPS = ["接受投诉", "调查", "传递单", "商户意见", "实施方案", "回访", "结案"]
ENGLISH_STEPS = [
    "Receive",
    "Investigate",
    "Transfer slip",
    "Merchant's opinion",
    "Implement",
    "Follow-up visits",
    "Close",
]


def signed_in(user, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def complaint(customer_service, merchant_a, person):
    return make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)


def progress(content: str) -> str:
    start = content.index('<ol class="complaint-steps')
    return content[start : content.index("</ol>", start)]


def test_the_progress_names_the_steps_in_english_for_an_english_request(customer_service, complaint):
    steps = progress(signed_in(customer_service, "en").get(f"/complaints/{complaint.pk}/").content.decode())
    for number, label in enumerate(ENGLISH_STEPS, start=1):
        assert f"{number}. {label}</li>" in steps.replace("&#x27;", "'")
    assert not any(label in steps for label in CHINESE_STEPS)


def test_the_progress_names_the_steps_in_chinese_for_a_chinese_request(customer_service, complaint):
    steps = progress(signed_in(customer_service, "zh-hans").get(f"/complaints/{complaint.pk}/").content.decode())
    for number, label in enumerate(CHINESE_STEPS, start=1):
        assert f"{number}. {label}</li>" in steps
    assert not any(label in steps.replace("&#x27;", "'") for label in ENGLISH_STEPS)


def test_one_process_answers_each_request_in_its_own_language(merchant_user, complaint):
    """The same labels, English then Chinese then English again, in one process."""
    for language, labels in (("en", ENGLISH_STEPS), ("zh-hans", CHINESE_STEPS), ("en", ENGLISH_STEPS)):
        content = signed_in(merchant_user, language).get(f"/complaints/{complaint.pk}/").content.decode()
        assert f"1. {labels[0]}</li>" in progress(content)


def test_the_queue_heads_its_groups_in_the_readers_language(customer_service, complaint):
    english = signed_in(customer_service, "en").get("/complaints/queue/").content.decode()
    chinese = signed_in(customer_service, "zh-hans").get("/complaints/queue/").content.decode()
    assert complaint.number in english and complaint.number in chinese
    assert "Merchant&#x27;s opinion" in english and "商户意见" not in english
    assert "商户意见" in chinese and "Merchant&#x27;s opinion" not in chinese


@pytest.mark.parametrize(("language", "message"), [("en", "Opinion recorded."), ("zh-hans", "意见已记录。")])
def test_the_message_after_a_step_is_in_the_readers_language(merchant_user, complaint, language, message):
    response = signed_in(merchant_user, language).post(
        f"/complaints/{complaint.pk}/opinion/", {"accepted": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == S.IMPLEMENTING
