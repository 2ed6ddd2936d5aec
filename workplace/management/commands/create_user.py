from django.core.management.base import BaseCommand, CommandError

from workplace.exceptions import ApplicationError
from workplace.roles import Role
from workplace.services import user_create


class Command(BaseCommand):
    help = "Create a user in a role's group, with a staff profile for staff roles."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="Without it the account has no usable password yet.")
        parser.add_argument("--email", default="")
        parser.add_argument("--department", help="Department code.")
        parser.add_argument("--manager", help="Username of the manager.")

    def handle(self, *args, **options):
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                email=options["email"],
                department=options["department"],
                manager=options["manager"],
            )
        except ApplicationError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else str(error.message)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({options['role']})."))
        if not options["password"]:
            self.stdout.write(f"Set a password with: python manage.py changepassword {user.username}")
