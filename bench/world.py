"""The département's reference data and its people.

Territory, partnerships, cells, institutions, users, memberships, charters and
signatures are few enough to be created with the ORM; users are created with
`bulk_create` (one password hash shared by all). Permission groups are those of
`permissions.services` (same functions, hence same names), and every user's
group rows are the ones `user_sync_groups` computes: the smoke test checks it
by running the service on every user and seeing nothing change.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from bench.plan import CELLS_PER_PARTNERSHIP, COMMUNES_PER_CELL, TRIBUNALS, Plan
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
from permissions import services as access
from permissions.models import Charter, CharterSignature

PASSWORD = "banc-de-mesure"
K = Institution.Kind
# Institutions of each partnership whose agents sit in its cells, in the order
# members are dealt out; the first two may be référents de parcours.
CELL_INSTITUTIONS = (
    (K.PREVENTION_SPECIALISEE, "Prévention spécialisée"),
    (K.MISSION_LOCALE, "Mission locale"),
    (K.EDUCATION_NATIONALE, "Collège"),
    (K.POLICE_MUNICIPALE, "Police municipale"),
    (K.BAILLEUR, "Bailleur social"),
    (K.GENDARMERIE, "Brigade de gendarmerie"),
)
# Share of cell members who have not signed the current charter (they see nothing).
UNSIGNED_SHARE = 0.05


@dataclass
class PartnershipPeople:
    partnership: Partnership
    cells: list[Cell]
    coordinators: list[User]
    members: dict[int, list[User]] = field(default_factory=dict)  # signed, by cell pk
    referents: list[User] = field(default_factory=list)  # signed, parcours-eligible
    recidive_referents: list[User] = field(default_factory=list)  # signed PJJ/SPIP agents
    communes: dict[int, list[int]] = field(default_factory=dict)  # commune pks, by cell pk


@dataclass
class World:
    departement: Departement
    partnerships: list[PartnershipPeople]
    parquets: list[Institution]
    magistrates: dict[int, list[User]]  # by parquet pk
    prefecture_users: list[User]


def _territory(plan: Plan):
    dep = Departement.objects.create(code="99", name="Département de mesure")
    arrondissements = [
        Arrondissement.objects.create(departement=dep, name=f"Arrondissement {i + 1}")
        for i in range(TRIBUNALS)
    ]
    tribunals = [
        TribunalJudiciaire.objects.create(name=f"Tribunal judiciaire de Mesure-{i + 1}", departement=dep)
        for i in range(TRIBUNALS)
    ]
    parquets = [
        Institution.objects.create(
            name=f"Parquet du TJ de Mesure-{i + 1}", kind=K.PARQUET, departement=dep, tribunal=tj
        )
        for i, tj in enumerate(tribunals)
    ]
    shared = {
        kind: Institution.objects.create(name=name, kind=kind, departement=dep)
        for kind, name in (
            (K.PJJ, "UEMO PJJ de Mesure"),
            (K.SPIP, "SPIP de Mesure"),
            (K.CONSEIL_DEPARTEMENTAL, "Conseil départemental – ASE"),
            (K.PREFECTURE, "Préfecture de Mesure"),
        )
    }
    return dep, arrondissements, tribunals, parquets, shared


@transaction.atomic
def build_world(plan: Plan, rng: random.Random) -> World:
    dep, arrondissements, tribunals, parquets, shared = _territory(plan)
    password = make_password(PASSWORD)
    users: list[User] = []
    memberships: list[tuple[User, Membership]] = []

    def new_user(first: str, last: str, institution: Institution) -> User:
        user = User(
            username=f"u{len(users) + 1:05d}",
            first_name=first,
            last_name=last,
            email=f"u{len(users) + 1:05d}@banc.invalid",
            institution=institution,
            password=password,
        )
        users.append(user)
        return user

    people: list[PartnershipPeople] = []
    # Each partnership's justice group (no commune, no case), where the
    # magistrates of its parquet sit: a disclosed case is read only with a
    # signed seat in its partnership (the charter gate, domain.md §4.1).
    justice_cells: dict[int, Cell] = {}
    fixed_per_partnership = 3 + 2  # coordinators + maire, PJJ + SPIP agents
    members_per_cell = max(6, (plan.users - 2 * len(parquets) - 2) // plan.cells - fixed_per_partnership // 3)
    for p in range(plan.partnerships):
        code = f"P{p + 1:02d}"
        partnership = Partnership.objects.create(
            kind=Partnership.Kind.CISPD if p % 3 else Partnership.Kind.CLSPD,
            name=f"{'CLSPD' if p % 3 == 0 else 'CISPD'} de Mesure-{p + 1:02d}",
            code=code,
        )
        institutions = [
            Institution.objects.create(name=f"{name} ({code})", kind=kind, departement=dep)
            for kind, name in CELL_INSTITUTIONS
        ]
        mairie = Institution.objects.create(name=f"Mairie ({code})", kind=K.MAIRIE, departement=dep)
        cells, cell_communes = [], {}
        for c in range(CELLS_PER_PARTNERSHIP):
            cell = Cell.objects.create(
                partnership=partnership, name=f"Cellule {code}-{c + 1}", kind=Cell.Kind.QUARTIER
            )
            communes = [
                Commune.objects.create(
                    insee_code=f"9{(p * CELLS_PER_PARTNERSHIP + c) * COMMUNES_PER_CELL + n:04d}",
                    name=f"Commune {code}-{c + 1}-{n + 1}",
                    arrondissement=arrondissements[p % TRIBUNALS],
                    tribunal=tribunals[p % TRIBUNALS],
                )
                for n in range(COMMUNES_PER_CELL)
            ]
            cell.communes.add(*communes)
            cell_communes[cell.pk] = [c.pk for c in communes]
            partnership.communes.add(*communes)
            cells.append(cell)
        justice_cells[partnership.pk] = Cell.objects.create(
            partnership=partnership, name=f"Groupe justice {code}", kind=Cell.Kind.INTERCOMMUNALE
        )
        group = PartnershipPeople(
            partnership=partnership, cells=cells, coordinators=[], communes=cell_communes
        )
        for i in range(2):
            coordinator = new_user("Coordination", f"{code}-{i + 1}", mairie)
            group.coordinators.append(coordinator)
            memberships.append(
                (
                    coordinator,
                    Membership(
                        partnership=partnership, institution=mairie, role=Membership.Role.COORDONNATEUR
                    ),
                )
            )
        maire = new_user("Maire", code, mairie)
        memberships.append(
            (
                maire,
                Membership(partnership=partnership, institution=mairie, role=Membership.Role.MAIRE_PRESIDENT),
            )
        )
        for kind in (K.PJJ, K.SPIP):
            agent = new_user("Éducateur", f"{kind.upper()}-{code}", shared[kind])
            memberships.append(
                (
                    agent,
                    Membership(
                        partnership=partnership,
                        cell=cells[0],
                        institution=shared[kind],
                        role=Membership.Role.MEMBRE,
                    ),
                )
            )
            group.recidive_referents.append(agent)
        for cell in cells:
            group.members[cell.pk] = []
            for m in range(members_per_cell):
                institution = institutions[m % len(institutions)]
                member = new_user("Membre", f"{cell.name}-{m + 1}", institution)
                memberships.append(
                    (
                        member,
                        Membership(
                            partnership=partnership,
                            cell=cell,
                            institution=institution,
                            role=Membership.Role.MEMBRE,
                        ),
                    )
                )
        people.append(group)
    magistrates = {
        parquet.pk: [new_user("Magistrat", parquet.name, parquet) for _ in range(2)] for parquet in parquets
    }
    for p, group in enumerate(people):  # partnership p lies in the ressort of tribunal p % TRIBUNALS
        parquet = parquets[p % TRIBUNALS]
        for magistrate in magistrates[parquet.pk]:
            memberships.append(
                (
                    magistrate,
                    Membership(
                        partnership=group.partnership,
                        cell=justice_cells[group.partnership.pk],
                        institution=parquet,
                        role=Membership.Role.MEMBRE,
                    ),
                )
            )
    prefecture_users = [new_user("Agent", f"Préfecture-{i + 1}", shared[K.PREFECTURE]) for i in range(2)]

    User.objects.bulk_create(users)  # PostgreSQL returns the pks
    for user, membership in memberships:
        membership.user = user
    Membership.objects.bulk_create([m for _, m in memberships])

    # Charter v1 in every partnership, signed by all but a few cell members.
    charters = {
        g.partnership.pk: Charter.objects.create(partnership=g.partnership, version=1, text="Charte")
        for g in people
    }
    signatures = []
    signed_users: set[int] = set()
    for user, membership in memberships:
        # Magistrates' seats draw nothing: the other seats' draws stay those of earlier builds.
        unsigned = (
            membership.role == Membership.Role.MEMBRE
            and membership.institution.kind != K.PARQUET
            and rng.random() < UNSIGNED_SHARE
        )
        if membership.institution.kind in (K.PJJ, K.SPIP) or membership.role != Membership.Role.MEMBRE:
            unsigned = False  # personas and référents of récidive always signed
        if unsigned:
            continue
        signatures.append(
            CharterSignature(
                charter=charters[membership.partnership_id], user=user, institution=user.institution
            )
        )
        signed_users.add(user.pk)
    CharterSignature.objects.bulk_create(signatures)

    by_pk = {g.partnership.pk: g for g in people}
    for user, membership in memberships:
        if membership.role != Membership.Role.MEMBRE or user.pk not in signed_users:
            continue
        group = by_pk[membership.partnership_id]
        if membership.institution.kind in Institution.DISCLOSABLE_KINDS:
            continue
        group.members[membership.cell_id].append(user)
        if membership.institution.kind in Institution.REFERENT_KINDS:
            group.referents.append(user)
    _bulk_sync_groups(people, memberships, signed_users, users, justice_cells.values())
    return World(
        departement=dep,
        partnerships=people,
        parquets=parquets,
        magistrates=magistrates,
        prefecture_users=prefecture_users,
    )


def _bulk_sync_groups(people, memberships, signed_users, users, other_cells) -> None:
    """The group rows `permissions.services.user_sync_groups` would write, in one insert.

    Every seat is signed or not as a whole (no DPO seat here, one charter
    version): an institution's agents join its group when they signed."""
    through = User.groups.through
    wanted: set[tuple[int, int]] = set()
    coordinator_groups = {g.partnership.pk: access.coordinators_group(g.partnership).pk for g in people}
    cell_groups = {cell.pk: access.cell_members_group(cell).pk for g in people for cell in g.cells}
    cell_groups.update({cell.pk: access.cell_members_group(cell).pk for cell in other_cells})
    for user, membership in memberships:
        if user.pk not in signed_users:
            continue
        if membership.role == Membership.Role.COORDONNATEUR:
            wanted.add((user.pk, coordinator_groups[membership.partnership_id]))
        elif membership.cell_id:
            wanted.add((user.pk, cell_groups[membership.cell_id]))
    institution_groups = {}
    for user in users:
        institution = user.institution
        if (
            user.pk in signed_users
            and institution is not None
            and institution.kind in Institution.DISCLOSABLE_KINDS
        ):
            if institution.pk not in institution_groups:
                institution_groups[institution.pk] = access.institution_group(institution).pk
            wanted.add((user.pk, institution_groups[institution.pk]))
    through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in sorted(wanted)])
