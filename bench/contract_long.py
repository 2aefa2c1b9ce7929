"""Long schemathesis run: every API operation as a fact-checker, a reviewer and a moderator, many
examples per operation (issue 15, part 5). The short run is tests/foundation/test_api_contract.py;
both use tests/contract.py (checks, tolerated semantic 400s, derandomized Hypothesis).

Runs in process (WSGI) on a dedicated database (`contract_long`, CONTRACT_DB), migrated once; the
whole run is one transaction rolled back at the end, so the database is left as it was. Source
URLs are never fetched. Prints the number of cases and of distinct failures, then each failure.

    DATABASE_URL=... REDIS_URL=... python bench/contract_long.py [--examples 60]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["BENCH_DB"] = os.environ.get("CONTRACT_DB", "contract_long")

# bench.common reads BENCH_DB when imported: the run's database is set first.
from bench.common import bench_database_url, ensure_database, manage  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=60, help="per operation, mode and role")
    args = parser.parse_args()

    ensure_database()
    manage("migrate", "--noinput", "-v", "0")
    os.environ["DATABASE_URL"] = bench_database_url()
    # Test-mode settings: the fast password hasher, loopback hosts, no HTTPS redirect.
    os.environ["ANNOTATOR_TESTING"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

    import logging

    import django

    django.setup()
    from django.contrib.auth.models import Group, Permission
    from django.core.wsgi import get_wsgi_application
    from django.db import transaction

    from annotator.articles import intake
    from annotator.lib.roles import sync_groups
    from tests.contract import (
        ids_for,
        load_schema,
        refuse_name_resolution,
        requests_keep_the_connection,
        run_contract,
        seed_objects,
        token_headers,
    )
    from tests.factories import UserFactory

    intake.socket.getaddrinfo = refuse_name_resolution  # type: ignore[assignment]
    with transaction.atomic():
        sync_groups(Group, Permission)
        users = {role: UserFactory(role=role) for role in ("fact-checker", "reviewer", "moderator")}
        objects = seed_objects(users["fact-checker"])
        with requests_keep_the_connection():
            application = get_wsgi_application()  # sets logging up again
            # Every 4xx is logged as a warning: keep the report readable (a 500 is still logged).
            logging.getLogger("django.request").setLevel(logging.ERROR)
            schema = load_schema(application)
            report = run_contract(
                schema,
                roles={role: token_headers(user) for role, user in users.items()},
                known_ids=ids_for(objects),
                max_examples=args.examples,
            )
        transaction.set_rollback(True)

    print(
        f"{report.operations} operations x 3 roles, {args.examples} examples per operation, "
        f"mode and role: {report.cases} cases in {report.seconds:.0f} s"
    )
    print(f"failures: {len(report.failures)}")
    for line in report.lines():
        print(f"  {line}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
