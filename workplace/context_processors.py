from .navigation import navigation_for
from .roles import is_staff_member, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": frozenset(), "is_staff_member": False, "unread_notifications": 0}
    return {
        "nav_items": navigation_for(user),
        "user_roles": roles_of(user),
        "is_staff_member": is_staff_member(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
