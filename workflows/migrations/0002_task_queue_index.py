"""A partial index on viewflow's task table for the "tâches à prendre" queue.

`ScopedTaskQuerySet.user_queue` reads the unassigned human tasks (status NEW)
of the cases a user holds a permission on, from the user's grants:
`owner_permission_obj_pk IN (granted case pks)`. This index holds those tasks
only (11,000 of the bench's 1.5 million). The table is viewflow's, so the
index is written in SQL that PostgreSQL and SQLite both accept.
"""

from django.db import migrations

INDEX = "workflows_task_queue_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX {INDEX} ON viewflow_task (owner_permission_obj_pk)"
                " WHERE status = 'NEW' AND flow_task_type = 'HUMAN'"
            ),
            reverse_sql=f"DROP INDEX {INDEX}",
        ),
    ]
