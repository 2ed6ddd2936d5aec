"""Demo complaints in every step and every dispute level (SPEC.md §4), walked through the
real services by the demo customer service (``service``), the quality department's head
(``quality_head``, the responsible person) and the merchants, dated over the last weeks
so the queues have overdue work, visits and surveys, and the service-level panel has
closed complaints to report. Without demo merchants nothing is added."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from merchants.models import Merchant, MerchantStatus
from workplace.exceptions import ApplicationError

from . import services
from .models import Complaint, ComplaintType, Satisfaction

ORDER = 50
P, SQ, OT = ComplaintType.PRODUCT_QUALITY, ComplaintType.SERVICE_QUALITY, ComplaintType.OTHER
VALID = ("investigate", True, "经现场核实，情况属实")

# (type, description, filed by the merchant, days ago received, steps one day apart)
SCENARIOS = [
    (SQ, "收银员结账时态度恶劣，拒绝使用联盟预付卡", True, 0, []),
    (P, "购买的蛋糕已过保质期，要求退款", False, 6, []),
    (OT, "POS机小票打印不清晰", False, 4, [("investigate", False, "经核实为小票纸受潮，非平台责任，已指导商户更换")]),
    (SQ, "客服电话长时间无人接听", False, 1, [VALID]),
    (P, "联盟配送的包装盒破损严重", False, 9, [VALID]),
    (SQ, "结算款到账延迟三天", True, 3, [VALID, ("solution", "核查结算批次，补发到账并致歉")]),
    (P, "促销物料印刷错误", False, 5, [VALID, ("solution", "重新印制物料，三日内送达"), ("opinion", True, "同意")]),
    (
        P,
        "联盟卡积分未到账",
        False,
        8,
        [
            VALID,
            ("solution", "补记积分并赠送优惠券"),
            ("opinion", True, "接受"),
            ("implemented", "积分已补记"),
            ("visit", Satisfaction.SATISFIED, "商户表示积分已到账"),
        ],
    ),
    (
        SQ,
        "业务员上门服务迟到",
        False,
        7,
        [VALID, ("solution", "调整排班，提前电话预约"), ("opinion", True, "同意"), ("implemented", "已调整排班")],
    ),
    (
        SQ,
        "活动宣传与实际优惠不符",
        True,
        10,
        [
            VALID,
            ("solution", "按宣传补足优惠差额"),
            ("opinion", True, "同意"),
            ("implemented", "差额已补"),
            ("visit", Satisfaction.UNSATISFIED, "商户认为补偿不及时"),
        ],
    ),
    (
        OT,
        "对账单格式难以理解",
        False,
        12,
        [
            VALID,
            ("solution", "提供新版对账单并安排培训"),
            ("opinion", True, "同意"),
            ("implemented", "已培训"),
            ("visit", Satisfaction.VERY_SATISFIED, "非常满意"),
            ("close",),
        ],
    ),
    (
        P,
        "收到的POS机有故障",
        False,
        20,
        [
            VALID,
            ("solution", "上门维修"),
            ("opinion", False, "希望直接更换新机"),
            ("solution", "更换新机并免收当月服务费"),
            ("opinion", True, "接受"),
            ("implemented", "新机已安装"),
            ("visit", Satisfaction.SATISFIED, "新机运行正常"),
            ("visit", Satisfaction.SATISFIED, "第二次回访，运行稳定"),
            ("close",),
        ],
    ),
    (
        SQ,
        "佣金扣点与合同不一致",
        True,
        6,
        [
            VALID,
            ("solution", "按系统记录维持现有扣点"),
            ("opinion", False, "与合同约定不符"),
            ("escalate", "申请平台仲裁小组裁决"),
        ],
    ),
    (
        SQ,
        "联盟活动名额分配不公",
        True,
        9,
        [
            VALID,
            ("solution", "下期活动优先安排"),
            ("opinion", False, "不能接受"),
            ("escalate", "申请平台仲裁"),
            ("panel", "仲裁小组裁定：本期补给一个名额，并退还活动费用的一半"),
        ],
    ),
    (
        OT,
        "终止合作后保证金未退还",
        True,
        14,
        [
            VALID,
            ("solution", "扣除违约金后退还"),
            ("opinion", False, "不认可违约金"),
            ("escalate", "申请平台仲裁"),
            ("panel", "仲裁小组裁定：违约金减半"),
            ("opinion", False, "仍不接受"),
            ("escalate", "提交阜阳仲裁委员会"),
        ],
    ),
    (
        OT,
        "设备押金计算有误",
        True,
        18,
        [
            VALID,
            ("solution", "维持原押金"),
            ("opinion", False, "不接受"),
            ("escalate", "申请平台仲裁"),
            ("panel", "仲裁小组裁定：维持原押金"),
            ("opinion", False, "不接受"),
            ("escalate", "提交外部仲裁"),
            ("external", "阜阳仲裁委员会", "（2026）阜仲字第118号", "裁决退还多收押金200元"),
            ("implemented", "已退还200元"),
            ("visit", Satisfaction.SATISFIED, "商户认可裁决结果"),
            ("close",),
        ],
    ),
]
PANEL = ["director", "gm"]


def _merchants() -> list[Merchant]:
    """Signed merchants, those with a portal account first (their portal shows complaints)."""
    merchants = list(
        Merchant.objects.filter(status__in=[MerchantStatus.ACTIVE, MerchantStatus.SUSPENDED]).order_by("id")
    )
    return sorted(merchants, key=lambda merchant: (merchant.user_id is None, merchant.pk))


def _take(step, *, complaint, moment, cs, head, merchant_user, context):
    action, *args = step
    if action == "investigate":
        valid, findings = args
        extra = {"responsible_department": "quality", "responsible_person": head.username} if valid else {}
        services.complaint_investigate(complaint=complaint, by=cs, valid=valid, findings=findings, now=moment, **extra)
    elif action == "solution":
        services.complaint_propose_solution(complaint=complaint, by=head, solution=args[0], now=moment)
    elif action == "opinion":
        accepted, text = args
        by = merchant_user if merchant_user is not None and not accepted else cs
        services.complaint_record_opinion(complaint=complaint, by=by, accepted=accepted, opinion=text, now=moment)
    elif action == "implemented":
        services.complaint_mark_implemented(complaint=complaint, by=head, notes=args[0], now=moment)
    elif action == "visit":
        satisfaction, notes = args
        services.complaint_record_visit(
            complaint=complaint,
            by=cs,
            visited_on=timezone.localtime(moment).date(),
            satisfaction=satisfaction,
            notes=notes,
            now=moment,
        )
    elif action == "close":
        services.complaint_close(complaint=complaint, by=cs, now=moment)
    elif action == "escalate":
        services.complaint_escalate(complaint=complaint, by=merchant_user or cs, reason=args[0], now=moment)
    elif action == "panel":
        services.arbitration_decide(
            complaint=complaint, by=context.user("director"), panel=PANEL, decision=args[0], now=moment
        )
    elif action == "external":
        body, case_number, outcome = args
        services.external_arbitration_record(
            complaint=complaint, by=cs, body=body, case_number=case_number, outcome=outcome, now=moment
        )
    else:  # pragma: no cover - a typo in SCENARIOS
        raise ValueError(action)


def seed(context) -> None:
    merchants = _merchants()
    if not merchants or Complaint.objects.exists():
        return
    cs, head = context.user("service"), context.user("quality_head")
    now = timezone.now().replace(second=0, microsecond=0)
    for index, (kind, description, by_merchant, days_ago, steps) in enumerate(SCENARIOS):
        merchant = merchants[index % len(merchants)]
        merchant_user = merchant.user if merchant.user_id else None
        # Received in office hours ``days_ago`` days back; each step a day later, the
        # last one no later than an hour ago.
        start = timezone.localtime(now - dt.timedelta(days=days_ago)).replace(hour=9, minute=30)
        start = min(start, now - dt.timedelta(hours=len(steps) + 1))
        gap = (now - start - dt.timedelta(hours=1)) / max(len(steps), 1)
        try:
            filer = merchant_user if by_merchant and merchant_user is not None else cs
            complaint = services.complaint_receive(
                user=filer,
                merchant=merchant,
                type=kind,
                description=description,
                now=start,
            )
            for number, step in enumerate(steps, start=1):
                _take(
                    step,
                    complaint=complaint,
                    moment=start + gap * number,
                    cs=cs,
                    head=head,
                    merchant_user=merchant_user,
                    context=context,
                )
                complaint.refresh_from_db()
        except ApplicationError as error:
            if context.stdout:
                context.stdout.write(f"complaints demo: skipped “{description}”: {error.message}")
            continue
