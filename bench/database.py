"""The bench's own PostgreSQL database: created, recognised, recreated.

A database the bench did not create is never dropped: the bench marks its
database with a comment and refuses to recreate one without it.
"""

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection

MARK = "veille-bench dataset (safe to drop)"


class ForeignDatabase(RuntimeError):
    """The bench's database name is taken by a database the bench did not create."""


def _admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


def state() -> str:
    """'absent', 'ours' (marked by the bench) or 'foreign'."""
    name = settings.DATABASES["default"]["NAME"]
    with _admin_connection() as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if row is None:
        return "absent"
    return "ours" if row[0] == MARK else "foreign"


def recreate() -> None:
    """Drop (if the bench made it) and create the bench database, then migrate it."""
    name = settings.DATABASES["default"]["NAME"]
    current = state()
    if current == "foreign":
        raise ForeignDatabase(
            f"La base « {name} » existe et n'a pas été créée par le banc : elle n'est pas supprimée. "
            "Choisissez un autre nom avec BENCH_DATABASE_NAME."
        )
    connection.close()
    with _admin_connection() as admin:
        if current == "ours":
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")
    call_command("migrate", verbosity=0, interactive=False)


def is_built() -> bool:
    """The bench database exists and holds a finished dataset."""
    if state() != "ours":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_dataset') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT count(*) FROM bench_dataset")
        return cursor.fetchone()[0] > 0
