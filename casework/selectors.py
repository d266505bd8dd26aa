"""Reads of the territory that forms and services share."""

from django.db.models import QuerySet

from casework.models import Commune, Institution


def institutions_of_departements_of(communes: QuerySet[Commune]) -> QuerySet[Institution]:
    """Institutions of the département(s) of `communes`, by name: one query with
    the communes as a subquery, whatever their number.

    An institution without a département is never among them. A form shows the
    directory of its own territory, never that of every tenant the platform
    hosts (as `permissions.forms.MembershipStartForm` does for accounts)."""
    departements = communes.values("arrondissement__departement")
    return Institution.objects.filter(departement__in=departements).order_by("name")


def partnership_institutions(partnership_id: int) -> QuerySet[Institution]:
    """Institutions of the département(s) of a partnership's communes: those that
    may hold a seat in it or pilot one of its cases."""
    return institutions_of_departements_of(Commune.objects.filter(partnerships=partnership_id))
