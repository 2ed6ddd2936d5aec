"""/api/v1/plans/ (API.md "Plans and dashboards"): create and edit a plan with its
targets, phases and quotas; each rule refusing with a 400 that names the field, in the
caller's language; who may write and read; nothing half-saved; the audit trail."""

import pytest
from auditlog.models import LogEntry

from plans.models import Phase, Plan, Quota

from .conftest import EN, ZH

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans/"


@pytest.fixture
def body(fuyang, recruiter, second_recruiter, recruitment_head, ops_director):
    return {
        "name": "阜阳2026招商计划",
        "region": fuyang["city"].pk,
        "period": {"starts_on": "2026-04-20", "ends_on": "2026-12-31"},
        "notes": "SPEC §6",
        "targets": [
            {"segment": "supermarket", "count": 10},
            {"segment": "featured", "count": 20},
            {"segment": "basic", "count": 30},
        ],
        "phases": [
            {
                "name": "第一阶段",
                "period": {"starts_on": "2026-04-20", "ends_on": "2026-05-31"},
                "regions": [fuyang["颍州区"].pk, fuyang["颍东区"].pk, fuyang["颍泉区"].pk],
                "targets": [
                    {"segment": "supermarket", "count": 5},
                    {"segment": "featured", "count": 15},
                    {"segment": "basic", "count": 30},
                ],
            },
            {
                "name": "太和县",
                "period": {"starts_on": "2026-08-01", "ends_on": "2026-12-31"},
                "regions": [fuyang["太和县"].pk],
                "targets": [{"segment": "basic", "category": "life_services", "count": 10}],
            },
        ],
        "quotas": [{"recruiter": recruiter.pk, "count": 10}, {"recruiter": second_recruiter.pk, "count": 12}],
        "class_i_negotiators": [recruitment_head.pk, ops_director.pk],
    }


def create(client, body, **headers):
    return client.post(URL, body, format="json", **{**EN, **headers})


def refused(response, field):
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    return response.json()[field][0]


def test_it_creates_a_plan_with_its_lists(client_for, recruitment_head, body, fuyang):
    response = create(client_for(recruitment_head), body)
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert plan["region"] == fuyang["city"].pk and plan["region_name"] == "阜阳市"
    assert plan["period"] == {"starts_on": "2026-04-20", "ends_on": "2026-12-31"}
    assert [(t["segment"], t["category"], t["count"]) for t in plan["targets"]] == [
        ("supermarket", "", 10),
        ("featured", "", 20),
        ("basic", "", 30),
    ]
    first, taihe = plan["phases"]
    assert [r["name"] for r in first["regions"]] == ["颍州区", "颍东区", "颍泉区"]
    assert taihe["targets"] == [{"segment": "basic", "category": "life_services", "count": 10}]
    assert [(q["username"], q["count"]) for q in plan["quotas"]] == [("recruiter", 10), ("recruiter_b", 12)]
    assert sorted(n["username"] for n in plan["class_i_negotiators"]) == ["director", "head"]
    assert plan["created_by"] == "head"


@pytest.mark.parametrize("role", ["ops_director", "general_manager", "admin_user"])
def test_the_managers_create_plans(client_for, request, role, body):
    assert create(client_for(request.getfixturevalue(role)), body).status_code == 201


@pytest.mark.parametrize("role", ["recruiter", "customer_service", "dept_head"])
def test_other_staff_may_not_create(client_for, request, role, body):
    response = create(client_for(request.getfixturevalue(role)), body)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only a recruitment head, the operations director or the general manager may edit plans."
    )
    assert not Plan.objects.exists()


def test_a_merchant_may_not_create(client_for, merchant_user, body):
    assert create(client_for(merchant_user), body).status_code == 403


def test_a_phase_outside_the_plan_is_refused_naming_it(client_for, recruitment_head, body):
    body["phases"][1]["period"]["ends_on"] = "2027-01-01"
    message = refused(create(client_for(recruitment_head), body), "phases[1].period")
    assert message == "A phase lies inside the plan's period (2026-04-20 to 2026-12-31)."
    assert not Plan.objects.exists() and not Phase.objects.exists()  # nothing half-saved


def test_a_phase_starting_before_the_plan_is_refused(client_for, recruitment_head, body):
    body["phases"][0]["period"]["starts_on"] = "2026-04-19"
    refused(create(client_for(recruitment_head), body), "phases[0].period")


