"""What one call of the star calculator costs, with a real API token: one query (the
token, its user and their roles), the rule set in force served from the cache; the
count stays as users, tokens, roles and evaluations grow."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories.scoring import WORKED_EXAMPLE
from tests.factories.workplace import make_user
from workplace.api.tokens import issue_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/scoring/calculate/"
# the token with its user and the user's role names (workplace.api.tokens)
EXPECTED_CALCULATE_QUERIES = 1


def test_a_calculation_costs_one_query(recruiter, queries):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(recruiter)[0]}")

    def call():
        response = client.post(URL, WORKED_EXAMPLE, format="json")
        assert (response.status_code, response.json()["score"], response.json()["merchant_class"]) == (
            200,
            "13.70",
            "II",
        )

    call()  # the first call of the process reads the rule set into the cache

    def grow():
        issue_token(make_user("recruiter"))
        recruiter.groups.add(Group.objects.get_or_create(name=f"extra-{Group.objects.count()}")[0])

    queries.assert_constant(call, grow, expected=EXPECTED_CALCULATE_QUERIES)
