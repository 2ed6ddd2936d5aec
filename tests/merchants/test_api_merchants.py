import pytest

from merchants.models import MerchantStatus
from tests.factories.merchants import ApplicationFactory, MerchantFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/merchants/"


def names(response):
    assert response.status_code == 200, response.json()
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture
def merchants(recruiter, second_recruiter, outside_recruiter, department, other_department, merchant_user):
    return {
        "mine": MerchantFactory(
            name="我的",
            recruiter=recruiter,
            department=department,
            user=merchant_user,
            category="supermarket",
            status=MerchantStatus.ACTIVE,
            district="颍州区",
        ),
        "colleague": MerchantFactory(
            name="同事", recruiter=second_recruiter, department=department, category="beauty_hair", district="太和县"
        ),
        "outside": MerchantFactory(name="外部", recruiter=outside_recruiter, department=other_department),
    }


@pytest.mark.parametrize(
    "who, expected",
    [
        ("recruiter", {"我的"}),
        ("second_recruiter", {"同事"}),
        ("recruitment_head", {"我的", "同事"}),
        ("outside_head", {"外部"}),
        ("outside_recruiter", {"外部"}),
        ("ops_director", {"我的", "同事", "外部"}),
        ("general_manager", {"我的", "同事", "外部"}),
        ("admin_user", {"我的", "同事", "外部"}),
        ("customer_service", {"我的", "同事", "外部"}),
        ("dept_head", set()),
        ("merchant_user", {"我的"}),
        ("other_merchant_user", set()),
    ],
)
def test_the_list_is_scoped_by_role(who, expected, request, client_for, merchants):
    assert names(client_for(request.getfixturevalue(who)).get(URL)) == expected


def test_detail_of_another_merchant_is_404(client_for, merchants, other_merchant_user, outside_recruiter):
    for user in (other_merchant_user, outside_recruiter):
        response = client_for(user).get(f"{URL}{merchants['mine'].pk}/")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_it_filters(client_for, ops_director, merchants, recruiter):
    client = client_for(ops_director)
    assert names(client.get(URL, {"category": "supermarket"})) == {"我的"}
    assert names(client.get(URL, {"status": "active"})) == {"我的"}
    assert names(client.get(URL, {"district": "太和县"})) == {"同事"}
    assert names(client.get(URL, {"recruiter": recruiter.pk})) == {"我的"}
    assert names(client.get(URL, {"search": "同"})) == {"同事"}
    assert names(client.get(URL, {"segment": "basic"})) == {"我的", "同事", "外部"}


def test_bad_filters_are_400_naming_the_field(client_for, ops_director):
    response = client_for(ops_director).get(URL, {"category": "casino", "recruiter": "x"})
    assert response.status_code == 400
    assert {"category", "recruiter"} <= set(response.json())


def test_it_paginates(client_for, ops_director, merchants):
    body = client_for(ops_director).get(URL, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_the_merchant_list_has_constant_queries(client_for, recruitment_head, recruiter, department, queries):
    client = client_for(recruitment_head)
    MerchantFactory(recruiter=recruiter, department=department)
    client.get(URL)  # warm the per-user role cache
    # The count and the page (an empty list would skip the page's query).
    queries.assert_constant(
        lambda: client.get(URL), lambda: MerchantFactory(recruiter=recruiter, department=department), expected=2
    )


def test_the_application_list_has_constant_queries(client_for, recruitment_head, recruiter, department, queries):
    client = client_for(recruitment_head)

    def grow():
        ApplicationFactory(merchant__recruiter=recruiter, merchant__department=department, assignee=recruiter)

    grow()
    client.get("/api/v1/applications/")  # warm the per-user role cache
    # The count and the page (an empty list would skip the page's query).
    queries.assert_constant(lambda: client.get("/api/v1/applications/"), grow, expected=2)


def test_the_application_list_is_scoped(client_for, recruiter, second_recruiter, department, merchant_user):
    ApplicationFactory(
        company_name="我的申请",
        merchant__recruiter=recruiter,
        merchant__department=department,
        merchant__user=merchant_user,
    )
    ApplicationFactory(company_name="别人的申请", merchant__recruiter=second_recruiter, merchant__department=department)
    rows = client_for(recruiter).get("/api/v1/applications/").json()["results"]
    assert [row["company_name"] for row in rows] == ["我的申请"]
    rows = client_for(merchant_user).get("/api/v1/applications/").json()["results"]
    assert [row["company_name"] for row in rows] == ["我的申请"]


def test_terminals_for_staff(client_for, recruiter, merchants):
    client = client_for(recruiter)
    response = client.post(
        "/api/v1/terminals/",
        {"merchant": merchants["mine"].pk, "serial": "POS1", "installed_on": "2026-03-15"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["serial"] == "POS1"
    again = client.post(
        "/api/v1/terminals/",
        {"merchant": merchants["mine"].pk, "serial": "POS1", "installed_on": "2026-03-15"},
        format="json",
    )
    assert again.status_code == 400 and "serial" in again.json()
    theirs = client.post(
        "/api/v1/terminals/",
        {"merchant": merchants["colleague"].pk, "serial": "POS2", "installed_on": "2026-03-15"},
        format="json",
    )
    assert theirs.status_code == 400 and "merchant" in theirs.json()
    assert [row["serial"] for row in client.get("/api/v1/terminals/").json()["results"]] == ["POS1"]
