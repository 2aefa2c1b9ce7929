"""Correct the seeded theme labels on existing databases.

Earlier copies of fixtures/themes.csv had an unquoted comma in INFRA's French label, so the
English label, Manifesto code and CAP topic were shifted ("très haut débit" shown as a theme in
English). Reloading the corrected CSV updates every theme by code; nothing else is touched.
"""

from django.db import migrations

from proposals.taxonomy import load_themes


def forwards(apps, schema_editor):
    load_themes(apps.get_model("proposals", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0004_ratings_and_verdicts_protect_their_proposal")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
