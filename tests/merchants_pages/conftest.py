"""Fixtures of the page tests: applications in each state, made through the merchants
services (the pages' only way in), with valid USCC and resident-ID check characters."""

import datetime as dt
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merchants import checks, services
from merchants.models import Application, ApplicationStatus, DocumentKind
from merchants.samples import pdf_bytes as sample_pdf_bytes
from merchants.services.applications import submit_blockers
from scoring import services as scoring_services


def uscc(first17: str = "91341202MA2N12345") -> str:
    return first17 + checks.uscc_check_character(first17)


def resident_id(first17: str = "34210119800101123") -> str:
    return first17 + checks.ric_check_digit(first17)


def png_bytes() -> bytes:
    """A real 1×1 PNG (the type is detected from the content)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def pdf_bytes() -> bytes:
    return sample_pdf_bytes()


def png_file(name="licence.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_file(name="licence.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


PROFILE = {
    "company_name": "阜阳颍州美食城有限公司",
    "entity_type": "enterprise",
    "category": "life_services",
    "segment": "basic",
    "uscc": uscc(),
    "legal_rep_name": "张三",
    "legal_rep_id_number": resident_id(),
    "district": "颍州区",
    "address": "阜阳市颍州区人民路 1 号",
    "contact_phone": "13800000000",
}

EVALUATION = {
    "brand": 3,
    "decoration": "chain_style",
    "area_sqm": "900",
    "registered_capital": "2000000",
    "staff_count": 85,
    "years_in_business": "5",
    "frequency": "high",
    "large_or_chain": False,
}


@pytest.fixture
def page_client():
    """``page_client(user)``: a browser-like client signed in as ``user`` (or anonymous)."""

    def make(user=None, *, enforce_csrf=False):
        client = Client(enforce_csrf_checks=enforce_csrf)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def make_application(django_capture_on_commit_callbacks):
    """``make_application(user, status=..., **profile)``: an application of ``user`` (a
    merchant) brought to ``status`` through the services. Reviews are done by ``head``."""

    def make(user, *, status=ApplicationStatus.DRAFT, head=None, assignee=None, documents=True, **profile):
        application = services.application_create(user=user, data={**PROFILE, **profile})
        if documents:
            services.document_add(
                application=application,
                user=user,
                kind=DocumentKind.BUSINESS_LICENCE,
                file=png_file(),
                number=application.uscc,
                valid_until=dt.date.today() + dt.timedelta(days=365),
            )
            services.document_add(
                application=application,
                user=user,
                kind=DocumentKind.LEGAL_REP_ID,
                file=pdf_file("id.pdf"),
                number=application.legal_rep_id_number,
                valid_until=dt.date.today() + dt.timedelta(days=3650),
            )
        if status == ApplicationStatus.DRAFT:
            return application
        # A profile the pre-check refuses (an empty address…) can no longer be submitted;
        # one the system check sends back is submitted clean and changed behind the
        # pre-check before the check runs (the check's own rules are what is exercised).
        blocked = {
            finding.field for finding in submit_blockers(application, today=dt.date.today()) if finding.field in PROFILE
        }
        if blocked:
            Application.objects.filter(pk=application.pk).update(**{name: PROFILE[name] for name in blocked})
        with django_capture_on_commit_callbacks(execute=True):
            services.application_submit(application=application, user=user)
            if blocked:
                Application.objects.filter(pk=application.pk).update(**{name: profile[name] for name in blocked})
        application.refresh_from_db()
        if status in (ApplicationStatus.IN_REVIEW, ApplicationStatus.NEEDS_CHANGES) and status == application.status:
            pass
        if assignee is not None:
            services.application_assign(application=application, by=head, assignee=assignee)
        if status in (ApplicationStatus.CONTRACT_SENT, ApplicationStatus.SIGNED):
            scoring_services.evaluation_record(application=application, by=head, data=dict(EVALUATION))
            services.application_approve(application=application, by=head)
        if status == ApplicationStatus.SIGNED:
            services.contract_sign(
                application=application, user=user, signer_name="张三", consent=True, ip_address="127.0.0.1"
            )
        application.refresh_from_db()
        assert application.status == status, (application.status, status)
        return application

    return make


@pytest.fixture
def assigned_application(make_application, merchant_user, recruitment_head, recruiter):
    """In review, assigned by the head to ``recruiter`` (department ``recruitment``)."""
    return make_application(
        merchant_user, status=ApplicationStatus.IN_REVIEW, head=recruitment_head, assignee=recruiter
    )


@pytest.fixture
def outside_application(make_application, other_merchant_user, outside_head, outside_recruiter):
    """In review in the other department."""
    return make_application(
        other_merchant_user,
        status=ApplicationStatus.IN_REVIEW,
        head=outside_head,
        assignee=outside_recruiter,
        company_name="阜阳颍东超市有限公司",
        district="颍东区",
        category="supermarket",
    )
