from workplace.roles import Role
from workplace.scoping import scope_queryset

from .models import Merchant


def merchants_for_user(user, queryset=None):
    """The merchants ``user`` may see: own (recruiter), department (heads), all
    (operations director, general manager, admin, customer service), itself (merchant)."""
    queryset = Merchant.objects.all() if queryset is None else queryset
    return scope_queryset(
        queryset,
        user,
        owner_path="recruiter",
        department_path="department",
        merchant_user_path="user",
        also_company_wide={Role.CUSTOMER_SERVICE},
    )
