"""On PostgreSQL, stop raw UPDATE/DELETE on the journal at the database level.

The ORM already refuses them; this covers raw SQL and QuerySet bypasses. The
retention purge is the single legitimate deleter: it sets the transaction-local
flag `veille.purge` to 'on' (casework.services.retention).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION casework_journal_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('veille.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'casework_journalentry is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casework_journal_append_only
    BEFORE UPDATE OR DELETE ON casework_journalentry
    FOR EACH ROW EXECUTE FUNCTION casework_journal_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS casework_journal_append_only ON casework_journalentry;
DROP FUNCTION IF EXISTS casework_journal_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
