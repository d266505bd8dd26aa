"""The fictional demo world (Pas-de-Calais). Idempotent: safe to run twice.

Every name here is invented. Used by `manage.py seed_demo` and the tests of
the newcomer's path.
"""

from django.db import transaction

from casework.models import (
    Arrondissement,
    Cell,
    Commune,
    Departement,
    Institution,
    Membership,
    Partnership,
    TribunalJudiciaire,
    User,
)

DEMO_PASSWORD = "demo"
# The CLSPD d'Arras's thematic working group where the parquet sits (domain.md
# §1: the magistrate is a CLSPD member, and pilots some groups). It covers no
# commune, so it holds no case: the magistrate reads only the cases disclosed
# to the parquet, which needs this signed seat (the charter gate, §4.1).
JUSTICE_CELL = "Groupe justice – prévention de la récidive"

COMMUNES = [
    # insee, name, arrondissement, tribunal
    ("62041", "Arras", "Arras", "Tribunal judiciaire d'Arras"),
    ("62004", "Achicourt", "Arras", "Tribunal judiciaire d'Arras"),
    ("62753", "Saint-Laurent-Blangy", "Arras", "Tribunal judiciaire d'Arras"),
    ("62498", "Lens", "Lens", "Tribunal judiciaire de Béthune"),
    ("62510", "Liévin", "Lens", "Tribunal judiciaire de Béthune"),
    ("62065", "Avion", "Lens", "Tribunal judiciaire de Béthune"),
]


@transaction.atomic
def seed_reference_data() -> dict:
    dep, _ = Departement.objects.get_or_create(code="62", defaults={"name": "Pas-de-Calais"})
    communes = {}
    for insee, name, arr_name, tj_name in COMMUNES:
        arr, _ = Arrondissement.objects.get_or_create(departement=dep, name=arr_name)
        tj, _ = TribunalJudiciaire.objects.get_or_create(name=tj_name, defaults={"departement": dep})
        communes[name], _ = Commune.objects.get_or_create(
            insee_code=insee, defaults={"name": name, "arrondissement": arr, "tribunal": tj}
        )
    arras, _ = Partnership.objects.get_or_create(
        name="CLSPD d'Arras", defaults={"kind": Partnership.Kind.CLSPD, "code": "ARR"}
    )
    arras.communes.add(communes["Arras"], communes["Achicourt"], communes["Saint-Laurent-Blangy"])
    lens, _ = Partnership.objects.get_or_create(
        name="CISPD de Lens-Liévin", defaults={"kind": Partnership.Kind.CISPD, "code": "LEN"}
    )
    lens.communes.add(communes["Lens"], communes["Liévin"], communes["Avion"])
    cells = {}
    for partnership, name, kind, names in [
        (arras, "Arras – centre", Cell.Kind.QUARTIER, ["Arras"]),
        (
            arras,
            "Arras – quartiers ouest",
            Cell.Kind.INTERCOMMUNALE,
            ["Achicourt", "Saint-Laurent-Blangy"],
        ),
        (lens, "Lens-Liévin", Cell.Kind.INTERCOMMUNALE, ["Lens", "Liévin", "Avion"]),
    ]:
        cells[name], _ = Cell.objects.get_or_create(
            partnership=partnership, name=name, defaults={"kind": kind}
        )
        cells[name].communes.add(*[communes[n] for n in names])
    tj_arras = TribunalJudiciaire.objects.get(name="Tribunal judiciaire d'Arras")
    institutions = {}
    for key, name, kind, extra in [
        ("mairie_arras", "Mairie d'Arras", Institution.Kind.MAIRIE, {}),
        ("mairie_lens", "Mairie de Lens", Institution.Kind.MAIRIE, {}),
        ("college", "Collège Jean-Moulin (Arras)", Institution.Kind.EDUCATION_NATIONALE, {}),
        ("mission_locale", "Mission locale de l'Arrageois", Institution.Kind.MISSION_LOCALE, {}),
        (
            "prev_spe",
            "Prévention spécialisée – ADSEA 62",
            Institution.Kind.PREVENTION_SPECIALISEE,
            {},
        ),
        (
            "parquet_arras",
            "Parquet du TJ d'Arras",
            Institution.Kind.PARQUET,
            {"tribunal": tj_arras},
        ),
        ("pjj", "UEMO PJJ d'Arras", Institution.Kind.PJJ, {}),
        ("spip", "SPIP du Pas-de-Calais", Institution.Kind.SPIP, {}),
        ("police", "Commissariat d'Arras", Institution.Kind.POLICE_NATIONALE, {}),
        ("prefecture", "Préfecture du Pas-de-Calais", Institution.Kind.PREFECTURE, {}),
    ]:
        institutions[key], _ = Institution.objects.get_or_create(
            name=name, defaults={"kind": kind, "departement": dep, **extra}
        )
    return {
        "departement": dep,
        "communes": communes,
        "partnerships": {"arras": arras, "lens": lens},
        "cells": cells,
        "institutions": institutions,
    }


