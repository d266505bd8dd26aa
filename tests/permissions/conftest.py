"""The cast of the permission tests, modelled on the demo accounts.

Accounts (all in the Pas-de-Calais demo world):
- coord_arras: coordinator of the CLSPD d'Arras, charter signed.
- membre: member of the "Arras – centre" cell (Éducation nationale), signed.
- nonsigne: member of "Arras – centre" (mission locale) who never signed.
- referent: member of "Arras – centre" (prévention spécialisée), signed, and
  current référent of the case `referent_case`, which sits in the *other*
  Arras cell ("quartiers ouest").
- coord_lens: coordinator of the CISPD de Lens-Liévin (another tenant).
- magistrat: parquet du TJ d'Arras, seated in the CLSPD d'Arras's justice
  group (a cell with no case), signed: disclosures only.
- pjj: UEMO PJJ d'Arras, seated and signed like the magistrate: disclosures,
  and référent of `pjj_referent_case`.
- pjj_sans_siege: UEMO PJJ d'Arras, no seat: reads nothing, not even what
  is disclosed to the PJJ (the charter gate, domain.md §4.1).
- pjj_exclu: UEMO PJJ d'Arras, seated and signed, then excluded (seat ended
  by the coordinator): reads nothing.
- prefecture: préfecture (aggregates only, never a case).
- superuser: a Django superuser (no membership): sees no case either.
- admin: staff account of the demo (reference data and accounts).

Cases (one youth each, last name `Matrice<kind>` for searches):
- own_cell: "Arras – centre", never shared.
- other_cell: "Arras – quartiers ouest", never shared.
- other_partnership: "Lens-Liévin".
- shared_parquet: "Arras – centre", active disclosure to the parquet.
- shared_pjj: "Arras – quartiers ouest", active disclosure to the PJJ.
- expired_share: "Arras – centre", parquet and PJJ disclosures, both expired.
- revoked_share: "Arras – quartiers ouest", parquet disclosure revoked.
- referent_case: "Arras – quartiers ouest", référent = `referent`.
- pjj_referent_case: "Arras – quartiers ouest", référent = `pjj`.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from permissions import services as access
from permissions.charter import membership_end
from permissions.disclosures import disclosure_create, disclosure_revoke
from tests.factories import make_case, make_coordinator, make_disclosure_reader, make_member, make_user, world

CASE_CELLS = {
    "own_cell": "Arras – centre",
    "other_cell": "Arras – quartiers ouest",
    "other_partnership": "Lens-Liévin",
    "shared_parquet": "Arras – centre",
    "shared_pjj": "Arras – quartiers ouest",
    "expired_share": "Arras – centre",
    "revoked_share": "Arras – quartiers ouest",
    "referent_case": "Arras – quartiers ouest",
    "pjj_referent_case": "Arras – quartiers ouest",
}


def build_cast() -> SimpleNamespace:
    w = world()
    inst, cells, parts = w["institutions"], w["cells"], w["partnerships"]
    users = {
        "coord_arras": make_coordinator(parts["arras"], institution=inst["mairie_arras"], username="coord"),
        "membre": make_member(cells["Arras – centre"], institution=inst["college"], username="membre"),
        "nonsigne": make_member(
            cells["Arras – centre"], institution=inst["mission_locale"], signed=False, username="nonsigne"
        ),
        "referent": make_member(cells["Arras – centre"], institution=inst["prev_spe"], username="referent"),
        "coord_lens": make_coordinator(parts["lens"], institution=inst["mairie_lens"], username="coordlens"),
        "magistrat": make_disclosure_reader(
            parts["arras"], institution=inst["parquet_arras"], username="magistrat"
        ),
        "pjj": make_disclosure_reader(parts["arras"], institution=inst["pjj"], username="pjj"),
        "pjj_sans_siege": make_user("pjjsanssiege", institution=inst["pjj"]),
        "pjj_exclu": make_disclosure_reader(parts["arras"], institution=inst["pjj"], username="pjjexclu"),
        "prefecture": make_user("prefecture", institution=inst["prefecture"]),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
        "admin": make_user("admin", is_staff=True),
    }
    for user in users.values():
        access.user_sync_groups(user=user)
    cases = {
        kind: make_case(cells[cell], last_name=f"Matrice{kind.replace('_', '')}")
        for kind, cell in CASE_CELLS.items()
    }
    coord = users["coord_arras"]

    def share(kind, institution, **kwargs):
        return disclosure_create(
            case=cases[kind], institution=inst[institution], reason="Protocole", by=coord, **kwargs
        )

    share("shared_parquet", "parquet_arras")
    share("shared_pjj", "pjj")
    past = timezone.localdate() - timedelta(days=200)
    for institution in ("parquet_arras", "pjj"):
        share(
            "expired_share", institution, decided_on=past, starts_on=past, ends_on=past + timedelta(days=60)
        )
    disclosure_revoke(disclosure=share("revoked_share", "parquet_arras"), by=coord)
    membership_end(membership=users["pjj_exclu"].memberships.get(), by=coord)
    access.case_grant_referent(case=cases["referent_case"], user=users["referent"])
    access.case_grant_referent(case=cases["pjj_referent_case"], user=users["pjj"])
    return SimpleNamespace(world=w, users=users, cases=cases)


@pytest.fixture
def cast() -> SimpleNamespace:
    return build_cast()
