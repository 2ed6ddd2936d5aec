"""Personal data at rest (issue 13): ID numbers and phones are stored encrypted
(AES-256-GCM, workplace.pii), read back in clear, found by their keyed hash, recorded masked
in the audit trail, and re-encrypted under a new key by rotate_pii_keys."""

import base64

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test import Client

from merchants.models import Application, Document, Merchant
from tests.factories.merchants import VALID_ID_NUMBER, ApplicationFactory, DocumentFactory, MerchantFactory
from workplace import pii
from workplace.models import StaffProfile

pytestmark = pytest.mark.django_db

KEY_1 = base64.b64encode(b"1" * 32).decode()
KEY_2 = base64.b64encode(b"2" * 32).decode()


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names are ours
        return cursor.fetchone()[0]


def test_a_phone_and_an_id_number_are_stored_encrypted_and_read_in_clear(recruiter):
    application = ApplicationFactory(legal_rep_id_number=VALID_ID_NUMBER, contact_phone="0558-2212345")
    raw_id = stored("merchants_application", "legal_rep_id_number", application.pk)
    raw_phone = stored("merchants_application", "contact_phone", application.pk)
    assert raw_id.startswith("a1:") and VALID_ID_NUMBER not in raw_id
    assert raw_phone.startswith("a1:") and "2212345" not in raw_phone
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.legal_rep_id_number, fresh.contact_phone) == (VALID_ID_NUMBER, "0558-2212345")
    assert fresh.legal_rep_id_number_hash == pii.lookup_hash(VALID_ID_NUMBER)


def test_each_write_has_its_own_nonce():
    first, second = MerchantFactory(contact_phone="13800001111"), MerchantFactory(contact_phone="13800001111")
    assert stored("merchants_merchant", "contact_phone", first.pk) != stored(
        "merchants_merchant", "contact_phone", second.pk
    )
    assert first.contact_phone_hash == second.contact_phone_hash != ""


def test_a_ciphertext_copied_into_another_column_does_not_open():
    merchant = MerchantFactory(contact_phone="13800001111")
    application = ApplicationFactory()
    ciphertext = stored("merchants_merchant", "contact_phone", merchant.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE merchants_application SET contact_phone = %s WHERE id = %s", [ciphertext, application.pk]
        )
    with pytest.raises(ValueError, match="does not open"):
        Application.objects.get(pk=application.pk)


def test_the_certificate_number_and_a_staff_phone_are_encrypted_too(recruiter):
    document = DocumentFactory(number=VALID_ID_NUMBER)
    assert VALID_ID_NUMBER not in stored("merchants_document", "number", document.pk)
    assert Document.objects.get(pk=document.pk).number == VALID_ID_NUMBER
    profile = StaffProfile.objects.get(user=recruiter)
    profile.phone = "0558-2299999"
    profile.save()
    assert "2299999" not in stored("workplace_staffprofile", "phone", profile.pk)
    assert StaffProfile.objects.get(pk=profile.pk).phone == "0558-2299999"


def test_an_empty_value_stays_empty_and_filters_as_before():
    merchant = MerchantFactory(contact_phone="")
    assert stored("merchants_merchant", "contact_phone", merchant.pk) == ""
    assert merchant.contact_phone_hash == ""
    assert list(Merchant.objects.filter(contact_phone="")) == [merchant]


def test_rows_written_in_clear_before_are_read_and_then_encrypted_by_the_migration_helper():
    merchant = MerchantFactory(contact_phone="13800001111")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE merchants_merchant SET contact_phone = '0558-2277777', contact_phone_hash = '' WHERE id = %s",
            [merchant.pk],
        )
    assert Merchant.objects.get(pk=merchant.pk).contact_phone == "0558-2277777"
    assert pii.encrypt_existing_rows(Merchant, ["contact_phone"], {"contact_phone": "contact_phone_hash"}) == 1
    assert stored("merchants_merchant", "contact_phone", merchant.pk).startswith("a1:")
    assert Merchant.objects.get(pk=merchant.pk).contact_phone_hash == pii.lookup_hash("05582277777")


