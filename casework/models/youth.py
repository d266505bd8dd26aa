"""The young person. Nominative: read only through permissions.visibility."""

from django.db import models
from unidecode import unidecode


def identity_key(first_name: str, last_name: str) -> str:
    """Name key for duplicate detection: no accents, no case, no spacing/hyphen noise."""
    raw = f"{last_name} {first_name}"
    return " ".join(unidecode(raw).lower().replace("-", " ").replace("'", " ").split())


class Youth(models.Model):
    """The identity typed at one signalement: each case has its own row, never
    another case's. Rows that may be the same person (name key + birth date;
    a namesake born the same day passes too) are only candidates, never
    merged (casework.services.subject_access.subject_access_candidates);
    their cases share `Case.youth_number`."""

    class Sex(models.TextChoices):
        F = "F", "Féminin"
        M = "M", "Masculin"

    partnership = models.ForeignKey("casework.Partnership", on_delete=models.PROTECT, related_name="youths")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    birth_date = models.DateField("date de naissance")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    commune = models.ForeignKey("casework.Commune", on_delete=models.PROTECT, related_name="+")
    identity_key = models.CharField(max_length=210, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "jeune"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["partnership", "identity_key", "birth_date"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.identity_key = identity_key(self.first_name, self.last_name)
        super().save(*args, **kwargs)

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years
