import pytest
from django.utils import timezone

from commissions.models import CommissionStandard
from tests.factories.commissions import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_admin_adds_a_new_version_of_a_standard(admin_client):
    today = timezone.localdate().isoformat()
    response = admin_client.post(
        "/admin/commissions/commissionstandard/add/",
        {
            "category": "dining_entertainment",
            "effective_from": today,
            "bank_card_fee": "1.80",
            "prepaid_commission": "9.00",
            "note": "2027 调整",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/commissions/commissionstandard/")
    assert CommissionStandard.objects.filter(category="dining_entertainment").count() == 2
    added = CommissionStandard.objects.get(category="dining_entertainment", note="2027 调整")
    assert (str(added.bank_card_fee), str(added.prepaid_commission), added.effective_from.isoformat()) == (
        "1.80",
        "9.00",
        today,
    )


def test_a_new_version_cannot_be_backdated(admin_client):
    response = admin_client.post(
        "/admin/commissions/commissionstandard/add/",
        {
            "category": "dining_entertainment",
            "effective_from": "2021-01-01",
            "bank_card_fee": "1.80",
            "prepaid_commission": "9.00",
        },
    )
    assert response.status_code == 200
    assert (
        '<ul class="errorlist" id="id_effective_from_error"><li>新版本的生效日期须为今天或以后。</li></ul>'
        in response.content.decode()
    )
    assert CommissionStandard.objects.filter(category="dining_entertainment").count() == 1


def test_saved_standards_are_history(admin_client):
    standard = CommissionStandard.objects.first()
    url = f"/admin/commissions/commissionstandard/{standard.pk}/change/"
    admin_client.post(
        url,
        {
            "category": standard.category,
            "effective_from": standard.effective_from,
            "bank_card_fee": "0.10",
            "prepaid_commission": "0.10",
        },
    )
    standard.refresh_from_db()
    assert standard.bank_card_fee != 0.10
    response = admin_client.post(f"/admin/commissions/commissionstandard/{standard.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()
    assert CommissionStandard.objects.filter(pk=standard.pk).exists()


def test_an_admin_adds_a_band_version(admin_client):
    data = {
        "effective_from": timezone.localdate().isoformat(),
        "note": "新",
        "bands-TOTAL_FORMS": "4",
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "4",
    }
    for index, (role, bound, inclusive) in enumerate(
        [
            ("recruiter", "80", "on"),
            ("recruitment_head", "70", "on"),
            ("ops_director", "50", ""),
            ("general_manager", "0", "on"),
        ]
    ):
        data.update(
            {f"bands-{index}-role": role, f"bands-{index}-min_ratio": bound, f"bands-{index}-min_inclusive": inclusive}
        )
    response = admin_client.post("/admin/commissions/authoritybandset/add/", data)
    assert (response.status_code, response["Location"]) == (302, "/admin/commissions/authoritybandset/")
    from commissions.selectors import quote_prepaid_rate

    assert quote_prepaid_rate(category="dining_entertainment", prepaid_rate=8).required_role == "recruiter"


def test_requests_are_read_only_with_their_steps(admin_client, recruiter):
    rate_request = make_request(recruiter, "5.00")
    page = admin_client.get(f"/admin/commissions/raterequest/{rate_request.pk}/change/")
    assert page.status_code == 200
    assert "recruitment_head" in page.content.decode() or "招商部负责人" in page.content.decode()
    response = admin_client.post(f"/admin/commissions/raterequest/{rate_request.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()
    assert rate_request.steps.count() == 3 and type(rate_request).objects.filter(pk=rate_request.pk).exists()


def test_a_recruiter_sees_only_their_requests_in_the_admin(client, recruiter, outside_recruiter):
    from workplace.roles import sync_role_permissions

    sync_role_permissions()
    mine = make_request(recruiter, "8.00")
    theirs = make_request(outside_recruiter, "8.00")
    client.force_login(recruiter)
    page = client.get("/admin/commissions/raterequest/").content.decode()
    assert mine.reference in page and theirs.reference not in page


@pytest.mark.parametrize("path, expected", [("raterequest", 9), ("merchantrate", 9), ("approvalruleset", 9)])
def test_changelists_run_a_constant_number_of_queries(admin_client, recruiter, queries, path, expected):
    from tests.factories.commissions import make_request

    make_request(recruiter, "8.00")
    queries.assert_constant(
        lambda: admin_client.get(f"/admin/commissions/{path}/"),
        lambda: make_request(recruiter, "9.00"),
        expected=expected,
    )


def band_version(bands):
    data = {
        "effective_from": timezone.localdate().isoformat(),
        "note": "",
        "bands-TOTAL_FORMS": "4",
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "4",
    }
    for index, (role, bound, inclusive) in enumerate(bands):
        data.update(
            {f"bands-{index}-role": role, f"bands-{index}-min_ratio": bound, f"bands-{index}-min_inclusive": inclusive}
        )
    return data


ORDER = "每个更高级别的下限必须低于其下一级别（例如 85、70、50、0）。"
NEGATIVE = "下限不能为负数。"
REQUIRED = "该字段是必填项。"


@pytest.mark.parametrize(
    "bands, message",
    [
        # incomplete tables: the rows left empty are named
        ([("recruiter", "60", "on"), ("recruitment_head", "70", "on")], REQUIRED),
        ([("ops_director", "50", "on"), ("general_manager", "50", "on")], REQUIRED),
        ([("recruiter", "85", "on"), ("general_manager", "-1", "on")], NEGATIVE),
        # whole tables refused for their order or a negative bound alone
        (
            [
                ("recruiter", "60", "on"),
                ("recruitment_head", "70", "on"),
                ("ops_director", "50", ""),
                ("general_manager", "0", "on"),
            ],
            ORDER,
        ),
        (
            [
                ("recruiter", "85", "on"),
                ("recruitment_head", "70", "on"),
                ("ops_director", "50", "on"),
                ("general_manager", "50", "on"),
            ],
            ORDER,
        ),
        (
            [
                ("recruiter", "85", "on"),
                ("recruitment_head", "70", "on"),
                ("ops_director", "50", ""),
                ("general_manager", "-1", "on"),
            ],
            NEGATIVE,
        ),
    ],
)
def test_bands_out_of_order_are_refused(admin_client, bands, message):
    from commissions.models import AuthorityBandSet

    before = AuthorityBandSet.objects.count()
    response = admin_client.post("/admin/commissions/authoritybandset/add/", band_version(bands))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AuthorityBandSet.objects.count() == before


@pytest.mark.parametrize("general_manager_from", ["0", "50"])
def test_bands_in_order_are_accepted(admin_client, general_manager_from):
    bands = [
        ("recruiter", "85", "on"),
        ("recruitment_head", "70", "on"),
        ("ops_director", "50", ""),
        ("general_manager", general_manager_from, "on"),
    ]
    from commissions.models import AuthorityBandSet

    response = admin_client.post("/admin/commissions/authoritybandset/add/", band_version(bands))
    assert (response.status_code, response["Location"]) == (302, "/admin/commissions/authoritybandset/")
    added = AuthorityBandSet.objects.get(effective_from=timezone.localdate())
    assert [band.role for band in added.bands.order_by("-min_ratio")] == [
        "recruiter",
        "recruitment_head",
        "ops_director",
        "general_manager",
    ]


def test_the_admin_names_people_instead_of_their_usernames(admin_client, recruiter, recruitment_head):
    from commissions.services import rate_request_reject
    from workplace.people import display_name

    recruiter.first_name, recruiter.last_name = "明", "徐"
    recruiter.save(update_fields=["first_name", "last_name"])
    recruitment_head.first_name, recruitment_head.last_name = "芳", "李"
    recruitment_head.save(update_fields=["first_name", "last_name"])
    rate_request = make_request(recruiter, "5.00")
    rate_request_reject(user=recruitment_head, rate_request=rate_request, reason="费率过低")

    listing = admin_client.get("/admin/commissions/raterequest/").content.decode()
    assert f'<td class="field-requested_by_name">{display_name(recruiter)}</td>' in listing
    assert f">{recruiter.username}<" not in listing

    page = admin_client.get(f"/admin/commissions/raterequest/{rate_request.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    # The requester on the record, the decider of the step, who moved the status.
    assert content.count(display_name(recruiter)) >= 1
    assert content.count(display_name(recruitment_head)) >= 2
    assert f">{recruiter.username}<" not in content and f">{recruitment_head.username}<" not in content
