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
