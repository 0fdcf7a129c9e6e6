"""Load the demo province and every app's demo data; running it twice changes nothing."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the fictional demo province (structure, boards, users, figures). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app may ship ``demo.py`` with ``load(stdout)``; they run in INSTALLED_APPS order,
        # so later apps can build on the organisation tree.
        loaded = []
        for config in apps.get_app_configs():
            if not config.name.startswith("tuyengiao."):
                continue
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            self.stdout.write(f"· {config.verbose_name}…")
            module.load(self.stdout)
            loaded.append(module)
        if not options["quiet_logins"]:
            # The app that makes the demo users (org) also prints their logins.
            for module in loaded:
                if hasattr(module, "print_logins"):
                    module.print_logins(self.stdout)
