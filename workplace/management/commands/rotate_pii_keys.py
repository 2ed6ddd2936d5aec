from django.apps import apps
from django.core.management.base import BaseCommand

from workplace.pii import EncryptedCharField, HashField, encrypt_existing_rows, keyring


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted personal field under the first key of PII_KEYS and refill "
        "the lookup hashes; afterwards older keys may be removed from PII_KEYS."
    )

    def handle(self, *args, **options):
        current = keyring()[0][0]
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
            if not fields:
                continue
            hashes = {
                f.source: f.name for f in model._meta.concrete_fields if isinstance(f, HashField) and f.source in fields
            }
            # Each value is read in clear (decrypted with whichever key sealed it) and written
            # back encrypted with the first key.
            written = encrypt_existing_rows(model, fields, hashes)
            self.stdout.write(f"{model._meta.label}: {written} rows under key {current}")
        self.stdout.write("done; keys other than the first may now be removed from PII_KEYS")
