"""Load the fixed theme taxonomy from fixtures/themes.csv."""

from django.db import migrations

from proposals.taxonomy import load_themes


def forwards(apps, schema_editor):
    load_themes(apps.get_model("proposals", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
