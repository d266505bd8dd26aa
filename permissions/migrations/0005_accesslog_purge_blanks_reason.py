"""Let the retention purge blank the free-text reasons of a case's access log.

Same trigger as 0003, with one more allowed update: while the transaction-
local purge flag `veille.purge` is on, `reason` may be set to '' (nothing
else may change). An archive opening's reason is typed by a coordinator and
may name the youth; nothing nominative outlives the purge
(casework.services.retention).
"""

from django.db import migrations

FUNCTION = """
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
        AND (NEW.reason = OLD.reason
             OR (NEW.reason = '' AND current_setting('veille.purge', true) = 'on'))
        AND NEW.at = OLD.at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'permissions_accesslog is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

# 0003's function, restored on the way back.
PREVIOUS_FUNCTION = """
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("permissions", "0004_break_glass")]
    operations = [migrations.RunPython(forward, backward)]
