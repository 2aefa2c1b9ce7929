"""A fact-checker requests an export in the browser, watches it progress to 100 % and downloads it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from annotator.exports.models import ExportJob
from tests.browser.helpers import login, screenshot
from tests.exports.test_worker_e2e import many_approved_annotations
from tests.exports.worker import Worker
from tests.factories import UserFactory
from tests.factories.exports import ExportJobFactory
from tests.utils import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def exporter(transactional_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EXPORT_ROOT = tmp_path / "exports"
    call_command("load_seed")
    user = UserFactory(username="factchecker", role="fact-checker")
    worker = Worker(tmp_path / "worker.log", EXPORT_CHUNK_SIZE=10, EXPORT_TEST_DELAY=0.5)
    yield user
    worker.stop()


def test_fact_checker_requests_an_export_watches_progress_and_downloads_it(exporter, page):
    ids = many_approved_annotations(120)
    ExportJobFactory(
        requested_by=exporter, format="csv", state="failed", error="L'export a échoué : exemple."
    )
    ExportJobFactory(requested_by=exporter, format="claimreview", state="cancelled")
    login(page, "factchecker", PASSWORD)
    page.goto("/exports/")
    assert page.locator("h1").inner_text() == "Exports"
    screenshot(page, "exports-page")
    page.get_by_label("JSON Lines").check()
    page.get_by_role("button", name="Lancer l'export").click()
    page.wait_for_url("**/exports/")
    job = ExportJob.objects.filter(requested_by=exporter, format="jsonl").get()
    bar = page.locator(f'tr[data-export-id="{job.pk}"] [data-role="progressbar"]')
    seen: list[int] = []
    shot = False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        value = int(bar.get_attribute("aria-valuenow") or 0)
        if not seen or seen[-1] != value:
            seen.append(value)
        if 0 < value < 100 and not shot:
            screenshot(page, "exports-running")
            shot = True
        if value == 100:
            break
        time.sleep(0.1)
    assert seen[-1] == 100, seen
    assert any(0 < value < 100 for value in seen), f"the bar jumped straight to the end: {seen}"
    row = page.locator(f'tr[data-export-id="{job.pk}"]')
    download_link = row.locator('[data-role="download"]')
    download_link.wait_for(state="visible")
    assert row.locator('[data-role="state"]').inner_text() == "Prêt"
    screenshot(page, "exports-done")
    with page.expect_download() as info:
        download_link.click()
    path = info.value.path()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids
