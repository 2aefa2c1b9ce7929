"""Export formats: one small formatter class each, looked up by the job's format."""

from __future__ import annotations

from annotator.exports.formats.base import ExportContext, Formatter, HashingWriter
from annotator.exports.formats.claimreview import ClaimReviewFormatter
from annotator.exports.formats.csv import CsvFormatter
from annotator.exports.formats.datapackage import DataPackageFormatter
from annotator.exports.formats.jsonl import JsonLinesFormatter
from annotator.exports.formats.w3c import W3CFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    cls.format: cls
    for cls in (
        JsonLinesFormatter,
        CsvFormatter,
        W3CFormatter,
        ClaimReviewFormatter,
        DataPackageFormatter,
    )
}

__all__ = ["FORMATTERS", "ExportContext", "Formatter", "HashingWriter"]
