"""Territorial reference data: département → arrondissement → commune.

Each commune also carries its ressort de tribunal judiciaire, which routes the
magistrate's view (domain.md §2).
"""

from django.db import models


class Departement(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Arrondissement(models.Model):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="arrondissements")
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "arrondissement"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "name"], name="uniq_arrondissement_name")
        ]

    def __str__(self) -> str:
        return self.name


class TribunalJudiciaire(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="tribunaux")

    class Meta:
        verbose_name = "tribunal judiciaire"
        verbose_name_plural = "tribunaux judiciaires"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    arrondissement = models.ForeignKey(Arrondissement, on_delete=models.PROTECT, related_name="communes")
    tribunal = models.ForeignKey(
        TribunalJudiciaire,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name="ressort judiciaire",
    )

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
