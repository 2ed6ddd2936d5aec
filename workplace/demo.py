"""Demo organisation: departments and one or more users for every role (SPEC.md §0).

Other apps' ``demo.py`` modules run after this one (``ORDER``) and find these users
through ``DemoContext``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from .models import Department, StaffProfile
from .roles import Role
from .services import user_create

ORDER = 0
DEMO_PASSWORD = "demo-pass-2026"

# username, role, full name (family name first), department code, manager username
DEMO_PEOPLE = [
    ("admin", Role.ADMIN, ("系统", "管理员"), None, None),
    ("gm", Role.GENERAL_MANAGER, ("王", "总"), "management", None),
    ("director", Role.OPS_DIRECTOR, ("李", "运营"), "operations", "gm"),
    ("head", Role.RECRUITMENT_HEAD, ("张", "招商"), "recruitment", "director"),
    ("recruiter1", Role.RECRUITER, ("刘", "一"), "recruitment", "head"),
    ("recruiter2", Role.RECRUITER, ("陈", "二"), "recruitment", "head"),
    ("recruiter3", Role.RECRUITER, ("杨", "三"), "recruitment", "head"),
    ("recruiter4", Role.RECRUITER, ("赵", "四"), "recruitment", "head"),
    ("recruiter5", Role.RECRUITER, ("黄", "五"), "recruitment", "head"),
    ("service", Role.CUSTOMER_SERVICE, ("周", "客服"), "customer_service", "director"),
    ("quality_head", Role.DEPT_HEAD, ("吴", "质量"), "quality", "director"),
    ("merchant1", Role.MERCHANT, ("徐", "商户"), None, None),
]
DEPARTMENTS = [
    ("management", "总经理办公室"),
    ("operations", "运营部"),
    ("recruitment", "招商部"),
    ("customer_service", "客户服务部"),
    ("quality", "品控部"),
]
DEPARTMENT_HEADS = {
    "management": "gm",
    "operations": "director",
    "recruitment": "head",
    "customer_service": "service",
    "quality": "quality_head",
}


@dataclass
class DemoContext:
    stdout: object = None
    users: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    extra_logins: list = field(default_factory=list)

    def user(self, username):
        if username not in self.users:
            self.users[username] = get_user_model().objects.get(username=username)
        return self.users[username]

    def department(self, code):
        if code not in self.departments:
            self.departments[code] = Department.objects.get(code=code)
        return self.departments[code]

    def logins(self):
        rows = [(username, str(role)) for username, role, *_rest in DEMO_PEOPLE]
        return rows + self.extra_logins


def seed(context: DemoContext) -> None:
    for code, name in DEPARTMENTS:
        context.departments[code] = Department.objects.get_or_create(code=code, defaults={"name": name})[0]
    User = get_user_model()
    for username, role, (family, given), department_code, manager in DEMO_PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                email=f"{username}@demo.zhaoshang.local",
                # Chinese names read family name first, with no space: keep the whole name
                # in first_name so get_full_name() shows "刘一", not "一 刘".
                first_name=f"{family}{given}",
                department=context.departments.get(department_code),
                manager=context.users.get(manager),
                hire_date=dt.date(2025, 1, 6),
            )
        context.users[username] = user
    for code, head in DEPARTMENT_HEADS.items():
        Department.objects.filter(code=code).update(head=context.users[head])
    # Give every staff profile a plausible phone number for the directory.
    for number, profile in enumerate(StaffProfile.objects.filter(phone=""), start=1):
        profile.phone = f"0558-22{number:05d}"
        profile.save(update_fields=["phone"])
