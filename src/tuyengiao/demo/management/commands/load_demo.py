"""Load the demo province and every domain's demo data; running it twice changes nothing."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from tuyengiao.demo import DOMAINS


class Command(BaseCommand):
    help = "Load the fictional demo province (structure, boards, users, figures). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = []
        for name in DOMAINS:
            module = import_module(f"tuyengiao.demo.{name}")
            self.stdout.write(f"· {apps.get_app_config(name).verbose_name}…")
            module.load(self.stdout)
            loaded.append(module)
        if not options["quiet_logins"]:
            # The domain that makes the demo users (org) also prints their logins.
            for module in loaded:
                if hasattr(module, "print_logins"):
                    module.print_logins(self.stdout)
