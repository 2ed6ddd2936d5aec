"""No request commits a write and then answers an error (issue 7 §2).

Every action endpoint of the API and every action page, posted by every role (and by a
recruitment head and a recruiter who have no department) with input the action accepts:
the answer is 2xx with the record in the body — or, for a page, a redirect that the same
user can follow (the record is still theirs to see) — or a 4xx with nothing written at all.
Never a 5xx, and never a 404 after the write (re-reading the result through a scope that
the action itself changed).

"Nothing written" is checked on the database itself: a digest of every table of our apps
(and the auth tables) before and after the request.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from rest_framework.test import APIClient

from merchants.models import Application, ApplicationStatus, Category, Merchant
from merchants.samples import png_bytes
from scoring import services as scoring_services
from tests.api_fuzz.conftest import build_world, make_users
from tests.factories.merchants import ApplicationFactory, complete_documents
from tests.factories.scoring import WORKED_EXAMPLE
from tests.factories.workplace import make_user

_OUR_APPS = ("workplace", "merchants", "scoring", "commissions", "complaints", "compensation", "auth")


def _tables() -> list[str]:
    names = []
    for app_label in _OUR_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        names += [model._meta.db_table for model in config.get_models() if model._meta.managed]
    return sorted(set(names))


def database_digest() -> dict[str, str]:
    """Each table's rows as one md5 (PostgreSQL), to tell whether anything was written."""
    digest = {}
    with connection.cursor() as cursor:
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quoted} t")
            digest[table] = cursor.fetchone()[0]
    return digest


