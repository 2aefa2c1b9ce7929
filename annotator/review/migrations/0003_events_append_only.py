"""Annotation events are an audit log: the database refuses to update or delete a row."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION review_annotationevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'annotation events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER review_annotationevent_append_only
    BEFORE UPDATE OR DELETE ON review_annotationevent
    FOR EACH ROW EXECUTE FUNCTION review_annotationevent_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS review_annotationevent_append_only ON review_annotationevent;
DROP FUNCTION IF EXISTS review_annotationevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("review", "0002_reply_flag_notification")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
