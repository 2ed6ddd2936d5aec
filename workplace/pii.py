"""Personal data encrypted at rest, with key rotation and a keyed hash for lookups.

**Cipher: AES-256-GCM** (``cryptography``, the Python Cryptographic Authority's library).
Seed 000 asks for AES-256; seed 001 names SM4. We use AES-256-GCM because it is what the
seed asks, it is authenticated (a changed or swapped ciphertext fails to open instead of
decrypting to garbage), and every database tool, HSM and cloud KMS our customers run speaks
it. SM4 (GB/T 32907) is the cipher a 商用密码应用安全性评估 (密评) of a critical system
requires; the stored form carries its algorithm (``a1`` below), so an SM4-GCM variant can
be added beside it and rows re-encrypted by ``rotate_pii_keys`` without a schema change.

Stored form: ``a1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``; the associated data is the
column (``app.model.field``), so a value copied into another column does not open.

**Keys**: ``PII_KEYS`` (settings, from the environment): base64 32-byte keys, the first one
encrypts, all of them decrypt (rotation: put a new key first, run ``rotate_pii_keys``, then
drop the old one). Without any, a key is derived from ``SECRET_KEY`` (HKDF), so a fresh
install works; a deployment sets its own.

**Lookups**: a value's keyed hash (HMAC-SHA256 under ``PII_HASH_KEY``, itself derived when
unset) is kept in a sibling column (``<field>_hash``) for equality lookups and uniqueness;
the hash key does not rotate with the encryption keys (rotating it means re-hashing).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

ALGORITHM = "a1"  # AES-256-GCM, 96-bit random nonce


def _derive(purpose: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"zhaoshang-pii", info=purpose.encode()).derive(
        settings.SECRET_KEY.encode()
    )


def _decode_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as error:
        raise ImproperlyConfigured("PII_KEYS: each key must be base64 of 32 bytes") from error
    if len(key) != 32:
        raise ImproperlyConfigured("PII_KEYS: each key must be base64 of 32 bytes (AES-256)")
    return key


@lru_cache(maxsize=8)
def _keyring(configured: tuple[str, ...], secret: str) -> tuple[tuple[str, bytes], ...]:
    keys = [_decode_key(text) for text in configured if text] or [_derive("encryption")]
    return tuple((hashlib.sha256(key).hexdigest()[:8], key) for key in keys)


def keyring() -> tuple[tuple[str, bytes], ...]:
    """(key id, key) pairs; the first encrypts."""
    return _keyring(tuple(getattr(settings, "PII_KEYS", ()) or ()), settings.SECRET_KEY)


def _hash_key() -> bytes:
    configured = getattr(settings, "PII_HASH_KEY", "")
    return _decode_key(configured) if configured else _derive("lookup-hash")


def encrypt(value: str, *, column: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key_id, key = keyring()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, value.encode(), column.encode())
    return f"{ALGORITHM}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def is_encrypted(stored: str) -> bool:
    return stored.startswith(f"{ALGORITHM}:") and stored.count(":") >= 2


def key_id_of(stored: str) -> str | None:
    return stored.split(":", 2)[1] if is_encrypted(stored) else None


def decrypt(stored: str, *, column: str) -> str:
    """The plain value; a value stored before encryption (no prefix) is returned as it is."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not is_encrypted(stored):
        return stored
    _algorithm, key_id, payload = stored.split(":", 2)
    keys = dict(keyring())
    if key_id not in keys:
        raise ImproperlyConfigured(f"PII_KEYS lacks the key {key_id} a stored value was encrypted with")
    raw = base64.b64decode(payload)
    try:
        return AESGCM(keys[key_id]).decrypt(raw[:12], raw[12:], column.encode()).decode()
    except InvalidTag as error:
        raise ValueError(f"an encrypted value of {column} does not open: changed or moved") from error


def lookup_hash(value: str) -> str:
    """The keyed hash of a normalised value (case, spaces and hyphens ignored), for lookups."""
    normal = "".join((value or "").split()).replace("-", "").upper()
    return hmac.new(_hash_key(), normal.encode(), hashlib.sha256).hexdigest() if normal else ""


class EncryptedCharField(models.TextField):
    """A short personal text (an ID number, a phone number) stored encrypted.

    In Python it is a plain ``str``; in the database a ``text`` column holding the
    ``a1:…`` form. ``max_length`` bounds the plain value (forms, validation). Only
    ``isnull`` and comparisons with "" make sense in queries: look values up by the
    ``<field>_hash`` sibling (``HashField``) instead.
    """

    def __init__(self, *args, max_length=None, **kwargs):
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length is not None:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    @property
    def column_label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value, column=self.column_label)

    def get_prep_value(self, value):
        # Always encrypted, even a value that looks like a sealed one ("a1:…" typed by a
        # user): only what this field reads from the database is ever ciphertext.
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, column=self.column_label)

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"form_class": forms.CharField, "max_length": self.plain_max_length, **kwargs})


class HashedFieldsMixin:
    """For a model with ``HashField``s: a save limited to ``update_fields`` that names a
    hashed source also writes its hash, so a lookup never finds the old value."""

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = [
                field.name
                for field in self._meta.concrete_fields
                if isinstance(field, HashField) and field.source in update_fields and field.name not in update_fields
            ]
            if extra:
                kwargs["update_fields"] = [*update_fields, *extra]
        return super().save(*args, **kwargs)


class HashField(models.CharField):
    """The keyed hash of another field's value (``source``), kept in step on every save."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = lookup_hash(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def encrypt_existing_rows(model, fields: list[str], hashes: dict[str, str] | None = None, batch: int = 500) -> int:
    """For a data migration and key rotation: rewrite each row of ``model`` so its
    ``fields`` are encrypted under the first key (a value read in clear, or under an older
    key, is written back sealed anew) and fill the hash columns (``{field: hash field}``).
    Batch by batch, each locked (``select_for_update``) so an edit made meanwhile is
    neither lost nor overwritten; the number of rows written."""
    from django.db import transaction

    hashes = hashes or {}
    manager = model._base_manager
    written, last = 0, None
    while True:
        with transaction.atomic():
            rows = manager.select_for_update().only("pk", *fields).order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            rows = list(rows[:batch])
            if not rows:
                return written
            for row in rows:
                for source, target in hashes.items():
                    setattr(row, target, lookup_hash(getattr(row, source) or ""))
            manager.bulk_update(rows, [*fields, *hashes.values()])
            written += len(rows)
            last = rows[-1].pk


def audit_mask(value: str) -> str:
    """How the audit trail records a personal value that changed: its last four
    characters only (django-auditlog's ``AUDITLOG_MASK_CALLABLE``)."""
    value = value or ""
    if value in ("", "None"):
        return value
    return "*" * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else "*" * len(value)
