"""Demo merchants of the Fuyang plan (SPEC.md §6): applications in every state across the
three urban districts and the counties, owned by recruiter1..5, made through the real
services (documents, system check, site visits, star evaluations, contracts).

``seed_demo`` runs ``seed`` once (``DemoDataset``); ``load_context`` re-announces the
extra merchant logins on later runs.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from workplace.calendar import SHANGHAI
from workplace.demo import DEMO_PASSWORD
from workplace.roles import Role
from workplace.services import user_create

from . import extensions, services
from .checks import complete_ric, complete_uscc
from .models import (
    Application,
    ApplicationStatus,
    Category,
    Contract,
    DocumentKind,
    EntityType,
    Merchant,
    MerchantStatus,
    MerchantStatusChange,
    Segment,
)
from .samples import pdf_bytes, png_bytes

ORDER = 10

# district → administrative code (the USCC and ID region part)
DISTRICTS = {
    "颍州区": "341202",
    "颍东区": "341203",
    "颍泉区": "341204",
    "临泉县": "341221",
    "太和县": "341222",
    "阜南县": "341225",
    "颍上县": "341226",
    "界首市": "341282",
}
STREETS = ["人民路", "清河路", "颍州中路", "淮河路", "三清路", "文峰路", "解放路", "中山街"]
NAMES = {
    Category.SUPERMARKET: ["华联超市", "百大生活超市", "家家福购物广场", "惠民百货"],
    Category.DINING_ENTERTAINMENT: ["老城格拉条", "颍州枕头馍", "太和板面馆", "欢乐KTV", "阜阳卷馍坊", "聚福楼酒家"],
    Category.LIFE_SERVICES: ["洁净洗衣", "快捷家政", "明亮眼镜", "便民药房", "诚信维修"],
    Category.LEISURE_FITNESS: ["动感健身", "悠然茶社", "清风游泳馆", "棋牌休闲会所"],
    Category.BEAUTY_HAIR: ["丝域美发", "靓丽美容", "名剪造型", "花样美甲"],
}
SEGMENT_OF = {
    Category.SUPERMARKET: Segment.SUPERMARKET,
    Category.DINING_ENTERTAINMENT: Segment.FEATURED,
    Category.LEISURE_FITNESS: Segment.FEATURED,
}
LEGAL_REPS = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏"]
# The state each demo application ends in, in order; merchant1 owns the first.
PLAN = [
    "contract_sent",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "signed",
    "suspended",
    "terminated",
    "signed",
    "signed",
    "in_review",
    "in_review",
    "site_visit",
    "site_visit",
    "needs_changes_check",
    "needs_changes_review",
    "submitted",
    "draft",
    "draft",
    "rejected",
    "withdrawn",
    "expired",
    "contract_sent",
    "in_review",
    "signed",
]
EXTRA_MERCHANT_LOGINS = ["merchant2", "merchant3", "merchant4"]
EVALUATION = {
    "brand": 3,
    "decoration": "standard",
    "area_sqm": "180",
    "registered_capital": "500000",
    "staff_count": 12,
    "years_in_business": "5",
    "frequency": "high",
    "large_or_chain": False,
}


def load_context(context) -> None:
    for username in EXTRA_MERCHANT_LOGINS:
        context.extra_logins.append((username, Role.MERCHANT.value))


def _merchant_user(username: str):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            role=Role.MERCHANT,
            password=DEMO_PASSWORD,
            email=f"{username}@demo.zhaoshang.local",
            first_name="商户",
            last_name=username[-1],
        )
    return user


def seed(context) -> None:
    load_context(context)
    portal_users = {"merchant1": context.user("merchant1")}
    for username in EXTRA_MERCHANT_LOGINS:
        portal_users[username] = _merchant_user(username)
    head = context.user("head")
    recruiters = [context.user(f"recruiter{n}") for n in range(1, 6)]
    categories = list(Category.values)
    districts = list(DISTRICTS)
    now = timezone.now()
    # Portal accounts for the first few applications; the rest were entered for merchants
    # who applied with a recruiter's help and have their own (unlisted) accounts.
    owners = ["merchant1", "merchant2", "merchant3", "merchant4"]
    for index, final_state in enumerate(PLAN):
        category = categories[index % len(categories)]
        district = districts[index % len(districts)]
        recruiter = recruiters[index % len(recruiters)]
        if index < len(owners):
            user = portal_users[owners[index]]
        else:
            user = _merchant_user(f"demo_merchant_{index:02d}")
        _seed_one(
            index=index,
            final_state=final_state,
            category=category,
            district=district,
            recruiter=recruiter,
            head=head,
            user=user,
            now=now,
        )


def _profile(index: int, category: str, district: str) -> dict:
    names = NAMES[category]
    region = DISTRICTS[district]
    entity_type = EntityType.NON_ENTERPRISE if index % 11 == 10 else EntityType.ENTERPRISE
    prefix = "52" if entity_type == EntityType.NON_ENTERPRISE else "92" if index % 3 == 0 else "91"
    organisation = f"MA2{index:03d}K{(index * 7) % 10}{(index * 3) % 10}"[:9]
    # Born after 1996 for half of them: older IDs carry region codes python-stdnum only
    # knows from 1996, which the check reports as a warning (a realistic case).
    birth_year = 1970 + (index * 3) % 35
    return {
        "company_name": f"阜阳{district[:2]}{names[index % len(names)]}{'有限公司' if index % 2 else '店'}",
        "entity_type": entity_type,
        "category": category,
        "segment": SEGMENT_OF.get(category, Segment.BASIC),
        "uscc": complete_uscc(f"{prefix}{region}{organisation}"),
        "legal_rep_name": LEGAL_REPS[index % len(LEGAL_REPS)],
        "legal_rep_id_number": complete_ric(
            f"{region}{birth_year}{(index % 12) + 1:02d}{(index % 28) + 1:02d}{index % 1000:03d}"
        ),
        "address": f"{STREETS[index % len(STREETS)]}{10 + index * 3}号",
        "district": district,
        "contact_phone": f"0558-22{index:05d}",
    }


def _documents(application, user, *, index: int, lapsing: bool = False) -> None:
    kinds = (
        [DocumentKind.ORG_REGISTRATION, DocumentKind.LEGAL_REP_ID]
        if application.entity_type == EntityType.NON_ENTERPRISE
        else [DocumentKind.BUSINESS_LICENCE, DocumentKind.LEGAL_REP_ID]
    )
    today = timezone.localdate()
    for position, kind in enumerate(kinds):
        content = pdf_bytes(f"Certificate {index}-{position}") if position == 0 else png_bytes(3, 2, (40, 90, 160))
        name = "licence.pdf" if position == 0 else "id-card.png"
        valid_until = today + dt.timedelta(days=365 * 5 + index)
        if lapsing and position == 0:
            # Valid the day it is submitted (a submit with an expired one is refused),
            # expired by the time the check runs.
            valid_until = today
        services.document_add(
            application=application,
            user=user,
            kind=kind,
            file=ContentFile(content, name=name),
            number=f"{application.uscc if position == 0 else application.legal_rep_id_number}",
            valid_until=valid_until,
        )


def _seed_one(*, index, final_state, category, district, recruiter, head, user, now) -> None:
    profile = _profile(index, category, district)
    application = services.application_create(user=user, data=profile)
    services.application_assign(application=application, by=head, assignee=recruiter)
    if final_state == "draft":
        if index % 2:
            _documents(application, user, index=index)
        return
    _documents(application, user, index=index, lapsing=final_state == "needs_changes_check")
    if final_state == "withdrawn":
        services.application_withdraw(application=application, user=user, reason="暂不加盟")
        return
    services.application_submit(application=application, user=user)
    if final_state == "submitted":
        return
    # The check of the application whose licence lapses runs the next day and finds it expired.
    checked_on = timezone.localdate(now) + dt.timedelta(days=final_state == "needs_changes_check")
    services.application_run_system_check(application_id=application.pk, today=checked_on)
    application.refresh_from_db()
    if final_state == "needs_changes_check":
        return
    if final_state in ("needs_changes_review", "expired"):
        services.application_request_changes(
            application=application, by=head, reason="营业执照照片不清晰，请重新上传。"
        )
        if final_state == "expired":
            services.application_expire(application=application, now=now + dt.timedelta(days=16))
        return
    if final_state == "rejected":
        services.application_reject(application=application, by=head, reason="经营场所与执照地址不符。")
        return
    if final_state == "in_review":
        if index >= 30:
            # One review left lying for a week: the deadline job reminds and escalates it.
            started = now - dt.timedelta(days=7)
            Application.objects.filter(pk=application.pk).update(
                review_started_at=started, **services.deadline_fields(ApplicationStatus.IN_REVIEW, started)
            )
        return
    services.site_visit_record(
        application=application,
        by=recruiter,
        visited_on=timezone.localdate(now) - dt.timedelta(days=1),
        notes="门店位于主街，客流较大，卫生良好。",
        media=[ContentFile(png_bytes(4, 3, (120, 160, 90)), name="storefront.png")],
    )
    if final_state == "site_visit":
        return
    # The star evaluation is scoring's (registered in merchants.extensions).
    extensions.one(extensions.evaluation_recorder)(
        application=application,
        by=recruiter,
        data={
            **EVALUATION,
            "category": category,
            "brand": 2 + index % 4,
            "large_or_chain": category == Category.SUPERMARKET and index % 2 == 0,
        },
    )
    services.application_approve(application=application, by=head)
    if final_state == "contract_sent":
        return
    services.contract_sign(
        application=application, user=user, signer_name=profile["legal_rep_name"], consent=True, ip_address="10.8.0.15"
    )
    merchant = application.merchant
    # Spread signings over the last six months so the payroll and bonus demo has history.
    signed_at = now - dt.timedelta(days=15 + (index * 11) % 170)
    Merchant.objects.filter(pk=merchant.pk).update(signed_at=signed_at)
    Contract.objects.filter(application=application).update(signed_at=signed_at)
    MerchantStatusChange.objects.filter(merchant=merchant, to_status=MerchantStatus.ACTIVE).update(changed_at=signed_at)
    installed_on = (signed_at + dt.timedelta(days=3)).astimezone(SHANGHAI).date()
    merchant.refresh_from_db()
    # Through the terminal services, so each has its history (who installed, who removed).
    terminals = [
        services.terminal_create(
            merchant=merchant,
            by=recruiter,
            serial=f"FY{DISTRICTS[district]}{index:03d}{number}",
            installed_on=installed_on,
            pays_service_fee=index % 4 != 0,
        )
        for number in range(1 + index % 2)
    ]
    if final_state == "suspended":
        services.merchant_suspend(merchant=merchant, by=recruiter, reason="商户装修停业一个月。")
    elif final_state == "terminated":
        services.merchant_terminate(merchant=merchant, by=recruiter, reason="商户退机：经营不善关店。")
        for terminal in terminals:
            services.terminal_remove(
                terminal=terminal, by=recruiter, removed_on=timezone.localdate(now), reason="商户关店退机。"
            )
