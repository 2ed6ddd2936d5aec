"""Messages the services raise are in the catalogue: a merchant reads them in Chinese."""

import pytest
from django.utils import translation

from merchants import checks, services


@pytest.mark.parametrize("action", sorted(services.ACTIONS))
def test_each_refusal_is_translated(action):
    refusal = services.ACTIONS[action][2]
    with translation.override("zh-hans"):
        assert not str(refusal).isascii(), str(refusal)


@pytest.mark.parametrize("code", sorted(checks.MESSAGES))
def test_each_finding_message_is_translated(code):
    with translation.override("zh-hans"):
        assert not checks.finding_message(code, {"kind": "legal_rep_id"}).isascii()
