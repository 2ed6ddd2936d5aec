"""Factories of the merchants app, with valid identifiers (check characters computed)."""

import datetime as dt

import factory
from django.core.files.base import ContentFile

from merchants.checks import complete_ric, complete_uscc
from merchants.models import (
    Application,
    ApplicationStatus,
    Category,
    Document,
    DocumentKind,
    EntityType,
    Merchant,
    Segment,
    Terminal,
)
from merchants.samples import pdf_bytes, png_bytes

# Valid codes: a company registered in Yingzhou district (341202), a letter-first
# organisation code (Y: an organisation registered by another authority), a resident ID
# with a region code python-stdnum knows for the birth year, one it does not.
VALID_USCC = complete_uscc("91341202MA2N0K3X7")
LETTER_FIRST_USCC = complete_uscc("Y1341200MA2N0K3X8")
VALID_ID_NUMBER = complete_ric("11010519850312123")

# A complete, valid profile as the applications API takes it (POST /api/v1/applications/).
APPLICATION_PROFILE = {
    "company_name": "阜阳颍州美味餐饮有限公司",
    "entity_type": "enterprise",
    "category": "dining_entertainment",
    "segment": "featured",
    "uscc": VALID_USCC,
    "legal_rep_name": "徐明",
    "legal_rep_id_number": VALID_ID_NUMBER,
    "address": "人民路18号",
    "district": "颍州区",
    "contact_phone": "0558-2212345",
}
UNVERIFIED_REGION_ID_NUMBER = complete_ric("34120219800101123")


def uscc_for(n: int) -> str:
    return complete_uscc(f"91341202MA{n:07d}"[:17])


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"阜阳测试商户{n}号")
    entity_type = EntityType.ENTERPRISE
    category = Category.LIFE_SERVICES
    segment = Segment.BASIC
    uscc = factory.Sequence(uscc_for)
    district = "颍州区"
    address = factory.Sequence(lambda n: f"颍州区人民路{n}号")
    contact_phone = "0558-2212345"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application with a complete, valid profile (documents are separate)."""

    class Meta:
        model = Application

    merchant = factory.SubFactory(MerchantFactory)
    status = ApplicationStatus.DRAFT
    company_name = factory.LazyAttribute(lambda application: application.merchant.name)
    entity_type = factory.LazyAttribute(lambda application: application.merchant.entity_type)
    category = factory.LazyAttribute(lambda application: application.merchant.category)
    segment = factory.LazyAttribute(lambda application: application.merchant.segment)
    uscc = factory.LazyAttribute(lambda application: application.merchant.uscc)
    legal_rep_name = "徐明"
    legal_rep_id_number = VALID_ID_NUMBER
    address = factory.LazyAttribute(lambda application: application.merchant.address)
    district = factory.LazyAttribute(lambda application: application.merchant.district)
    contact_phone = "0558-2212345"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored certificate: a real small PNG (or PDF with ``pdf=True``)."""

    class Meta:
        model = Document

    class Params:
        pdf = False

    application = factory.SubFactory(ApplicationFactory)
    kind = DocumentKind.BUSINESS_LICENCE
    number = factory.Sequence(lambda n: f"NO{n:08d}")
    valid_until = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=365 * 3))
    file = factory.LazyAttribute(
        lambda document: ContentFile(
            pdf_bytes() if document.pdf else png_bytes(), name="cert.pdf" if document.pdf else "cert.png"
        )
    )
    content_type = factory.LazyAttribute(lambda document: "application/pdf" if document.pdf else "image/png")
    size = factory.LazyAttribute(lambda document: len(pdf_bytes() if document.pdf else png_bytes()))


def complete_documents(application, *, valid_until=None):
    """The documents an application of its entity type needs (three-in-one licence)."""
    kinds = (
        [DocumentKind.ORG_REGISTRATION, DocumentKind.LEGAL_REP_ID]
        if application.entity_type == EntityType.NON_ENTERPRISE
        else [DocumentKind.BUSINESS_LICENCE, DocumentKind.LEGAL_REP_ID]
    )
    extra = {"valid_until": valid_until} if valid_until else {}
    return [DocumentFactory(application=application, kind=kind, **extra) for kind in kinds]


class TerminalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Terminal

    merchant = factory.SubFactory(MerchantFactory)
    serial = factory.Sequence(lambda n: f"POS{n:08d}")
    installed_on = dt.date(2026, 3, 15)
