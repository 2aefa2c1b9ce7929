"""The README.md of a data package: what was exported, how much, when, agreement and licence."""

from __future__ import annotations

from typing import Any

FILTER_LABELS = {
    "election": "Election (key)",
    "candidate": "Candidate (key)",
    "theme": "Theme (code)",
    "article": "Article (id)",
    "date_from": "Articles published on or after",
    "date_to": "Articles published on or before",
    "verified_only": "Verified (approved) annotations only",
}


def package_readme(manifest: dict[str, Any], licence: dict[str, str] | str) -> str:
    filters = manifest.get("filters", {})
    counts = manifest.get("counts", {})
    alpha = manifest.get("agreement", {}).get("krippendorff_alpha_ordinal")
    lines = [
        f"# Annotator export #{manifest.get('job_id', '')}",
        "",
        f"Generated at {manifest.get('generated_at', '')} by Annotator "
        f"{manifest.get('app_version', '')} (export schema {manifest.get('schema_version', '')}).",
        "",
        "## Filters",
        "",
    ]
    lines += [f"- {label}: {filters.get(key)}" for key, label in FILTER_LABELS.items()]
    lines += ["", "## Counts", ""]
    lines += [f"- {name}.csv: {count} rows" for name, count in counts.items()]
    lines += [
        "",
        "## Agreement",
        "",
        "Krippendorff's alpha (ordinal, feasibility scale 1-5, verdicts outside the scale left "
        "out) over the raters of the exported proposals: "
        + (f"{alpha:.3f}" if alpha is not None else "not computable (too few paired ratings)")
        + ".",
        "",
        "## Files",
        "",
        "`datapackage.json` describes each CSV (table schema, keys, SHA-256); `manifest.json` "
        "repeats the export manifest. Positions are Unicode code points of the article's text, "
        "whose SHA-256 is in `articles.csv`. Raters are pseudonymised with a keyed hash; lists "
        "inside a cell are separated by `|`.",
        "",
        "## Licence",
        "",
        f"Data: {licence.get('title', licence.get('name'))} ({licence.get('path', '')})."
        if isinstance(licence, dict)
        else f"Data: {licence}.",
        "",
    ]
    return "\n".join(lines)