def test_it_answers_in_chinese(client_for, recruitment_head, body):
    body["phases"][1]["period"]["ends_on"] = "2027-01-01"
    message = refused(create(client_for(recruitment_head), body, **ZH), "phases[1].period")
    assert message == "阶段须在计划期间之内（2026-04-20 至 2026-12-31）。"


def test_a_period_ending_before_it_starts_is_refused(client_for, recruitment_head, body):
    body["period"] = {"starts_on": "2026-12-31", "ends_on": "2026-04-20"}
    assert refused(create(client_for(recruitment_head), body), "period") == "The last day is before the first."
    assert refused(create(client_for(recruitment_head), body, **ZH), "period") == "结束日期早于开始日期。"


def test_a_one_day_period_is_accepted(client_for, recruitment_head, body):
    body["period"] = {"starts_on": "2026-05-01", "ends_on": "2026-05-01"}
    body["phases"] = []
    assert create(client_for(recruitment_head), body).status_code == 201


def test_dates_far_off_are_refused(client_for, recruitment_head, body):
    body["period"] = {"starts_on": "0001-01-01", "ends_on": "9999-12-31"}
    assert refused(create(client_for(recruitment_head), body), "period") == "Dates lie between 2000 and 2099."


def test_a_negative_count_is_refused(client_for, recruitment_head, body):
    body["targets"][0]["count"] = -1
    response = create(client_for(recruitment_head), body)
    assert response.status_code == 400
    assert response.json()["targets"] == {"0": {"count": ["Ensure this value is greater than or equal to 0."]}}


def test_a_zero_count_is_accepted(client_for, recruitment_head, body):
    body["targets"][0]["count"] = 0
    assert create(client_for(recruitment_head), body).status_code == 201


def test_two_targets_of_one_segment_and_category_are_refused(client_for, recruitment_head, body):
    body["targets"].append({"segment": "basic", "count": 1})
    assert refused(create(client_for(recruitment_head), body), "targets[3]") == "One target per segment and category."


def test_a_phase_region_outside_the_plans_region_is_refused(client_for, recruitment_head, body, other_city):
    body["phases"][0]["regions"].append(other_city.pk)
    message = refused(create(client_for(recruitment_head), body), "phases[0].regions")
    assert message == "合肥市 is not inside the plan's region."


def test_a_phase_without_regions_is_refused(client_for, recruitment_head, body):
    body["phases"][0]["regions"] = []
    assert refused(create(client_for(recruitment_head), body), "phases[0].regions") == "Choose at least one region."


def test_a_quota_for_someone_not_a_recruiter_is_refused(client_for, recruitment_head, body, customer_service):
    body["quotas"][0]["recruiter"] = customer_service.pk
    assert (
        refused(create(client_for(recruitment_head), body), "quotas[0].recruiter") == "A quota is held by a recruiter."
    )


def test_two_quotas_for_one_recruiter_are_refused(client_for, recruitment_head, body, recruiter):
    body["quotas"].append({"recruiter": recruiter.pk, "count": 3})
    assert refused(create(client_for(recruitment_head), body), "quotas[2].recruiter") == "One quota per recruiter."


def test_a_negotiator_must_be_a_manager(client_for, recruitment_head, body, recruiter):
    body["class_i_negotiators"].append(recruiter.pk)
    message = refused(create(client_for(recruitment_head), body), "class_i_negotiators")
    assert message == "recruiter is not a manager who negotiates class I merchants."


def test_an_unknown_region_is_refused(client_for, recruitment_head, body):
    body["region"] = 999999
    assert create(client_for(recruitment_head), body).json()["region"][0].startswith("Invalid pk")


@pytest.fixture
def created(client_for, recruitment_head, body):
    response = create(client_for(recruitment_head), body)
    assert response.status_code == 201
    return response.json()


def patch(client, plan_id, changes, **headers):
    return client.patch(f"{URL}{plan_id}/", changes, format="json", **{**EN, **headers})


def test_it_edits_a_quota_and_keeps_the_rest(client_for, ops_director, created, recruiter):
    response = patch(client_for(ops_director), created["id"], {"quotas": [{"recruiter": recruiter.pk, "count": 15}]})
    assert response.status_code == 200, response.json()
    assert [(q["username"], q["count"]) for q in response.json()["quotas"]] == [("recruiter", 15)]
    assert len(response.json()["phases"]) == 2 and len(response.json()["targets"]) == 3
    quota = Quota.objects.get(recruiter=recruiter)
    assert quota.pk == created["quotas"][0]["recruiter"] or quota.count == 15
    assert LogEntry.objects.get_for_object(quota).filter(action=LogEntry.Action.UPDATE).exists()


