import datetime as dt

import pytest
import time_machine

from merchants.models import MerchantClass
from tests.factories.settlement import signed_merchant
from tests.factories.workplace import make_user

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _frozen_time():
    # 2026-09-20 18:00 in Shanghai, ten days before the National Day holiday.
    with time_machine.travel(dt.datetime(2026, 9, 20, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def finance(db):
    return make_user("finance", username="finance")


@pytest.fixture
def merchant(recruiter, merchant_user):
    """A class III merchant of ``recruiter``, with ``merchant_user`` as its portal user."""
    return signed_merchant(recruiter=recruiter, user=merchant_user, merchant_class=MerchantClass.III)


@pytest.fixture
def other_merchant(outside_recruiter, other_merchant_user):
    return signed_merchant(recruiter=outside_recruiter, user=other_merchant_user, merchant_class=MerchantClass.I)
