"""/exports/ follows a running job by polling its API resource, and stops for good once the
answer says asking again cannot help (the job is gone: 404)."""

from __future__ import annotations

import pytest

from annotator.exports.models import ExportJob
from tests.browser.helpers import login
from tests.factories import UserFactory
from tests.factories.exports import ExportJobFactory
from tests.utils import PASSWORD


@pytest.fixture
def running_job(transactional_db):  # type: ignore[no-untyped-def]
    user = UserFactory(username="factchecker", role="fact-checker")
    return ExportJobFactory(requested_by=user, state="running", rows_total=100, rows_done=10)


def test_polling_stops_after_a_404(running_job, page):
    polls: list[int] = []
    api = f"/api/exports/{running_job.pk}/"
    page.on("response", lambda r: polls.append(r.status) if r.url.endswith(api) else None)
    login(page, "factchecker", PASSWORD)
    page.goto("/exports/")
    row = page.locator(f"tr[data-export-id='{running_job.pk}']")
    page.wait_for_timeout(2500)
    assert polls and set(polls) == {200}  # it follows the running job
    ExportJob.objects.filter(pk=running_job.pk).delete()  # gone: the API answers 404
    page.wait_for_timeout(2500)
    assert polls[-1] == 404
    assert row.get_attribute("data-polling") == "stopped"
    count = len(polls)
    page.wait_for_timeout(3000)
    assert len(polls) == count  # no request after the 404
