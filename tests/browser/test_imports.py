"""A fact-checker drops a file on /imports/, watches the progress bar move and reads the report
(table, then the CSV download); the pages fit 390 px and 1440 px without sideways scrolling."""

from __future__ import annotations

import json
import time

import pytest

from annotator.annotations.models import Annotation
from annotator.imports.models import ImportJob
from tests.browser.helpers import login, screenshot
from tests.exports.worker import Worker
from tests.factories import ArticleFactory, UserFactory
from tests.imports.texts import TEXT_A, URL_A
from tests.utils import PASSWORD

pytestmark = pytest.mark.slow
ROWS = 6500


@pytest.fixture
def importer(transactional_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.IMPORT_ROOT = tmp_path / "imports"
    user = UserFactory(username="factchecker", role="fact-checker")
    worker = Worker(
        tmp_path / "worker.log", IMPORT_ROOT=str(settings.IMPORT_ROOT), IMPORT_TEST_DELAY=0.8
    )
    yield user
    worker.stop()


def hypothesis_file() -> bytes:
    """ROWS Hypothesis rows on the article (distinct comments), one on an unknown page."""
    start = TEXT_A.index("la fibre partout")
    rows = [
        {
            "id": f"h{n}",
            "uri": URL_A,
            "user": "acct:alice@hypothes.is",
            "text": f"Remarque {n}",
            "target": [
                {
                    "source": URL_A,
                    "selector": [
                        {"type": "TextPositionSelector", "start": start, "end": start + 16},
                        {"type": "TextQuoteSelector", "exact": "la fibre partout"},
                    ],
                }
            ],
        }
        for n in range(ROWS)
    ]
    rows[3]["uri"] = rows[3]["target"][0]["source"] = "https://ailleurs.example/"
    return json.dumps({"rows": rows}).encode()


def no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_fact_checker_drops_a_file_watches_progress_and_opens_the_report(importer, page, tmp_path):
    article = ArticleFactory(title="Fibre partout", text=TEXT_A, url=URL_A)
    login(page, "factchecker", PASSWORD)
    page.goto("/imports/")
    assert page.locator("h1").inner_text() == "Imports"
    assert no_sideways_scroll(page)
    path = tmp_path / "hypothesis.json"
    path.write_bytes(hypothesis_file())
    # Drag and drop: the file lands on the drop zone, whose script fills the file input.
    handle = page.evaluate_handle(
        """([name, text]) => { const data = new DataTransfer();
             data.items.add(new File([text], name, {type: "application/json"})); return data; }""",
        [path.name, path.read_text()],
    )
    page.dispatch_event('[data-testid="drop-zone"]', "drop", {"dataTransfer": handle})
    assert page.locator('[data-role="file-name"]').inner_text() == "hypothesis.json"
    page.get_by_label("Hypothesis (lignes de l'API de recherche)").check()
    screenshot(page, "imports-page")
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url("**/imports/*/")
    job = ImportJob.objects.get(requested_by=importer)
    bar = page.locator('[data-testid="import-progress"]')
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if page.locator('[data-testid="import-report"]').count():
            break
        if bar.count():
            value = int(bar.get_attribute("aria-valuenow") or 0)
            if not seen or seen[-1] != value:
                seen.append(value)
        time.sleep(0.1)
    assert any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen)
    screenshot(page, "imports-report")
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    assert (job.created_count, job.failed_count) == (ROWS - 1, 1)
    assert Annotation.objects.filter(article=article).count() == ROWS - 1
    counts = page.locator('[data-testid="import-counts"]').inner_text()
    assert str(ROWS - 1) in counts.replace("\u202f", "").replace(" ", "")
    report = page.locator(".report-table tbody tr")
    assert report.count() == 1
    assert "rows[3]" in report.first.inner_text()
    assert "https://ailleurs.example/" in report.first.inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("report-csv").click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line,index,status,reason,expected"
    assert lines[1].startswith(",rows[3],refused,")
    for width in (390, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        assert no_sideways_scroll(page), width
        page.goto("/imports/")
        assert no_sideways_scroll(page), width
        page.goto(f"/imports/{job.pk}/")
