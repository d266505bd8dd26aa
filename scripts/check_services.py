"""Fail fast, naming the command that starts it, when PostgreSQL or Redis is down.

`make test` and `make bench` run this first: no test is ever skipped for a
missing service, the whole run stops with an actionable message instead.
"""

import os
import socket
import sys
from urllib.parse import urlparse

PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), 2):
            return True
    except OSError:
        return False


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/veille")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    failures = []
    if not reachable(database_url, 5432):
        failures.append(f"PostgreSQL injoignable ({database_url}). Démarrez-le : {PG_START}")
    if not reachable(redis_url, 6379):
        failures.append(f"Redis injoignable ({redis_url}). Démarrez-le : {REDIS_START}")
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
