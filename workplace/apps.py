from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplaceConfig(AppConfig):
    """The shared pieces no domain app owns: roles and organisation, the working-day
    calendar, notifications, the audit trail's wiring and the API base."""

    name = "workplace"
    verbose_name = _("Workplace")
    # Model permissions each role gets; other apps declare theirs the same way (see
    # workplace.roles.sync_role_permissions).
    role_permissions = {
        "admin": [
            "workplace.*",
            "auth.view_user",
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
            "auditlog.view_logentry",
            "django_celery_beat.*",
        ],
        "recruitment_head": ["workplace.view_department", "workplace.view_staffprofile"],
        "ops_director": ["workplace.view_department", "workplace.view_staffprofile", "auditlog.view_logentry"],
        "general_manager": ["workplace.view_department", "workplace.view_staffprofile", "auditlog.view_logentry"],
    }

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_migrate

        from .broker import ensure_file_broker_folders, uses_file_broker

        if uses_file_broker(getattr(settings, "CELERY_BROKER_URL", "")):
            ensure_file_broker_folders(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}))

        from . import calendar, counts, deploy_checks, roles  # noqa: F401 - deploy_checks registers its checks

        calendar.register()
        counts.register()

        # Not tied to one sender: permissions of apps migrated after this one must exist.
        post_migrate.connect(roles.sync_role_permissions_after_migrate)

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from .api.tokens import revoke_on_password_change

        post_save.connect(revoke_on_password_change, sender=get_user_model(), dispatch_uid="workplace-token-revoke")
