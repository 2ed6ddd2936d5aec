import pytest
from django.test import Client

from merchants.models import Merchant, MerchantStatus
from tests.factories.merchants import ApplicationFactory, MerchantFactory

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_recruiter_sees_only_their_merchants(recruiter, second_recruiter, department):
    MerchantFactory(name="我的商户", recruiter=recruiter, department=department)
    MerchantFactory(name="同事的商户", recruiter=second_recruiter, department=department)
    response = signed_in(recruiter).get("/admin/merchants/merchant/")
    assert response.status_code == 200
    assert "我的商户" in response.content.decode()
    assert "同事的商户" not in response.content.decode()


def test_a_head_sees_the_department(recruitment_head, recruiter, outside_recruiter, department, other_department):
    MerchantFactory(name="本部商户", recruiter=recruiter, department=department)
    MerchantFactory(name="外部商户", recruiter=outside_recruiter, department=other_department)
    content = signed_in(recruitment_head).get("/admin/merchants/merchant/").content.decode()
    assert "本部商户" in content and "外部商户" not in content


def test_the_merchant_changelist_has_constant_queries(recruiter, department, queries):
    client = signed_in(recruiter)
    # Session, user, its permissions (own and groups'), roles, unread notifications; the
    # department filter, count (paginator and full count), rows, the date hierarchy (2)
    # and the district filter.
    queries.assert_constant(
        lambda: client.get("/admin/merchants/merchant/"),
        lambda: MerchantFactory(recruiter=recruiter, department=department),
        expected=13,
    )


def test_the_application_changelist_has_constant_queries(recruitment_head, recruiter, department, queries):
    client = signed_in(recruitment_head)
    # Session, user, its permissions (own and groups'), roles, the head's department,
    # unread notifications; the department filter, count (paginator and full count), rows
    # and the district filter.
    queries.assert_constant(
        lambda: client.get("/admin/merchants/application/"),
        lambda: ApplicationFactory(merchant__recruiter=recruiter, merchant__department=department, assignee=recruiter),
        expected=12,
    )


def test_it_terminates_with_a_reason(recruiter, department):
    merchant = MerchantFactory(recruiter=recruiter, department=department, status=MerchantStatus.ACTIVE)
    client = signed_in(recruiter)
    data = {"action": "terminate_merchants", "_selected_action": [merchant.pk]}
    response = client.post("/admin/merchants/merchant/", data)
    assert response.status_code == 200 and "reason" in response.content.decode()
    client.post("/admin/merchants/merchant/", {**data, "apply": "1", "reason": "退机"})
    merchant.refresh_from_db()
    assert merchant.status == MerchantStatus.TERMINATED
    assert merchant.terminated_at is not None
    change = merchant.status_changes.get()
    assert (change.to_status, change.reason, change.changed_by) == ("terminated", "退机", recruiter)


def test_nobody_deletes_merchants_in_the_admin(admin_user):
    merchant = MerchantFactory()
    response = signed_in(admin_user).get(f"/admin/merchants/merchant/{merchant.pk}/delete/")
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()
    assert Merchant.objects.filter(pk=merchant.pk).exists()


def test_a_recruiter_sees_only_their_applications(recruiter, second_recruiter, department):
    ApplicationFactory(company_name="我的申请", merchant__recruiter=recruiter, merchant__department=department)
    ApplicationFactory(company_name="同事申请", merchant__recruiter=second_recruiter, merchant__department=department)
    content = signed_in(recruiter).get("/admin/merchants/application/").content.decode()
    assert "我的申请" in content and "同事申请" not in content


def test_another_recruiters_merchant_is_not_found(recruiter, second_recruiter, department):
    merchant = MerchantFactory(recruiter=second_recruiter, department=department)
    response = signed_in(recruiter).get(f"/admin/merchants/merchant/{merchant.pk}/change/")
    assert response.status_code == 302  # the admin redirects a missing object to its index
    assert response["Location"] == "/admin/"


def test_merchants_have_no_admin(merchant_user):
    response = signed_in(merchant_user).get("/admin/merchants/merchant/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_recruiter_cannot_add_a_terminal_to_another_recruiters_merchant(recruiter, second_recruiter, department):
    from merchants.models import Terminal

    theirs = MerchantFactory(recruiter=second_recruiter, department=department, status=MerchantStatus.ACTIVE)
    response = signed_in(recruiter).post(
        "/admin/merchants/terminal/add/",
        {"merchant": theirs.pk, "serial": "POS-LEAK", "installed_on": "2026-03-15", "pays_service_fee": "on"},
    )
    assert response.status_code == 200
    assert "merchant" in response.context["adminform"].form.errors
    assert not Terminal.objects.filter(serial="POS-LEAK").exists()


def test_a_recruiter_adds_a_terminal_to_their_merchant(recruiter, department):
    from merchants.models import Terminal

    mine = MerchantFactory(recruiter=recruiter, department=department, status=MerchantStatus.ACTIVE)
    response = signed_in(recruiter).post(
        "/admin/merchants/terminal/add/", {"merchant": mine.pk, "serial": "POS-MINE", "installed_on": "2026-03-15"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/merchants/terminal/"
    assert Terminal.objects.get(serial="POS-MINE").merchant == mine
