"""Demo rate requests in every state (SPEC.md §3), made and decided through the real
services by the demo recruiters, head, director and general manager. The standards and
bands come from the migration; without demo merchants nothing is added."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from merchants.models import Merchant
from workplace.exceptions import ApplicationError

from . import services
from .models import ApprovalStep, RateRequest, RequestKind
from .selectors import REQUESTABLE_STATUSES

ORDER = 40

# kind, proposed rate as a share of the standard (None: waiver), decisions in order, reason
SCENARIOS = [
    (RequestKind.PREPAID, "0.90", [], "连锁品牌，按标准九折签约"),
    (RequestKind.PREPAID, "0.80", [("head", "approve", "客流稳定，同意")], "新开门店，首年优惠"),
    (
        RequestKind.PREPAID,
        "0.50",
        [("head", "approve", "重点商户"), ("director", "approve", "同意上报"), ("gm", "approve", "特批")],
        "区域龙头，带动周边商户入盟",
    ),
    (
        RequestKind.PREPAID,
        "0.65",
        [("head", "approve", "同意"), ("director", "reject", "低于运营底线，请再谈")],
        "竞争对手报价更低",
    ),
    (RequestKind.PREPAID, "0.75", [], "老客户续约"),
    (RequestKind.PREPAID, "0.60", [("head", "approve", "同意，请运营审核")], "节假日促销合作"),
    (
        RequestKind.PREPAID,
        "0.48",
        [("head", "approve", "同意"), ("director", "approve", "同意，报总经理")],
        "全市独家合作",
    ),
    (RequestKind.BANK_CARD, "0.75", [], "刷卡量大，申请降低银行卡手续费"),
    (RequestKind.POS_FEE_WAIVER, None, [("gm", "approve", "高潜力商户，免收服务费")], "高潜力商户，申请免收POS服务费"),
    # a head's step decided in place (explicitly, with the reason), and a 0 % flagship
    (RequestKind.PREPAID, "0.80", [("gm", "approve", "同意", "recruitment_head", "招商部负责人休假")], "商圈新店"),
    (
        RequestKind.PREPAID,
        "0",
        [("head", "approve", "旗舰店"), ("director", "approve", "同意上报")],
        "旗舰店，免收佣金",
    ),
]


def seed(context) -> None:
    merchants = [
        m
        for m in Merchant.objects.filter(recruiter__isnull=False, status__in=REQUESTABLE_STATUSES)
        .select_related("recruiter")
        .order_by("id")
    ]
    now = timezone.now()
    for index, (merchant, (kind, share, decisions, reason)) in enumerate(zip(merchants, SCENARIOS, strict=False)):
        try:
            rate = None
            if share is not None:
                from .selectors import standard_on

                standard = standard_on(merchant.category)
                base = standard.prepaid_commission if kind == RequestKind.PREPAID else standard.bank_card_fee
                rate = (base * Decimal(share)).quantize(Decimal("0.01"))
            request = services.rate_request_create(
                user=merchant.recruiter, merchant=merchant, kind=kind, proposed_rate=rate, reason=reason
            )
            for username, decision, comment, *in_place in decisions:
                approver = context.user(username)
                step_role, acting_reason = in_place or (None, "")
                if decision == "approve":
                    services.rate_request_approve(
                        user=approver, rate_request=request, comment=comment, step_role=step_role, reason=acting_reason
                    )
                else:
                    services.rate_request_reject(
                        user=approver, rate_request=request, reason=comment, step_role=step_role
                    )
        except ApplicationError as error:  # a demo merchant outside the demo head's department
            if context.stdout:
                context.stdout.write(f"commissions demo: skipped {merchant}: {error.message}")
            continue
        # Spread the requests over the last days so the queue and its reminders look real.
        waited = now - dt.timedelta(days=len(SCENARIOS) - index)
        RateRequest.objects.filter(pk=request.pk).update(created_at=waited)
        ApprovalStep.objects.filter(request=request, activated_at__isnull=False, decided_at__isnull=True).update(
            activated_at=waited
        )
