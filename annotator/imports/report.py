"""An import's report as CSV (RFC 4180, UTF-8 with a byte order mark for spreadsheets)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from annotator.imports.models import ImportJob


def report_csv(job: ImportJob) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["line", "index", "status", "reason", "expected"])
    for entry in job.report:
        writer.writerow(
            [
                "" if entry.get("line") is None else entry["line"],
                entry.get("index", ""),
                entry.get("status", ""),
                _csv_safe(entry.get("reason", "")),
                _csv_safe(entry.get("expected", "")),
            ]
        )
    if job.report_truncated:
        writer.writerow(["", "", "", _("Report truncated: more rows were refused."), ""])
    return "\ufeff" + out.getvalue()


def _csv_safe(value: str) -> str:
    """No formula injection: a cell starting like a formula is quoted as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
