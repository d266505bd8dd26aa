"""Keep permission groups in step with account changes made outside the charter services.

An account's institution decides its institution-wide rights (disclosed
scoped summaries for parquet, PJJ, SPIP agents). When an administrator
creates an account or changes its institution in the admin, the groups
follow at once; saves that only touch the login bookkeeping are skipped.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from casework.models import User
from permissions.services import user_sync_groups

BOOKKEEPING_FIELDS = frozenset({"last_login", "password"})


@receiver(post_save, sender=User, dispatch_uid="permissions.user_saved")
def user_saved(sender, instance: User, created: bool, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS):
        return
    user_sync_groups(user=instance)
