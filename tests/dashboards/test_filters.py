"""The dashboard's filters (issue 10 §2): region, category, segment and recruiter narrow
every figure alike, through the records' merchant; bad values are 400s naming the field,
a recruiter outside the reader's reach a 403 naming it; the records behind a figure take
the same filters (their count is the figure)."""

import datetime as dt

import pytest
import time_machine

from commissions.models import RequestStatus
from complaints.models import ComplaintStatus
from dashboards.selectors import Filters, Period, dashboard_summary, figure_records
from merchants.models import ApplicationStatus as A
from merchants.models import Merchant
from plans.models import Region
from tests.dashboards.builders import at, complaint, decided, merchant_of, rate_request

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboards/summary/"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def fuyang(db):
    city = Region.objects.create(name="阜阳市", code="341200", kind="city")
    return {
        "city": city,
        "yingzhou": Region.objects.create(name="颍州区", code="341202", kind="district", parent=city),
        "yingdong": Region.objects.create(name="颍东区", code="341203", kind="district", parent=city),
        "taihe": Region.objects.create(name="太和县", code="341222", kind="county", parent=city),
    }


def place(record, **fields):
    """Move the merchant behind ``record`` (or the merchant itself) to ``fields``."""
    merchant_id = record.pk if isinstance(record, Merchant) else record.merchant_id
    Merchant.objects.filter(pk=merchant_id).update(**fields)
    return record


def world(recruiter, second_recruiter, cs):
    """Two of everything: one in 颍州区 (featured dining, ``recruiter``), one in 太和县
    (basic life services, ``second_recruiter``); and a merchant in 合肥 outside the city."""
    for who, where in (
        (recruiter, {"district": "颍州区", "segment": "featured", "category": "dining_entertainment"}),
        (second_recruiter, {"district": "太和县", "segment": "basic", "category": "life_services"}),
    ):
        place(decided(who, A.APPROVED, "2026-10-12"), **where)
        place(decided(who, A.REJECTED, "2026-10-13"), **where)
        place(complaint(who, cs=cs, received=at("2026-10-09"), status=ComplaintStatus.RECEIVED), **where)
        place(
            merchant_of(who, status="terminated", signed_at=at("2026-05-01"), terminated_at=at("2026-10-08")), **where
        )
        place(merchant_of(who, status="active", signed_at=at("2026-05-01")), **where)
        place(rate_request(who, created=at("2026-10-12", 9), status=RequestStatus.PENDING), **where)
    # The second recruiter's third decision, approved: their pass rate is 2 of 3.
    place(
        decided(second_recruiter, A.APPROVED, "2026-10-14"),
        district="太和县",
        segment="basic",
        category="life_services",
    )
    place(decided(recruiter, A.APPROVED, "2026-10-15"), district="合肥市", segment="featured")


