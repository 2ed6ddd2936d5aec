"""The contract: rendering on approval, online signing."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from workplace.calendar import SHANGHAI
from workplace.exceptions import ApplicationError
from workplace.notifications import notify

from .. import extensions
from ..models import (
    Application,
    ApplicationStatus,
    Category,
    Contract,
    EntityType,
    MerchantStatus,
)
from .applications import _sync_merchant_profile
from .lifecycle import merchant_transition
from .uploads import files_removed_on_failure
from .workflow import application_transition, lock_and_check, review_assignees, review_url

logger = logging.getLogger(__name__)


# --- the contract ------------------------------------------------------------------


def contract_number(application: Application, moment: dt.datetime) -> str:
    return f"ZS-{moment.astimezone(SHANGHAI):%Y%m%d}-{application.pk:06d}"


def _contract_context(contract: Contract, application: Application, signature: dict | None = None) -> dict:
    return {
        "contract": contract,
        "application": application,
        "merchant": application.merchant,
        "terms": contract.terms,
        "signature": signature,
        "category_label": Category(application.category).label,
        "entity_type_label": EntityType(application.entity_type).label,
    }


def contract_render(*, application: Application) -> Contract:
    """Render the contract PDF with the merchant's data and agreed rates (on approval)."""
    from workplace.pdf import render_pdf

    now = timezone.now()
    contract = Contract(
        application=application,
        merchant=application.merchant,
        number=contract_number(application, now),
        # The agreed rates (commissions) and the star class (scoring), from the providers
        # registered in ``merchants.extensions``: a missing one is an error, never a
        # contract printed without its rates.
        terms={
            **extensions.collect_contract_terms(application.merchant, now),
            "issued_on": now.astimezone(SHANGHAI).date().isoformat(),
        },
        rendered_at=now,
    )
    pdf = render_pdf("merchants/pdf/contract.html", _contract_context(contract, application))
    contract.rendered_sha256 = hashlib.sha256(pdf).hexdigest()
    with files_removed_on_failure() as written:
        contract.rendered_pdf.save(f"{contract.number}.pdf", ContentFile(pdf), save=False)
        written.append(contract.rendered_pdf)
        contract.save()
    return contract


@transaction.atomic
def contract_sign(*, application: Application, user, signer_name: str, consent, ip_address: str | None) -> Contract:
    """The merchant signs online: typed name + consent; time and IP kept; the signed PDF
    (contract + signature block) is stored with its SHA-256. The merchant becomes active
    and is attributed to its recruiter, with its star class at this moment."""
    from workplace.pdf import render_pdf

    lock_and_check(application=application, user=user, action="sign")
    signer_name = (signer_name or "").strip() if isinstance(signer_name, str) else ""
    if not signer_name:
        raise ApplicationError(_("Type your full name to sign."), field="signer_name", code="required")
    if len(signer_name) > 100:
        raise ApplicationError(
            _("At most %(count)d characters.") % {"count": 100}, field="signer_name", code="max_length"
        )
    if consent is not True:
        raise ApplicationError(_("You must agree to the contract to sign it."), field="consent", code="required")
    contract = Contract.objects.select_for_update().get(application=application)
    now = timezone.now()
    signature = {
        "signer_name": signer_name,
        "signed_at": now.astimezone(SHANGHAI),
        "ip_address": ip_address or "",
        "contract_sha256": contract.rendered_sha256,
    }
    pdf = render_pdf("merchants/pdf/contract.html", _contract_context(contract, application, signature))
    contract.signed_sha256 = hashlib.sha256(pdf).hexdigest()
    with files_removed_on_failure() as written:
        contract.signed_pdf.save(f"{contract.number}-signed.pdf", ContentFile(pdf), save=False)
        written.append(contract.signed_pdf)
        _contract_signed(
            application=application,
            contract=contract,
            user=user,
            signer_name=signer_name,
            now=now,
            ip_address=ip_address,
        )
    return contract


def _contract_signed(*, application: Application, contract: Contract, user, signer_name: str, now, ip_address):
    """What signing records once the signed PDF is stored."""
    contract.signer_name = signer_name
    contract.consent = True
    contract.signed_at = now
    contract.signer_ip = ip_address or None
    contract.signed_by = user
    contract.save(
        update_fields=["signed_pdf", "signed_sha256", "signer_name", "consent", "signed_at", "signer_ip", "signed_by"]
    )
    application_transition(application=application, to_status=ApplicationStatus.SIGNED, by=user)
    _sync_merchant_profile(application)
    merchant = application.merchant
    extensions.signing_fields.require()
    signed = {}
    for provider in extensions.signing_fields:  # the star class at this moment (scoring)
        signed.update(provider(merchant, now))
    merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.ACTIVE,
        by=user,
        reason=gettext_noop("Contract signed."),
        fields={**signed, "signed_at": now, "signing_recruiter": merchant.recruiter},
    )
    for recipient in review_assignees(application):
        notify(
            recipient,
            kind="contract_signed",
            title=lambda: _("Contract signed: %(name)s") % {"name": merchant.name},
            url=review_url(application),
        )
