"""What one call of the quote calculator costs, with a real API token: one query (the
token, its user and their roles), the rule tables served from the cache; the count
stays as users, tokens, roles and requests grow."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories.commissions import make_request
from tests.factories.workplace import make_user
from workplace.api.tokens import issue_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/commissions/quote/"
# the token with its user and the user's role names (workplace.api.tokens)
EXPECTED_QUOTE_QUERIES = 1


def test_a_quote_costs_one_query(recruiter, queries):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(recruiter)[0]}")

    def call():
        response = client.post(URL, {"category": "dining_entertainment", "prepaid_rate": "6.00"}, format="json")
        assert response.json() == {
            "standard_rate": "10.00",
            "ratio": "60.00",
            "required_role": "ops_director",
            "chain": ["recruitment_head", "ops_director"],
        }

    call()  # the first call of the process reads the rule tables into the cache

    def grow():
        issue_token(make_user("recruiter"))
        recruiter.groups.add(Group.objects.get_or_create(name=f"extra-{Group.objects.count()}")[0])
        make_request(recruiter, "8.00")

    queries.assert_constant(call, grow, expected=EXPECTED_QUOTE_QUERIES)
