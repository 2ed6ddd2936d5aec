"""An application with no history yet says so in a sentence, not as item 1 of a list."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_empty_history_is_a_sentence_not_a_numbered_item(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    content = page_client(merchant_user).get(reverse("merchants:application_detail", args=[application.pk])).content
    content = content.decode()
    assert '<p class="small text-muted history-empty">暂无变更。</p>' in content
    assert "list-group-numbered small history" not in content
