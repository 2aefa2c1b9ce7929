"""The theme taxonomy, kept in fixtures/themes.csv (a copy of the shared taxonomy)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

THEMES_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "themes.csv"


def load_themes(theme_model: Any) -> int:
    """Create or update every theme of the CSV; returns how many rows it read.

    Takes the model class so that the data migration can pass its historical model.
    """
    with THEMES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for position, row in enumerate(rows):
        theme_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "label_fr": row["label_fr"],
                "label_en": row["label_en"],
                "manifesto_code": row["manifesto_code"] or "",
                "cap_major": row["cap_major"] or "",
                "position": position,
            },
        )
    return len(rows)
