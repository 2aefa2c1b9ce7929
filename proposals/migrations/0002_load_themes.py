"""Load the fixed theme taxonomy from fixtures/themes.csv (a copy of the shared taxonomy)."""

import csv
from pathlib import Path

from django.db import migrations

THEMES_CSV = Path(__file__).resolve().parents[2] / "fixtures" / "themes.csv"


def load_themes(apps, schema_editor):
    Theme = apps.get_model("proposals", "Theme")
    with THEMES_CSV.open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle)):
            Theme.objects.update_or_create(
                code=row["code"],
                defaults={
                    "label_fr": row["label_fr"],
                    "label_en": row["label_en"],
                    "manifesto_code": row["manifesto_code"] or "",
                    "cap_major": row["cap_major"] or "",
                    "position": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(load_themes, migrations.RunPython.noop)]