def test_keys_rotate_without_losing_a_value(settings):
    settings.PII_KEYS = [KEY_1]
    merchant = MerchantFactory(contact_phone="13800001111")
    old_id = pii.key_id_of(stored("merchants_merchant", "contact_phone", merchant.pk))
    settings.PII_KEYS = [KEY_2, KEY_1]
    assert Merchant.objects.get(pk=merchant.pk).contact_phone == "13800001111"
    call_command("rotate_pii_keys")
    new_id = pii.key_id_of(stored("merchants_merchant", "contact_phone", merchant.pk))
    assert new_id != old_id
    settings.PII_KEYS = [KEY_2]
    assert Merchant.objects.get(pk=merchant.pk).contact_phone == "13800001111"


def test_a_value_under_a_key_no_longer_configured_is_an_error_not_garbage(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PII_KEYS = [KEY_1]
    merchant = MerchantFactory(contact_phone="13800001111")
    settings.PII_KEYS = [KEY_2]
    with pytest.raises(ImproperlyConfigured, match="lacks the key"):
        Merchant.objects.get(pk=merchant.pk)


def test_a_malformed_key_is_refused_at_use(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PII_KEYS = ["not base64 of 32 bytes"]
    with pytest.raises(ImproperlyConfigured):
        MerchantFactory(contact_phone="13800001111")


def test_the_api_finds_a_merchant_by_its_whole_phone_only(client_for, general_manager):
    MerchantFactory(name="甲店", contact_phone="0558-2212345")
    MerchantFactory(name="乙店", contact_phone="0558-2299999")
    api = client_for(general_manager)

    def names(term):
        return [row["name"] for row in api.get("/api/v1/merchants/", {"search": term}).json()["results"]]

    assert names("0558-2212345") == ["甲店"]
    assert names("05582212345") == ["甲店"]
    assert names("2212345") == []  # a fragment finds nothing: the column holds no clear text
    assert names("甲店") == ["甲店"]


def test_the_admin_finds_a_merchant_by_its_whole_phone(admin_user):
    MerchantFactory(name="甲店", contact_phone="0558-2212345")
    MerchantFactory(name="乙店", contact_phone="0558-2299999")
    web = Client()
    web.force_login(admin_user)
    page = web.get("/admin/merchants/merchant/", {"q": "0558 2212345"}).content.decode()
    assert "甲店" in page and "乙店" not in page


def test_the_audit_trail_records_personal_values_masked(recruiter):
    merchant = MerchantFactory(contact_phone="0558-2212345")
    merchant.contact_phone = "0558-2298765"
    merchant.save()
    entry = LogEntry.objects.get_for_object(merchant).filter(action=LogEntry.Action.UPDATE).latest("pk")
    before, after = entry.changes["contact_phone"]
    assert before.endswith("2345") and after.endswith("8765")
    assert "2212345" not in str(entry.changes) and "2298765" not in str(entry.changes)
    assert "a1:" not in str(entry.changes)


def test_the_audit_mask_keeps_four_characters_at_most():
    assert pii.audit_mask("110101199003074514") == "*" * 14 + "4514"
    assert pii.audit_mask("123") == "***"
    assert pii.audit_mask("") == ""


def test_a_value_shaped_like_a_ciphertext_is_encrypted_too_and_reads_back():
    """A user typing "a1:zz:AAAA" as a phone must not plant an unreadable value."""
    merchant = MerchantFactory(contact_phone="a1:zz:AAAA")
    assert stored("merchants_merchant", "contact_phone", merchant.pk) != "a1:zz:AAAA"
    assert Merchant.objects.get(pk=merchant.pk).contact_phone == "a1:zz:AAAA"


def test_a_save_of_only_the_phone_updates_its_lookup_hash(client_for, general_manager):
    merchant = MerchantFactory(name="甲店", contact_phone="0558-2212345")
    merchant.contact_phone = "0558-2299999"
    merchant.save(update_fields=["contact_phone"])
    assert Merchant.objects.get(pk=merchant.pk).contact_phone_hash == pii.lookup_hash("0558-2299999")
    found = client_for(general_manager).get("/api/v1/merchants/", {"search": "0558-2299999"}).json()["results"]
    assert [row["name"] for row in found] == ["甲店"]


def test_the_service_still_limits_an_encrypted_fields_length(merchant_user):
    from merchants.services.applications import _clean_profile
    from workplace.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as error:
        _clean_profile({"contact_phone": "1" * 31}, partial=True)
    assert error.value.field == "contact_phone"
