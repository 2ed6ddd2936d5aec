import pytest
from auditlog.models import LogEntry
from django.contrib.admin.sites import site

from workplace.models import CalendarOverride, Department

pytestmark = pytest.mark.django_db


def test_it_records_who_changed_what_from_which_ip(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/workplace/department/add/",
        {"code": "audit", "name": "审计部"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/workplace/department/")
    department = Department.objects.get(code="audit")
    entry = LogEntry.objects.get_for_object(department).get()
    assert entry.actor == admin_user
    assert entry.remote_addr == "10.1.2.3"
    assert entry.action == LogEntry.Action.CREATE


def test_it_keeps_before_and_after_values(admin_user):
    override = CalendarOverride.objects.create(date="2027-01-01", is_working_day=True, name="x")
    override.is_working_day = False
    override.save()
    update = LogEntry.objects.get_for_object(override).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes_dict["is_working_day"] == [True, False]


def test_the_audit_log_cannot_be_changed_or_deleted_in_the_admin(rf, admin_user):
    model_admin = site._registry[LogEntry]
    request = rf.get("/admin/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_admin_shows_the_audit_log(client, admin_user):
    CalendarOverride.objects.create(date="2027-01-01", is_working_day=False, name="元旦")
    client.force_login(admin_user)
    response = client.get("/admin/auditlog/logentry/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "2027-01-01 - 元旦" in content and "日历调整" in content


def test_the_audit_log_names_fields_as_the_models_do(client, admin_user, recruiter):
    from tests.factories.commissions import make_request

    rate_request = make_request(recruiter, "5.00")
    client.force_login(admin_user)
    listing = client.get("/admin/auditlog/logentry/").content.decode()
    assert listing.count("ID、") >= 1
    # Reverse relations (a request's steps, a user's reports) are other records, not changes.
    for raw in ("Id、", "Steps", "Reports", "Status changes"):
        assert raw not in listing
    entry = LogEntry.objects.get_for_object(rate_request).get(action=LogEntry.Action.CREATE)
    page = client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").content.decode()
    assert "<td>ID</td>" in page and "<td>申请人</td>" in page
    assert "ApprovalStep.None" not in page and "<td>Id</td>" not in page
