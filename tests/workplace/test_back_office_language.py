"""The back office speaks the reader's language: third-party sections (audit log, login
lockout), pay profiles, the audit trail's change summaries and filters, workflow histories;
people by name; the brand once; languages named in their own language."""

import re
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.test import Client
from django.utils import timezone

from merchants.models import ApplicationStatus, ApplicationStatusChange
from tests.factories.merchants import ApplicationFactory
from workplace.models import Department
from workplace.people import display_name

pytestmark = pytest.mark.django_db


def signed_in(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_display_name_is_the_full_name_else_the_username(admin_user):
    assert display_name(admin_user) == admin_user.get_full_name()
    admin_user.first_name = admin_user.last_name = ""
    assert display_name(admin_user) == admin_user.username
    assert display_name(None) == ""


def test_the_admin_index_names_every_section_in_chinese(admin_user):
    content = signed_in(admin_user).get("/admin/").content.decode()
    for chinese in ("审计日志", "登录锁定", "登录尝试", "登录失败", "登录日志", "薪酬", "薪资档案"):
        assert chinese in content
    for english in (
        "Audit log",
        "Axes",
        "Access attempts",
        "Access failures",
        "Access logs",
        "Compensation",
        "Pay profiles",
    ):
        assert f">{english}<" not in content


def test_the_audit_log_summarises_changes_in_chinese_with_field_names(admin_user):
    Department.objects.create(code="finance", name="财务部")
    content = signed_in(admin_user).get("/admin/auditlog/logentry/").content.decode()
    assert "项变更：" in content
    assert "change:" not in content and "changes:" not in content
    assert "部门代码" in content or "代码" in content
    # Who did it: the system, in Chinese; filters by section and model name, not "department".
    assert ">系统<" in content
    assert "组织与日历 · 部门" in content
    assert ">department<" not in content
    assert "关联 ID" in content and "Correlation ID" not in content


def test_the_audit_log_names_the_actor_by_full_name(admin_user, recruiter):
    department = Department.objects.create(code="finance", name="财务部")
    LogEntry.objects.filter(object_pk=str(department.pk)).update(actor=recruiter)
    content = signed_in(admin_user).get("/admin/auditlog/logentry/").content.decode()
    assert f">{recruiter.get_full_name()}</a>" in content
    assert f">{recruiter.username}<" not in content


def test_the_audit_log_speaks_english_to_english_readers(admin_user):
    Department.objects.create(code="finance", name="财务部")
    content = signed_in(admin_user, "en").get("/admin/auditlog/logentry/").content.decode()
    assert "changes: " in content or "change: " in content
    assert ">system<" in content


def test_an_application_history_names_people_and_translates_system_reasons(admin_user, recruiter, department):
    application = ApplicationFactory(merchant__recruiter=recruiter, merchant__department=department)
    ApplicationStatusChange.objects.create(
        application=application,
        from_status=ApplicationStatus.DRAFT,
        to_status=ApplicationStatus.SUBMITTED,
        changed_by=recruiter,
        reason="Not resubmitted within 15 days.",
        changed_at=timezone.now(),
    )
    content = signed_in(admin_user).get(f"/admin/merchants/application/{application.pk}/change/").content.decode()
    assert recruiter.get_full_name() in content
    assert "Not resubmitted within 15 days." not in content
    assert "15" in content and "重新提交" in content
    # The row's own name ("12: draft → submitted") is hidden by the admin's stylesheet.
    assert ".inline-group .tabular td.original p { display: none; }" in content


def test_staff_profiles_and_pay_profiles_list_people_by_name(admin_user, recruiter):
    content = signed_in(admin_user).get("/admin/workplace/staffprofile/").content.decode()
    assert recruiter.get_full_name() in content
    assert f">{recruiter.username}<" not in content


def test_the_brand_reads_once(recruiter):
    content = signed_in(recruiter).get("/").content.decode()
    assert '<a class="navbar-brand" href="/">招商</a>' in content
    assert "招商 招商" not in content and "brand-sub" not in content
    admin_content = signed_in(recruiter).get("/admin/").content.decode()
    assert '<a href="/admin/">招商管理后台</a>' in admin_content


@pytest.mark.parametrize("path", ["/", "/admin/"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_language_is_named_in_its_own_language(admin_user, path, language):
    content = signed_in(admin_user, language).get(path).content.decode()
    assert '<option value="en" lang="en">English</option>' in content or (
        '<option value="en" lang="en" selected>English</option>' in content
    )
    assert ">简体中文</option>" in content
    assert "英语" not in content and ">Simplified Chinese<" not in content


def test_the_application_and_merchant_lists_name_recruiters_and_assignees(admin_user, recruiter, department):
    ApplicationFactory(merchant__recruiter=recruiter, merchant__department=department, assignee=recruiter)
    client = signed_in(admin_user)
    for path in ("/admin/merchants/application/", "/admin/merchants/merchant/"):
        content = client.get(path).content.decode()
        assert recruiter.get_full_name() in content, path
        assert f">{recruiter.username}<" not in content, path


def test_admin_lists_keep_their_columns_on_a_laptop(admin_user):
    content = signed_in(admin_user).get("/admin/merchants/application/").content.decode()
    assert "#result_list tbody th { min-width: 11em; }" in content
    # The folded menu below 1440 px: a script file (the pages allow no inline script),
    # run while the head is parsed (no defer), so before the admin's deferred
    # nav_sidebar.js reads the key.
    assert re.search(r'<script src="[^"]*js/admin_sidebar[^"]*\.js"></script>', content)
    script = (Path(settings.BASE_DIR) / "static/js/admin_sidebar.js").read_text()
    assert 'localStorage.setItem("django.admin.navSidebarIsOpen", "false")' in script
