"""Terminals in the admin go through the terminal services: their checks, their refusals
next to the field, their history row."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from merchants import services
from merchants.models import MerchantStatus, Terminal, TerminalStatus, TerminalStatusChange
from tests.factories.merchants import MerchantFactory, TerminalFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/merchants/terminal/add/"


def signed_in(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def mine(recruiter, department):
    return MerchantFactory(recruiter=recruiter, department=department, status=MerchantStatus.ACTIVE)


def test_adding_a_terminal_writes_its_history(recruiter, mine):
    response = signed_in(recruiter).post(
        ADD_URL,
        {"merchant": mine.pk, "serial": " POS-NEW ", "installed_on": "2026-03-15", "reason": "新装机"},
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/merchants/terminal/")
    terminal = Terminal.objects.get(merchant=mine)
    assert terminal.serial == "POS-NEW"  # as the service stores it
    row = TerminalStatusChange.objects.get(terminal=terminal)
    assert (row.from_status, row.to_status, row.changed_by, row.reason) == ("", "installed", recruiter, "新装机")


@pytest.mark.parametrize(
    "language, message",
    [("zh-hans", "该序列号的 POS 机已存在。"), ("en", "A terminal with this serial number exists.")],
)
def test_a_duplicate_serial_is_refused_next_to_the_serial_field(recruiter, mine, language, message):
    TerminalFactory(merchant=mine, serial="POS-1")
    response = signed_in(recruiter, language).post(
        ADD_URL, {"merchant": mine.pk, "serial": "POS-1", "installed_on": "2026-03-15"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"serial": [message]}
    assert Terminal.objects.filter(serial="POS-1").count() == 1
    assert not TerminalStatusChange.objects.exists()


def test_an_outsider_to_the_lifecycle_cannot_add(customer_service, mine):
    response = signed_in(customer_service).post(
        ADD_URL, {"merchant": mine.pk, "serial": "POS-CS", "installed_on": "2026-03-15"}
    )
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()
    assert not Terminal.objects.filter(serial="POS-CS").exists()
    assert not TerminalStatusChange.objects.exists()


def test_removing_a_terminal_writes_its_history(recruiter, mine):
    terminal = services.terminal_create(
        merchant=mine, by=recruiter, serial="POS-OUT", installed_on=dt.date(2026, 3, 15)
    )
    url = reverse("admin:merchants_terminal_change", args=[terminal.pk])
    response = signed_in(recruiter).post(url, {"removed_on": "2026-06-30", "reason": "商户退机"})
    assert (response.status_code, response["Location"]) == (302, "/admin/merchants/terminal/")
    terminal.refresh_from_db()
    assert terminal.removed_on == dt.date(2026, 6, 30)
    assert list(terminal.status_changes.values_list("from_status", "to_status", "reason", "changed_by")) == [
        ("", TerminalStatus.INSTALLED, "", recruiter.pk),
        (TerminalStatus.INSTALLED, TerminalStatus.REMOVED, "商户退机", recruiter.pk),
    ]
    # Removed is history: the page only reads it now.
    page = signed_in(recruiter).get(url)
    assert page.status_code == 200 and b'name="removed_on"' not in page.content


def test_a_removal_before_the_installation_is_refused_by_field(recruiter, mine):
    terminal = services.terminal_create(
        merchant=mine, by=recruiter, serial="POS-EARLY", installed_on=dt.date(2026, 3, 15)
    )
    url = reverse("admin:merchants_terminal_change", args=[terminal.pk])
    response = signed_in(recruiter, "en").post(url, {"removed_on": "2026-03-01"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "removed_on": ["The removal date cannot be before the installation date."]
    }
    terminal.refresh_from_db()
    assert terminal.removed_on is None and terminal.status_changes.count() == 1


def test_the_merchant_page_lists_terminals_read_only_with_an_add_link(recruiter, mine):
    TerminalFactory(merchant=mine, serial="POS-LISTED")
    page = signed_in(recruiter).get(reverse("admin:merchants_merchant_change", args=[mine.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "POS-LISTED" in content
    assert 'name="terminals-0-serial"' not in content  # no inline editing
    assert f'href="{ADD_URL}?merchant={mine.pk}"' in content and "添加 POS 机" in content


def test_a_terminal_removed_twice_is_refused(recruiter, mine):
    terminal = services.terminal_create(merchant=mine, by=recruiter, serial="POS-2X", installed_on=dt.date(2026, 3, 1))
    services.terminal_remove(terminal=terminal, by=recruiter, removed_on=dt.date(2026, 4, 1))
    from workplace.exceptions import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.terminal_remove(terminal=terminal, by=recruiter, removed_on=dt.date(2026, 5, 1))
    terminal.refresh_from_db()
    assert terminal.removed_on == dt.date(2026, 4, 1) and terminal.status_changes.count() == 2


def test_the_api_writes_the_history_too(client_for, recruiter, mine):
    response = client_for(recruiter).post(
        "/api/v1/terminals/", {"merchant": mine.pk, "serial": "POS-API", "installed_on": "2026-03-15"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["serial"] == "POS-API"
    terminal = Terminal.objects.get(serial="POS-API")
    response = client_for(recruiter).post(
        f"/api/v1/terminals/{terminal.pk}/remove/", {"removed_on": "2026-04-01"}, format="json"
    )
    assert response.status_code == 200 and response.json()["removed_on"] == "2026-04-01"
    assert terminal.status_changes.count() == 2