def summary(client_for, user, **params):
    response = client_for(user).get(URL, {**OCTOBER, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_without_filters_it_counts_everything(
    client_for, general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    body = summary(client_for, general_manager)

    assert body["funnel"]["approved"] == 4
    assert body["funnel"]["rejected"] == 2
    assert body["complaints"]["open"] == 2
    assert body["rate_requests"]["pending"] == 2


def test_a_district_narrows_every_figure(
    client_for, general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    body = summary(client_for, general_manager, region=fuyang["taihe"].pk)

    assert body["funnel"] == {"submitted": 3, "in_review": 3, "approved": 2, "rejected": 1, "signed": 0}
    assert body["pass_rate"] == "66.67"
    assert body["cycle_time_working_days"] == "1.00"
    assert body["complaints"]["open"] == 1
    assert body["churn"] == "50.00"
    assert body["rate_requests"]["pending"] == 1


def test_a_city_covers_its_districts_and_counties_only(
    client_for, general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    body = summary(client_for, general_manager, region=fuyang["city"].pk)

    # 合肥市's approval is outside 阜阳市.
    assert body["funnel"]["approved"] == 3
    assert body["funnel"]["rejected"] == 2
    assert body["complaints"]["open"] == 2


def test_a_district_with_nothing_in_it_counts_nothing(
    client_for, general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    body = summary(client_for, general_manager, region=fuyang["yingdong"].pk)

    assert body["funnel"] == {"submitted": 0, "in_review": 0, "approved": 0, "rejected": 0, "signed": 0}
    assert body["pass_rate"] is None
    assert body["churn"] is None
    assert body["complaints"]["open"] == 0


def test_category_and_segment_narrow_every_figure(
    client_for, general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    featured = summary(client_for, general_manager, segment="featured")
    dining = summary(client_for, general_manager, category="dining_entertainment")
    both = summary(client_for, general_manager, segment="basic", category="dining_entertainment")

    # Featured: 颍州区's records and 合肥市's approval.
    assert featured["funnel"]["approved"] == 2
    assert featured["pass_rate"] == "66.67"
    assert featured["complaints"]["open"] == 1
    assert featured["churn"] == "50.00"
    assert featured["rate_requests"]["pending"] == 1
    # 合肥市's merchant keeps the factory's category (life services).
    assert dining["funnel"]["approved"] == 1
    assert dining["pass_rate"] == "50.00"
    assert both["funnel"]["approved"] == 0
    assert both["complaints"]["open"] == 0


def test_a_recruiter_narrows_to_their_merchants(
    client_for, general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    body = summary(client_for, general_manager, recruiter=second_recruiter.pk)

    assert body["funnel"]["approved"] == 2
    assert body["pass_rate"] == "66.67"
    assert body["complaints"]["open"] == 1
    assert body["churn"] == "50.00"
    assert body["rate_requests"]["pending"] == 1


def test_the_records_behind_each_figure_take_the_filters(
    general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    period = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    filters = Filters(region=fuyang["taihe"].pk, segment="basic", recruiter=second_recruiter.pk)
    summary_ = dashboard_summary(user=general_manager, period=period, filters=filters)

    assert figure_records(general_manager, period, "funnel-approved", filters=filters).count() == 2
    assert summary_["funnel"]["approved"] == 2
    assert figure_records(general_manager, period, "complaints-open", filters=filters).count() == 1
    assert figure_records(general_manager, period, "merchants-terminated", filters=filters).count() == 1
    assert figure_records(general_manager, period, "rate-requests-pending", filters=filters).count() == 1


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"region": "abc"}, "region", 400),
        ({"region": "-1"}, "region", 400),
        ({"region": "999999"}, "region", 400),
        ({"category": "casino"}, "category", 400),
        ({"segment": "premium"}, "segment", 400),
        ({"recruiter": "1.5"}, "recruiter", 400),
        ({"recruiter": "99999999"}, "recruiter", 400),
    ],
)
def test_it_refuses_a_bad_filter_naming_the_field(client_for, general_manager, params, field, status):
    response = client_for(general_manager).get(URL, {**OCTOBER, **params})

    assert response.status_code == status
    assert list(response.json())[0] == field


def test_the_refusal_is_in_the_readers_language(client_for, general_manager):
    client = client_for(general_manager)
    english = client.get(URL, {"segment": "premium"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(URL, {"segment": "premium"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert english["segment"] == ["“premium” is not one of the choices."]
    assert chinese["segment"] == ["“premium”不是可选项之一。"]


def test_a_recruiter_may_filter_only_themselves(client_for, recruiter, second_recruiter):
    client = client_for(recruiter)

    assert client.get(URL, {"recruiter": recruiter.pk}).status_code == 200
    response = client.get(URL, {"recruiter": second_recruiter.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["recruiter"] == ["You may filter only by yourself."]


def test_a_head_may_filter_only_their_department(client_for, recruitment_head, recruiter, outside_recruiter):
    client = client_for(recruitment_head)

    assert client.get(URL, {"recruiter": recruiter.pk}).status_code == 200
    assert client.get(URL, {"recruiter": recruitment_head.pk}).status_code == 200
    response = client.get(URL, {"recruiter": outside_recruiter.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["recruiter"] == ["You may filter only by the people of your department."]


@pytest.mark.parametrize("role", ["general_manager", "ops_director", "admin_user", "customer_service"])
def test_company_wide_readers_filter_anyone(client_for, request, role, outside_recruiter):
    user = request.getfixturevalue(role)

    assert client_for(user).get(URL, {"recruiter": outside_recruiter.pk}).status_code == 200


def test_a_recruiter_filtering_themselves_sees_no_more_than_their_own(
    client_for, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    body = summary(client_for, recruiter, region=fuyang["taihe"].pk)

    # 太和县's records are the second recruiter's: not in the reader's scope.
    assert body["funnel"]["approved"] == 0
    assert body["complaints"]["open"] == 0


def test_filters_keep_the_number_of_queries(
    client_for, general_manager, recruiter, second_recruiter, customer_service, fuyang, queries
):
    client = client_for(general_manager)
    params = {
        **OCTOBER,
        "region": fuyang["city"].pk,
        "segment": "featured",
        "category": "dining_entertainment",
        "recruiter": recruiter.pk,
    }

    def grow():
        world(recruiter, second_recruiter, customer_service)

    grow()
    client.get(URL, params)  # the calendar's cache warmed
    # The summary's 7 (no complaint closed: no span query), one to check the region and one the recruiter.
    queries.assert_constant(lambda: client.get(URL, params), grow, expected=9)


def test_the_page_shows_the_filters_and_links_the_records_with_them(
    client, general_manager, recruiter, second_recruiter, customer_service, fuyang
):
    world(recruiter, second_recruiter, customer_service)
    client.force_login(general_manager)
    params = {**OCTOBER, "region": fuyang["taihe"].pk}

    response = client.get("/dashboards/", params)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{fuyang["taihe"].pk}" selected>' in html
    assert (
        f"/dashboards/records/funnel-approved/?from=2026-10-01&amp;to=2026-10-31&amp;region={fuyang['taihe'].pk}"
        in html
    )
    records = client.get("/dashboards/records/funnel-approved/", params)
    assert records.status_code == 200
    assert 'data-total="2"' in records.content.decode()


def test_the_page_shows_a_bad_filter(client, recruiter, second_recruiter):
    client.force_login(recruiter)

    bad = client.get("/dashboards/", {"segment": "premium"}, HTTP_ACCEPT_LANGUAGE="en")
    outside = client.get("/dashboards/", {"recruiter": second_recruiter.pk}, HTTP_ACCEPT_LANGUAGE="en")

    assert bad.status_code == 400
    assert 'data-field="segment"' in bad.content.decode()
    assert outside.status_code == 403
    assert "You may filter only by yourself." in outside.content.decode()
