import pytest

from tests.factories.commissions import make_merchant, make_request


@pytest.fixture
def dining_merchant(recruiter):
    return make_merchant(recruiter, name="老街火锅")


@pytest.fixture
def request_for(recruiter):
    """``request_for(rate, **kw)``: a request by the recruiter for a new dining merchant."""

    def make(rate="5.00", **kwargs):
        return make_request(recruiter, rate, **kwargs)

    return make


def ensure_default_rules():
    """Transactional tests flush the database, migrated rows included: put SPEC.md §3's
    defaults back (idempotent)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("commissions.migrations.0002_default_standards_and_bands")
    migration.create_defaults(apps, None)


@pytest.fixture
def default_rules(db):
    ensure_default_rules()
