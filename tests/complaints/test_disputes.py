"""The three dispute levels: the arbitration panel (level 2) and external arbitration (3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import ComplaintStatus, Penalty, Satisfaction
from merchants.samples import png_bytes
from tests.factories.complaints import make_complaint
from workplace.exceptions import ApplicationError, InvalidTransition

from .conftest import at

S = ComplaintStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(frozen, customer_service, merchant_a, merchant_user, person):
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=False, opinion="不接受")
    return complaint


def test_it_escalates_only_after_a_rejected_solution(frozen, customer_service, merchant_a, person, merchant_user):
    complaint = make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
    with pytest.raises(InvalidTransition):
        services.complaint_escalate(complaint=complaint, by=merchant_user, reason="不服")


def test_it_escalates_to_the_panel_with_a_seven_working_day_deadline(rejected, merchant_user):
    complaint = services.complaint_escalate(complaint=rejected, by=merchant_user, reason="要求仲裁")
    assert complaint.dispute_level == 2 and complaint.status == S.AWAITING_SOLUTION
    # Tue 2026-10-13 + 7 working days = Thu 2026-10-22.
    assert complaint.panel_due == at(2026, 10, 22, 23, 59, 59) and complaint.solution_due is None
    assert complaint.arbitrations.get().level == 2


def test_it_takes_evidence_from_both_sides(rejected, merchant_user, customer_service):
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="要求仲裁")
    for user in (merchant_user, customer_service):
        services.attachment_add(
            complaint=rejected,
            by=user,
            file=SimpleUploadedFile("e.png", png_bytes(), content_type="image/png"),
            evidence=True,
        )
    assert sorted(rejected.arbitrations.get().evidence.values_list("side", flat=True)) == ["merchant", "platform"]


def test_it_needs_two_managers_on_the_panel(rejected, merchant_user, ops_director, customer_service):
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="要求仲裁")
    with pytest.raises(ApplicationError) as error:
        services.arbitration_decide(complaint=rejected, by=ops_director, panel=["director"], decision="维持")
    assert error.value.field == "panel"
    with pytest.raises(ApplicationError) as error:
        services.arbitration_decide(complaint=rejected, by=ops_director, panel=["director", "service"], decision="维持")
    assert error.value.field == "panel"


def test_it_walks_level_2_to_closing(rejected, merchant_user, ops_director, general_manager, customer_service, person):
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="要求仲裁")
    with pytest.raises(InvalidTransition):
        services.complaint_propose_solution(complaint=rejected, by=person, solution="x")
    services.arbitration_decide(complaint=rejected, by=ops_director, panel=["director", "gm"], decision="平台赔偿200元")
    rejected.refresh_from_db()
    arbitration = rejected.arbitrations.get()
    assert rejected.status == S.AWAITING_OPINION and arbitration.published
    assert sorted(arbitration.panel.values_list("username", flat=True)) == ["director", "gm"]
    services.complaint_record_opinion(complaint=rejected, by=merchant_user, accepted=True)
    services.complaint_mark_implemented(complaint=rejected, by=person)
    services.complaint_record_visit(
        complaint=rejected, by=customer_service, visited_on=dt.date(2026, 10, 13), satisfaction=Satisfaction.SATISFIED
    )
    services.complaint_close(complaint=rejected, by=customer_service)
    rejected.refresh_from_db()
    assert rejected.status == S.CLOSED and rejected.dispute_level == 2
    assert sorted(Penalty.objects.values_list("amount", flat=True)) == [Decimal("-100.00"), Decimal("-50.00")]


def test_it_walks_level_3_and_keeps_the_history(rejected, merchant_user, ops_director, customer_service, person):
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="要求仲裁")
    with pytest.raises(InvalidTransition):  # level 3 only after the panel decided
        services.complaint_escalate(complaint=rejected, by=merchant_user, reason="再上诉")
    services.arbitration_decide(complaint=rejected, by=ops_director, panel=["director", "gm"], decision="驳回")
    services.complaint_record_opinion(complaint=rejected, by=merchant_user, accepted=False, opinion="不服裁决")
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="申请外部仲裁")
    rejected.refresh_from_db()
    assert rejected.dispute_level == 3
    with pytest.raises(InvalidTransition):
        services.complaint_escalate(complaint=rejected, by=merchant_user, reason="again")
    services.external_arbitration_record(
        complaint=rejected,
        by=customer_service,
        body="阜阳仲裁委员会",
        case_number="(2026)阜仲字第18号",
        outcome="赔偿300元",
    )
    rejected.refresh_from_db()
    assert rejected.status == S.IMPLEMENTING
    external = rejected.arbitrations.get(level=3)
    assert (external.body, external.case_number) == ("阜阳仲裁委员会", "(2026)阜仲字第18号")
    actions = list(rejected.events.values_list("action", flat=True))
    assert actions[:2] == ["received", "investigated_valid"]
    assert actions[-2:] == ["escalated", "external_outcome"]


@pytest.fixture
def externally_decided(rejected, merchant_user, ops_director, customer_service, person):
    """Level 3 decided and carried out, then a visit below satisfied: round 2 at level 3."""
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="要求仲裁")
    services.arbitration_decide(complaint=rejected, by=ops_director, panel=["director", "gm"], decision="驳回")
    services.complaint_record_opinion(complaint=rejected, by=merchant_user, accepted=False, opinion="不服裁决")
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="申请外部仲裁")
    services.external_arbitration_record(
        complaint=rejected, by=customer_service, body="阜阳仲裁委员会", case_number="2026-18", outcome="赔偿300元"
    )
    services.complaint_mark_implemented(complaint=rejected, by=person, notes="已赔偿")
    services.complaint_record_visit(
        complaint=rejected, by=customer_service, visited_on=dt.date(2026, 10, 13), satisfaction=Satisfaction.NEUTRAL
    )
    rejected.refresh_from_db()
    assert (rejected.status, rejected.round, rejected.dispute_level) == (S.INVESTIGATING, 2, 3)
    return rejected


def test_a_second_round_after_external_arbitration_reaches_the_responsible_head(
    externally_decided, customer_service, person, merchant_user
):
    from complaints import queues, selectors

    complaint = services.complaint_investigate(
        complaint=externally_decided,
        by=customer_service,
        valid=True,
        findings="赔偿后仍有问题",
        responsible_department="quality",
        responsible_person=person.username,
    )
    assert complaint.status == S.AWAITING_SOLUTION
    # The head's solution runs on its deadline again (the external body decided round 1).
    assert services.current_deadline_of(complaint) == ("solution_due", at(2026, 10, 16, 23, 59, 59))
    row = selectors.complaint_list(user=customer_service).get(pk=complaint.pk)
    assert row.deadline == at(2026, 10, 16, 23, 59, 59)
    assert queues.responsible_queue(user=person).filter(pk=complaint.pk).exists()
    services.complaint_propose_solution(complaint=complaint, by=person, solution="更换商品并补偿")
    services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=True)
    complaint.refresh_from_db()
    assert complaint.status == S.IMPLEMENTING and complaint.dispute_level == 3
    assert not services.can_escalate(complaint)


def test_the_page_offers_the_head_the_second_rounds_transfer_slip(externally_decided, customer_service, person):
    from django.test import Client

    services.complaint_investigate(
        complaint=externally_decided,
        by=customer_service,
        valid=True,
        findings="赔偿后仍有问题",
        responsible_department="quality",
        responsible_person=person.username,
    )
    web = Client()
    web.force_login(person)
    assert "solution" in web.get(f"/complaints/{externally_decided.pk}/").context["actions"]
    response = web.post(f"/complaints/{externally_decided.pk}/solution/", {"solution": "更换商品"})
    assert (response.status_code, response["Location"]) == (302, f"/complaints/{externally_decided.pk}/")
    externally_decided.refresh_from_db()
    assert externally_decided.status == S.AWAITING_OPINION


def test_an_undecided_external_arbitration_still_refuses_the_heads_solution(
    rejected, merchant_user, ops_director, person
):
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="要求仲裁")
    services.arbitration_decide(complaint=rejected, by=ops_director, panel=["director", "gm"], decision="驳回")
    services.complaint_record_opinion(complaint=rejected, by=merchant_user, accepted=False, opinion="不服裁决")
    services.complaint_escalate(complaint=rejected, by=merchant_user, reason="申请外部仲裁")
    with pytest.raises(InvalidTransition):
        services.complaint_propose_solution(complaint=rejected, by=person, solution="x")
    assert services.current_deadline_of(rejected) == (None, None)
