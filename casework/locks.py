"""Cross-process locks for the periodic jobs (the Django cache: Redis in production).

A job that must not overlap itself (two beats by mistake, a manual command
during the nightly run) takes its lock here; whoever does not get it skips.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def single_run(name: str, timeout: int) -> Iterator[bool]:
    """Yield True when this process holds the lock `name`; release it only if still ours.

    `timeout` must exceed the longest run: a crashed holder's lock expires then.
    """
    key, token = f"lock:{name}", uuid.uuid4().hex
    acquired = cache.add(key, token, timeout=timeout)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)