def test_it_edits_a_phase_in_place_by_id(client_for, recruitment_head, created):
    first, taihe = created["phases"]
    changes = {
        "phases": [
            {**_phase_input(first), "name": "第一阶段（延长）", "period": {**first["period"], "ends_on": "2026-06-15"}},
            _phase_input(taihe),
        ]
    }
    response = patch(client_for(recruitment_head), created["id"], changes)
    assert response.status_code == 200, response.json()
    phases = response.json()["phases"]
    assert [p["id"] for p in phases] == [first["id"], taihe["id"]]
    assert phases[0]["name"] == "第一阶段（延长）" and phases[0]["period"]["ends_on"] == "2026-06-15"


def test_a_phase_left_out_is_removed(client_for, recruitment_head, created):
    response = patch(client_for(recruitment_head), created["id"], {"phases": [_phase_input(created["phases"][1])]})
    assert [p["name"] for p in response.json()["phases"]] == ["太和县"]
    assert Phase.objects.count() == 1


def test_a_phase_of_another_plan_is_refused(client_for, recruitment_head, created, body):
    other = create(client_for(recruitment_head), body).json()
    changes = {"phases": [_phase_input(other["phases"][0])]}
    response = patch(client_for(recruitment_head), created["id"], changes)
    assert refused(response, "phases[0].id") == "This plan has no such phase."


def test_a_shorter_period_must_still_hold_the_phases(client_for, recruitment_head, created):
    response = patch(client_for(recruitment_head), created["id"], {"period": {"ends_on": "2026-11-30"}})
    assert refused(response, "period") == "The phase “太和县” would lie outside the plan's period."
    assert Plan.objects.get().ends_on.isoformat() == "2026-12-31"


def test_a_narrower_region_must_still_hold_the_phases(client_for, recruitment_head, created, fuyang):
    response = patch(client_for(recruitment_head), created["id"], {"region": fuyang["太和县"].pk})
    assert refused(response, "region") == "The phase “第一阶段” covers 颍州区, outside this region."


def test_a_recruiter_may_not_edit(client_for, recruiter, created):
    assert patch(client_for(recruiter), created["id"], {"name": "x"}).status_code == 403


def test_put_replaces_the_fields(client_for, recruitment_head, created, body):
    body["name"] = "阜阳计划（修订）"
    del body["phases"]
    response = client_for(recruitment_head).put(f"{URL}{created['id']}/", body, format="json", **EN)
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "阜阳计划（修订）" and len(response.json()["phases"]) == 2


def test_staff_read_plans(client_for, recruiter, customer_service, created):
    for user in (recruiter, customer_service):
        listed = client_for(user).get(URL).json()
        assert [p["id"] for p in listed["results"]] == [created["id"]]
        assert client_for(user).get(f"{URL}{created['id']}/").json()["phases"] == created["phases"]


def test_reading_takes_a_fixed_number_of_queries(client_for, general_manager, created, body, queries):
    client = client_for(general_manager)

    def read():
        general_manager.__dict__.pop("_role_slugs", None)
        assert client.get(f"{URL}{created['id']}/").status_code == 200
        assert client.get(URL).status_code == 200

    def grow():
        Plan.objects.get(pk=created["id"]).phases.create(
            name="补充", starts_on="2026-09-01", ends_on="2026-09-30"
        ).targets.create(segment="basic", count=1)
        create(client_for(general_manager), body)

    queries.assert_constant(read, grow, expected=10)


def test_the_regions_are_listed(client_for, recruiter, fuyang):
    rows = client_for(recruiter).get("/api/v1/regions/").json()["results"]
    assert [(r["name"], r["kind"]) for r in rows][:2] == [("阜阳市", "city"), ("颍州区", "district")]
    assert rows[1]["parent"] == fuyang["city"].pk


def _phase_input(phase):
    return {
        "id": phase["id"],
        "name": phase["name"],
        "period": phase["period"],
        "regions": [r["region"] for r in phase["regions"]],
        "targets": phase["targets"],
    }
