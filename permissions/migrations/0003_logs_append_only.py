"""On PostgreSQL, stop raw UPDATE/DELETE on the access log and the charter log.

The ORM already refuses them (model and queryset overrides); these triggers
cover raw SQL and bulk paths. Two updates stay allowed because foreign keys
declared SET_NULL need them: forgetting a purged case (access log) or a
deleted account (who acted). Deletion is allowed only under the retention
purge flag `veille.purge` (same convention as the case journal).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION permissions_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('veille.purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF (NEW.case_id IS NULL OR NEW.case_id IS NOT DISTINCT FROM OLD.case_id)
        AND (NEW.user_id IS NULL OR NEW.user_id IS NOT DISTINCT FROM OLD.user_id)
        AND NEW.id = OLD.id AND NEW.case_reference = OLD.case_reference
        AND NEW.representation = OLD.representation AND NEW.channel = OLD.channel
        AND NEW.reason = OLD.reason AND NEW.at = OLD.at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'permissions_accesslog is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER permissions_accesslog_append_only
    BEFORE UPDATE OR DELETE ON permissions_accesslog
    FOR EACH ROW EXECUTE FUNCTION permissions_accesslog_append_only();

CREATE OR REPLACE FUNCTION permissions_charterevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
        AND (ROW(NEW.id, NEW.partnership_id, NEW.kind, NEW.charter_id, NEW.subject_id,
                 NEW.institution_id, NEW.occurred_on, NEW.summary, NEW.at)
             IS NOT DISTINCT FROM
             ROW(OLD.id, OLD.partnership_id, OLD.kind, OLD.charter_id, OLD.subject_id,
                 OLD.institution_id, OLD.occurred_on, OLD.summary, OLD.at)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'permissions_charterevent is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER permissions_charterevent_append_only
    BEFORE UPDATE OR DELETE ON permissions_charterevent
    FOR EACH ROW EXECUTE FUNCTION permissions_charterevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS permissions_accesslog_append_only ON permissions_accesslog;
DROP FUNCTION IF EXISTS permissions_accesslog_append_only();
DROP TRIGGER IF EXISTS permissions_charterevent_append_only ON permissions_charterevent;
DROP FUNCTION IF EXISTS permissions_charterevent_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("permissions", "0002_charter_event")]
    operations = [migrations.RunPython(forward, backward)]
