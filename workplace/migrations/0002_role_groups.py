from django.db import migrations

ROLES = [
    "merchant",
    "recruiter",
    "recruitment_head",
    "ops_director",
    "general_manager",
    "customer_service",
    "dept_head",
    "admin",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    """The role groups of SPEC.md §0. Their model permissions are synced after every
    migrate (workplace.roles.sync_role_permissions), as permissions only exist then."""

    dependencies = [("workplace", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
