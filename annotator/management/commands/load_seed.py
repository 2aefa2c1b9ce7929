from typing import Any

from django.core.management.base import BaseCommand

from annotator.seed import load_seed


class Command(BaseCommand):
    help = "Load the seed corpus, elections, candidacies and starter proposals (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_seed()
        self.stdout.write(self.style.SUCCESS(f"Seed data: created {report}"))
