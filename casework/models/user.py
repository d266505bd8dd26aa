from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """An account. Its institution decides institution-wide rights
    (parquet, PJJ, SPIP disclosures; préfecture aggregates)."""

    institution = models.ForeignKey(
        "casework.Institution",
        on_delete=models.PROTECT,
        related_name="agents",
        null=True,
        blank=True,
        verbose_name="institution",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "utilisateur"
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
