from typing import Any

from django.core.management.base import BaseCommand

from annotator.demo import DEMO_USERS, create_demo_users, demo_password


class Command(BaseCommand):
    help = (
        "Create the demo users (dev set-up only). Password: $DEMO_PASSWORD or .local/demo-password."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = create_demo_users(demo_password())
        self.stdout.write(f"Demo users: {len(DEMO_USERS)} ready ({len(created)} created)")