def _changed(before, after) -> list[str]:
    return [table for table in before if before[table] != after[table]]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The API fuzz suite's world (applications in every state, rate requests, complaints
    in every step), plus a head and a recruiter without a department and an application
    nobody has been assigned yet; built once, rolled back at the end of the module."""
    import tests.conftest as top

    media = tmp_path_factory.mktemp("action-writes-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        if top._database_flushed:
            top._replay_data_migrations()
        users = make_users()
        users["head_nowhere"] = make_user("recruitment_head", username="head_nowhere", manager=users["ops_director"])
        users["recruiter_nowhere"] = make_user("recruiter", username="recruiter_nowhere", manager=users["head_nowhere"])
        with TestCase.captureOnCommitCallbacks(execute=True):
            ids = build_world(users)
            pool = ApplicationFactory(
                merchant__user=users["other_merchant_user"], merchant__category=Category.LIFE_SERVICES
            )
            complete_documents(pool)
            from merchants import services

            services.application_submit(application=pool, user=users["other_merchant_user"])
            services.application_run_system_check(application_id=pool.pk)
            # The application in site_visit gets its star evaluation: it can be approved.
            visited = Application.objects.get(pk=_application(ids, ApplicationStatus.SITE_VISIT))
            scoring_services.evaluation_record(
                application=visited, by=users["recruiter"], data={**WORKED_EXAMPLE, "category": visited.category}
            )
        pool.refresh_from_db()
        assert pool.status == ApplicationStatus.IN_REVIEW and pool.assignee_id is None
        ids["pool"] = pool.pk
        ids["pool_merchant"] = pool.merchant_id
        ids["signed_merchant"] = Merchant.objects.get(
            pk=Application.objects.get(pk=ids["applications"][5]).merchant_id
        ).pk
        yield {"ids": ids, "users": users, "media": media}
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _world_media(settings, world):
    settings.MEDIA_ROOT = world["media"]


ROLES = (
    "merchant_user",
    "other_merchant_user",
    "recruiter",
    "second_recruiter",
    "outside_recruiter",
    "recruitment_head",
    "outside_head",
    "head_nowhere",
    "recruiter_nowhere",
    "ops_director",
    "general_manager",
    "customer_service",
    "dept_head",
    "admin_user",
)


def _application(ids, status):
    return Application.objects.filter(pk__in=ids["applications"], status=status).order_by("pk").first().pk


def _complaint(ids, status, level=None):
    from complaints.models import Complaint

    queryset = Complaint.objects.filter(pk__in=ids["complaints"], status=status, merchant__user__isnull=False)
    if level is not None:
        queryset = queryset.filter(dispute_level=level)
    return queryset.order_by("pk").first().pk


def _rate_request(ids):
    """A pending rate request waiting on the recruitment head of the department."""
    from commissions.models import RateRequest

    return (
        RateRequest.objects.filter(pk__in=ids["rate_requests"], status="pending", current_step__role="recruitment_head")
        .order_by("pk")
        .first()
        .pk
    )


def _png():
    return SimpleUploadedFile("shop.png", png_bytes(), content_type="image/png")


def _user(users, name):
    return users[name].pk


# (label, method, path(ids), body(users), format): input each action accepts from someone.
IN_REVIEW, CONTRACT_SENT, DRAFT = ApplicationStatus.IN_REVIEW, ApplicationStatus.CONTRACT_SENT, ApplicationStatus.DRAFT
API_ACTIONS = [
    ("assign the pool to recruiter_b", "post", lambda i: f"/api/v1/applications/{i['pool']}/assign/",
     lambda u: {"recruiter": _user(u, "second_recruiter")}, "json"),
    ("assign the pool to a recruiter without department", "post",
     lambda i: f"/api/v1/applications/{i['pool']}/assign/", lambda u: {"recruiter": _user(u, "recruiter_nowhere")},
     "json"),
    ("assign the pool to an outside recruiter", "post", lambda i: f"/api/v1/applications/{i['pool']}/assign/",
     lambda u: {"recruiter": _user(u, "outside_recruiter")}, "json"),
    ("assign an assigned one to recruiter_b", "post",
     lambda i: f"/api/v1/applications/{_application(i, IN_REVIEW)}/assign/",
     lambda u: {"recruiter": _user(u, "second_recruiter")}, "json"),
    ("site visit", "post", lambda i: f"/api/v1/applications/{_application(i, IN_REVIEW)}/site-visit/",
     lambda u: {"visited_on": dt.date.today().isoformat(), "notes": "门店整洁"}, "json"),
    ("request changes", "post", lambda i: f"/api/v1/applications/{_application(i, IN_REVIEW)}/request-changes/",
     lambda u: {"reason": "请补充"}, "json"),
    ("reject", "post", lambda i: f"/api/v1/applications/{_application(i, IN_REVIEW)}/reject/",
     lambda u: {"reason": "不符合"}, "json"),
    ("approve", "post", lambda i: f"/api/v1/applications/{_application(i, ApplicationStatus.SITE_VISIT)}/approve/",
     lambda u: {}, "json"),
    ("withdraw", "post", lambda i: f"/api/v1/applications/{_application(i, IN_REVIEW)}/withdraw/",
     lambda u: {"reason": "不做了"}, "json"),
    ("submit", "post", lambda i: f"/api/v1/applications/{_application(i, DRAFT)}/submit/", lambda u: {}, "json"),
    ("edit", "patch", lambda i: f"/api/v1/applications/{_application(i, DRAFT)}/",
     lambda u: {"address": "颍州区人民路 9 号"}, "json"),
    ("upload", "post", lambda i: f"/api/v1/applications/{_application(i, DRAFT)}/documents/",
     lambda u: {"kind": "tax_registration", "file": _png()}, "multipart"),
    ("sign", "post", lambda i: f"/api/v1/applications/{_application(i, CONTRACT_SENT)}/sign/",
     lambda u: {"signer_name": "徐明", "consent": True}, "json"),
    ("record an evaluation", "post", lambda i: f"/api/v1/applications/{_application(i, IN_REVIEW)}/evaluation/",
     lambda u: {**WORKED_EXAMPLE}, "json"),
    ("add a terminal", "post", lambda i: "/api/v1/terminals/",
     lambda u: {"merchant": None, "serial": "POS-NEW-0001", "installed_on": dt.date.today().isoformat()}, "json"),
    ("request a rate for the signed merchant", "post", lambda i: "/api/v1/rate-requests/",
     lambda u: {"merchant": None, "kind": "prepaid", "prepaid_rate": "5.00", "reason": "长期合作"}, "json"),
    ("request a rate for a prospect nobody owns", "post", lambda i: "/api/v1/rate-requests/",
     lambda u: {"merchant": "pool_merchant", "kind": "prepaid", "prepaid_rate": "5.00", "reason": "长期合作"},
     "json"),
    ("file a complaint", "post", lambda i: "/api/v1/complaints/",
     lambda u: {"merchant": None, "type": "other", "description": "服务态度差"}, "json"),
    ("remove a terminal", "post", lambda i: f"/api/v1/terminals/{i['terminals'][0]}/remove/",
     lambda u: {"removed_on": dt.date.today().isoformat()}, "json"),
    ("approve a rate request", "post", lambda i: f"/api/v1/rate-requests/{_rate_request(i)}/approve/",
     lambda u: {"comment": "同意"}, "json"),
    ("reject a rate request", "post", lambda i: f"/api/v1/rate-requests/{_rate_request(i)}/reject/",
     lambda u: {"reason": "过低"}, "json"),
    ("investigate a complaint", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'received')}/investigate/",
     lambda u: {"valid": False, "findings": "查无此事"}, "json"),
    ("propose a solution", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'awaiting_solution', 1)}/solution/",
     lambda u: {"solution": "退换"}, "json"),
    ("record the opinion", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'awaiting_opinion')}/opinion/",
     lambda u: {"accepted": True}, "json"),
    ("mark implemented", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'implementing')}/implemented/",
     lambda u: {"notes": "已退换"}, "json"),
    ("record a follow-up visit", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'follow_up')}/visits/",
     lambda u: {"visited_on": dt.date.today().isoformat(), "satisfaction": "satisfied"}, "json"),
    ("close", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'follow_up')}/close/", lambda u: {}, "json"),
    ("escalate", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'awaiting_solution', 1)}/escalate/",
     lambda u: {"reason": "不满意"}, "json"),
    ("arbitration decision", "post",
     lambda i: f"/api/v1/complaints/{_complaint(i, 'awaiting_solution', 2)}/arbitration/decision/",
     lambda u: {"panel": ["director", "gm"], "decision": "商户胜诉"}, "json"),
    ("attach a file", "post", lambda i: f"/api/v1/complaints/{_complaint(i, 'received')}/attachments/",
     lambda u: {"file": _png()}, "multipart"),
]  # fmt: skip


def _api_client(user):
    client = APIClient()
    client.raise_request_exception = False
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label, method, path, body, fmt", API_ACTIONS, ids=[a[0] for a in API_ACTIONS])
def test_an_api_action_answers_its_result_or_writes_nothing(world, db, role, label, method, path, body, fmt):
    user = world["users"][role]
    with transaction.atomic():
        before = database_digest()
        data = body(world["users"])
        if "merchant" in data:  # the signed merchant unless another is named
            data["merchant"] = world["ids"][data["merchant"] or "signed_merchant"]
        response = getattr(_api_client(user), method)(path(world["ids"]), data, format=fmt)
        after = database_digest()
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{label} as {role}: {response.status_code} {response.content[:300]!r}"
    if response.status_code < 300:
        assert response.json().get("id"), f"{label} as {role}: {response.status_code} without the record"
    else:
        assert response.json(), f"{label} as {role}: {response.status_code} without saying why"
        assert not _changed(before, after), (
            f"{label} as {role}: answered {response.status_code} {response.json()} "
            f"but wrote to {_changed(before, after)}"
        )


# Pages: (label, path(ids), data(users)). A success redirects to a page the user can open.
PAGE_ACTIONS = [
    ("assign the pool to a recruiter without department",
     lambda i: f"/portal/review/{i['pool']}/assign/", lambda u: {"assign-recruiter": _user(u, "recruiter_nowhere")}),
    ("assign the pool to recruiter_b",
     lambda i: f"/portal/review/{i['pool']}/assign/", lambda u: {"assign-recruiter": _user(u, "second_recruiter")}),
    ("assign the pool to an outside recruiter",
     lambda i: f"/portal/review/{i['pool']}/assign/", lambda u: {"assign-recruiter": _user(u, "outside_recruiter")}),
    ("request changes", lambda i: f"/portal/review/{_application(i, IN_REVIEW)}/request-changes/",
     lambda u: {"changes-reason": "请补充"}),
    ("reject", lambda i: f"/portal/review/{_application(i, IN_REVIEW)}/reject/",
     lambda u: {"reject-reason": "不符合"}),
    ("approve", lambda i: f"/portal/review/{_application(i, ApplicationStatus.SITE_VISIT)}/approve/",
     lambda u: {}),
    ("site visit", lambda i: f"/portal/review/{_application(i, IN_REVIEW)}/site-visit/",
     lambda u: {"visit-visited_on": dt.date.today().isoformat(), "visit-notes": "门店整洁"}),
    ("decide a rate request", lambda i: f"/commissions/queue/{_rate_request(i)}/decide/",
     lambda u: {"decision": "approve", "comment": "同意"}),
    ("investigate a complaint", lambda i: f"/complaints/{_complaint(i, 'received')}/investigate/",
     lambda u: {"valid": "no", "findings": "查无此事"}),
    ("propose a solution", lambda i: f"/complaints/{_complaint(i, 'awaiting_solution', 1)}/solution/",
     lambda u: {"solution": "退换"}),
    ("mark implemented", lambda i: f"/complaints/{_complaint(i, 'implementing')}/implemented/",
     lambda u: {"notes": "已退换"}),
    ("close", lambda i: f"/complaints/{_complaint(i, 'follow_up')}/close/", lambda u: {}),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label, path, data", PAGE_ACTIONS, ids=[a[0] for a in PAGE_ACTIONS])
def test_an_action_page_shows_its_result_or_writes_nothing(world, db, role, label, path, data):
    from django.urls import resolve

    url = path(world["ids"])
    resolve(url)  # the route exists as written here
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])
    with transaction.atomic():
        before = database_digest()
        response = client.post(url, data(world["users"]))
        after = database_digest()
        followed = client.get(response["Location"]) if response.status_code in (301, 302, 303) else None
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{label} as {role}: {response.status_code}"
    if followed is not None:
        assert followed.status_code == 200, f"{label} as {role}: the result page answers {followed.status_code}"
    elif response.status_code >= 400:
        assert response.content, f"{label} as {role}: {response.status_code} without a page"
        # The session (login, messages) is the only thing a refused page may touch.
        changed = [table for table in _changed(before, after) if table != "django_session"]
        assert not changed, f"{label} as {role}: answered {response.status_code} but wrote to {changed}"
    else:
        pytest.fail(f"{label} as {role}: {response.status_code} is neither a result nor a refusal")


def test_the_world_has_what_the_actions_need(world):
    ids = world["ids"]
    assert Merchant.objects.filter(pk=Application.objects.get(pk=ids["pool"]).merchant_id, recruiter=None).exists()
    for status in (IN_REVIEW, CONTRACT_SENT, DRAFT, ApplicationStatus.SITE_VISIT):
        assert _application(ids, status)
