"""Load the demo: every app's ``demo.py`` contributes, in the order each declares."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workplace.demo import DEMO_PASSWORD, DemoContext
from workplace.models import DemoDataset


def demo_modules():
    modules = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        modules.append((getattr(module, "ORDER", 100), config.label, module))
    return sorted(modules, key=lambda entry: entry[0])


class Command(BaseCommand):
    help = "Load realistic demo data (refuses to run with DEBUG off). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off (tests only).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo refuses to run when DEBUG is off: it creates users with known passwords.")
        context = DemoContext(stdout=self.stdout)
        for _order, label, module in demo_modules():
            with transaction.atomic():
                if DemoDataset.objects.filter(app_label=label).exists():
                    module_load = getattr(module, "load_context", None)
                    if module_load:
                        module_load(context)
                    continue
                module.seed(context)
                DemoDataset.objects.create(app_label=label)
                self.stdout.write(f"demo data loaded: {label}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in context.logins():
            self.stdout.write(f"  {username:<22} {role}")