def _user(username: str, first: str, last: str, institution, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "institution": institution,
            "email": f"{username}@demo.invalid",
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _membership(user, partnership, institution, role, cell=None) -> None:
    Membership.objects.get_or_create(
        user=user,
        partnership=partnership,
        cell=cell,
        role=role,
        defaults={"institution": institution},
    )


CHARTER_V1_TEXT = (
    "Charte de confidentialité de la cellule de veille (version de démonstration). Les membres "
    "s'engagent à ne partager que les informations strictement nécessaires au suivi, à ne pas les "
    "communiquer à des tiers (CSI L132-5) et à ne jamais évoquer de situation nominative en plénière."
)


def seed_charters(partnerships: dict, *, coordinators: dict, signatories: dict) -> None:
    """Charter v1 of each partnership, signed by `signatories` (nonsigne.arras never signs).

    Hook: the charter issue adds version 2 of the CLSPD d'Arras charter right
    after this (adopted later, so that some v1 signatories must sign again).
    """
    from permissions.charter import charter_adopt, charter_sign
    from permissions.services import current_charter

    for key, partnership in partnerships.items():
        charter = current_charter(partnership) or charter_adopt(
            partnership=partnership, text=CHARTER_V1_TEXT, by=coordinators[key]
        )
        if charter.version != 1:
            continue  # a later version exists: v1 signatures are history
        for user in signatories[key]:
            if not charter.signatures.filter(user=user).exists():
                charter_sign(user=user, charter=charter)


@transaction.atomic
def seed_demo_world() -> list[tuple[str, str]]:
    """Create the reference data and the demo accounts; return (login, what they see)."""
    ref = seed_reference_data()
    inst, cells, parts = ref["institutions"], ref["cells"], ref["partnerships"]
    coord_arras = _user("coord.arras", "Claire", "Coordinatrice", inst["mairie_arras"])
    _membership(coord_arras, parts["arras"], inst["mairie_arras"], Membership.Role.COORDONNATEUR)
    coord_lens = _user("coord.lens", "Louis", "Coordinateur", inst["mairie_lens"])
    _membership(coord_lens, parts["lens"], inst["mairie_lens"], Membership.Role.COORDONNATEUR)
    membre = _user("membre.arras", "Marie", "Membre", inst["college"])
    _membership(membre, parts["arras"], inst["college"], Membership.Role.MEMBRE, cells["Arras – centre"])
    nonsigne = _user("nonsigne.arras", "Nicolas", "Nonsigné", inst["mission_locale"])
    _membership(
        nonsigne,
        parts["arras"],
        inst["mission_locale"],
        Membership.Role.MEMBRE,
        cells["Arras – centre"],
    )
    referent = _user("referent.arras", "Rachid", "Référent", inst["prev_spe"])
    _membership(referent, parts["arras"], inst["prev_spe"], Membership.Role.MEMBRE, cells["Arras – centre"])
    magistrat = _user("magistrat.arras", "Mathilde", "Magistrate", inst["parquet_arras"])
    justice, _ = Cell.objects.get_or_create(
        partnership=parts["arras"], name=JUSTICE_CELL, defaults={"kind": Cell.Kind.INTERCOMMUNALE}
    )
    _membership(magistrat, parts["arras"], inst["parquet_arras"], Membership.Role.MEMBRE, justice)
    pjj = _user("pjj.arras", "Paul", "Éducateur PJJ", inst["pjj"])
    # The PJJ sits in the centre cell (it signs the charter there) and is the
    # natural référent for récidive prevention.
    _membership(pjj, parts["arras"], inst["pjj"], Membership.Role.MEMBRE, cells["Arras – centre"])
    _user("prefecture", "Pierre", "Préfecture", inst["prefecture"])
    admin = _user("admin", "Alice", "Administratrice", None, is_staff=True, is_superuser=False)
    seed_charters(
        parts,
        coordinators={"arras": coord_arras, "lens": coord_lens},
        signatories={"arras": [coord_arras, membre, referent, pjj, magistrat], "lens": [coord_lens]},
    )
    # The parcours live in workflows (viewflow); imported here so that one
    # command seeds the whole demo.
    from workflows.demo import seed_demo_cases

    seed_demo_cases(
        users={
            "member": membre,
            "coord": coord_arras,
            "referent": referent,
            "pjj": pjj,
            "coord_lens": coord_lens,
        },
        cells=cells,
        institutions=inst,
    )
    from meetings.demo import seed_demo_seances

    seed_demo_seances(
        users={"coord": coord_arras, "member": membre, "referent": referent, "pjj": pjj},
        cells=cells,
        institutions=inst,
    )
    # Charter v2 (unsigned by nonsigne.arras), disclosures, "Administrateurs" group.
    from permissions.demo import seed_permissions_demo

    seed_permissions_demo(
        partnerships=parts,
        coordinators={"arras": coord_arras, "lens": coord_lens},
        institutions=inst,
        admin=admin,
    )
    return [
        ("coord.arras", "coordonnatrice du CLSPD d'Arras : dossiers complets de ses deux cellules"),
        (
            "membre.arras",
            "Éducation nationale, « Arras – centre », charte signée : fiches de synthèse",
        ),
        (
            "nonsigne.arras",
            "mission locale, « Arras – centre », charte non signée : aucune donnée nominative",
        ),
        ("referent.arras", "éducateur de prévention spécialisée : dossiers complets de ses suivis"),
        ("coord.lens", "coordonnateur du CISPD de Lens-Liévin : dossiers complets de sa cellule"),
        (
            "magistrat.arras",
            "parquet du TJ d'Arras : synthèses restreintes des situations partagées",
        ),
        ("pjj.arras", "éducateur PJJ : dossier complet de son suivi, synthèses partagées"),
        ("prefecture", "préfecture du Pas-de-Calais : indicateurs agrégés seulement"),
        ("admin", "données de référence et comptes, aucune donnée de jeune"),
    ]
