"""Create the three newsroom groups with their model permissions (see annotator.lib.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from annotator.lib.roles import sync_groups


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("annotations", "0001_initial"),
        ("proposals", "0002_load_themes"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
