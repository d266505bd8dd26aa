"""Disclosures: scoped summary for parquet/PJJ/SPIP, dated, revocable, journaled."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.models import Departement, Institution, JournalEntry, Membership, TribunalJudiciaire
from casework.services.errors import ServiceError
from permissions.charter import charter_adopt, charter_sign
from permissions.disclosures import add_months, disclosure_create, disclosure_revoke
from permissions.models import CaseGroupObjectPermission
from permissions.services import current_charter, institution_group, user_sync_groups
from permissions.visibility import Representation, representation_for, visible_cases
from tests.factories import (
    make_case,
    make_coordinator,
    make_disclosure_reader,
    make_member,
    make_user,
    sign_charter,
    world,
)
from tests.permissions.test_matrix import api_client


@pytest.fixture
def setting():
    w = world()
    coord = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    magistrate = make_disclosure_reader(
        w["partnerships"]["arras"], institution=w["institutions"]["parquet_arras"]
    )
    case = make_case(w["cells"]["Arras – centre"])
    return w, coord, magistrate, case


def share(w, coord, case, institution="parquet_arras", **kwargs):
    return disclosure_create(
        case=case, institution=w["institutions"][institution], reason="Protocole parquet", by=coord, **kwargs
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_disclosure_gives_the_scoped_summary_for_six_months_by_default(setting):
    w, coord, magistrate, case = setting
    assert representation_for(magistrate, case) is None

    disclosure = share(w, coord, case)

    today = timezone.localdate()
    assert disclosure.ends_on == add_months(today, 6)
    assert representation_for(magistrate, case) == Representation.SCOPED_SUMMARY


def test_disclosure_and_revocation_write_the_case_journal(setting):
    w, coord, magistrate, case = setting
    disclosure = share(w, coord, case)
    disclosure_revoke(disclosure=disclosure, by=coord)

    entries = JournalEntry.objects.filter(case=case, kind=JournalEntry.Kind.DISCLOSURE).order_by("id")
    assert [e.data["action"] for e in entries] == ["create", "revoke"]
    assert entries[0].note == "Protocole parquet"
    assert representation_for(magistrate, case) is None


def test_revoking_one_of_two_disclosures_keeps_the_other(setting):
    w, coord, magistrate, case = setting
    first = share(w, coord, case)
    share(w, coord, case)
    disclosure_revoke(disclosure=first, by=coord)
    assert representation_for(magistrate, case) == Representation.SCOPED_SUMMARY
    with pytest.raises(ServiceError, match="déjà été révoqué"):
        disclosure_revoke(disclosure=first, by=coord)


def test_expiry_ends_access_without_any_job(setting):
    w, coord, magistrate, case = setting
    long_ago = timezone.localdate() - timedelta(days=300)
    share(w, coord, case, decided_on=long_ago, starts_on=long_ago, ends_on=long_ago + timedelta(days=30))
    assert representation_for(magistrate, case) is None
    assert list(visible_cases(magistrate)) == []


def test_a_future_disclosure_opens_on_its_start_date(setting):
    w, coord, magistrate, case = setting
    share(w, coord, case, starts_on=timezone.localdate() + timedelta(days=3))
    assert representation_for(magistrate, case) is None


def test_only_the_disclosed_institution_sees_it(setting):
    w, coord, magistrate, case = setting
    pjj = make_disclosure_reader(w["partnerships"]["arras"], institution=w["institutions"]["pjj"])
    share(w, coord, case, institution="pjj")
    assert representation_for(pjj, case) == Representation.SCOPED_SUMMARY
    assert representation_for(magistrate, case) is None


@pytest.mark.parametrize(
    ("institution", "kwargs", "message"),
    [
        ("police", {}, "parquet, la PJJ ou le SPIP"),
        ("prefecture", {}, "parquet, la PJJ ou le SPIP"),
        ("parquet_arras", {"ends_on_days": 400}, "au plus 12 mois"),
        ("parquet_arras", {"ends_on_days": 0}, "postérieure à sa date de début"),
        ("parquet_arras", {"starts_on_days": -1}, "ne peut pas être passée"),
        ("parquet_arras", {"reason": "  "}, "motif"),
    ],
)
def test_disclosure_validation(setting, institution, kwargs, message):
    w, coord, _, case = setting
    today = timezone.localdate()
    with pytest.raises(ServiceError, match=message):
        disclosure_create(
            case=case,
            institution=w["institutions"][institution],
            reason=kwargs.get("reason", "Motif"),
            by=coord,
            starts_on=today + timedelta(days=kwargs.get("starts_on_days", 0)),
            ends_on=today + timedelta(days=kwargs["ends_on_days"]) if "ends_on_days" in kwargs else None,
        )


def test_twelve_months_is_allowed(setting):
    w, coord, _, case = setting
    disclosure = share(w, coord, case, ends_on=add_months(timezone.localdate(), 12))
    assert disclosure.ends_on == add_months(timezone.localdate(), 12)


@pytest.mark.parametrize("who", ["member", "other_coordinator", "magistrate"])
def test_only_a_signed_coordinator_of_the_case_shares(setting, who):
    w, coord, magistrate, case = setting
    by = {
        "member": lambda: make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"]),
        "other_coordinator": lambda: make_coordinator(
            w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"]
        ),
        "magistrate": lambda: magistrate,
    }[who]()
    with pytest.raises(ServiceError, match="coordonnateur"):
        share(w, by, case)
    disclosure = share(w, coord, case)
    with pytest.raises(ServiceError, match="coordonnateur"):
        disclosure_revoke(disclosure=disclosure, by=by)


@pytest.fixture
def elsewhere(setting):
    """A parquet of another ressort and a PJJ service of another département."""
    other = Departement.objects.create(code="59", name="Nord")
    tribunal = TribunalJudiciaire.objects.create(name="Tribunal judiciaire de Lille", departement=other)
    return {
        "parquet": Institution.objects.create(
            name="Parquet du TJ de Lille", kind=Institution.Kind.PARQUET, departement=other, tribunal=tribunal
        ),
        "pjj": Institution.objects.create(
            name="UEMO PJJ de Lille", kind=Institution.Kind.PJJ, departement=other
        ),
    }


def test_a_summary_goes_only_to_the_institutions_competent_for_the_case_s_commune(setting, elsewhere):
    w, coord, magistrate, case = setting
    lens_case = make_case(w["cells"]["Lens-Liévin"])  # ressort of Béthune, same département
    for institution in (elsewhere["parquet"], elsewhere["pjj"]):
        with pytest.raises(ServiceError, match="n'est pas compétent pour la commune"):
            disclosure_create(case=case, institution=institution, reason="Protocole", by=coord)
    lens_coord = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    with pytest.raises(ServiceError, match="Tribunal judiciaire de Béthune"):
        disclosure_create(
            case=lens_case, institution=w["institutions"]["parquet_arras"], reason="P", by=lens_coord
        )
    assert not case.disclosures.exists() and not lens_case.disclosures.exists()
    # The PJJ and SPIP services of the département remain competent for Lens.
    share(w, lens_coord, lens_case, institution="pjj")


def test_the_share_form_lists_the_competent_institutions_only(client, setting, elsewhere):
    w, coord, magistrate, case = setting
    client.force_login(coord)
    url = reverse("permissions:disclosures", args=[case.pk])
    choices = {str(i) for i in client.get(url).context["form"].fields["institution"].queryset}
    assert choices == {"Parquet du TJ d'Arras", "UEMO PJJ d'Arras", "SPIP du Pas-de-Calais"}
    response = client.post(
        url, {"institution": elsewhere["parquet"].pk, "reason": "P", "ends_on": "2099-01-01"}
    )
    assert response.status_code == 400 and not case.disclosures.exists()


# --- The charter gate: a disclosed case is read with a signed seat in its partnership ---


def scoped_grant_held(case, institution) -> bool:
    return CaseGroupObjectPermission.objects.filter(
        content_object=case,
        group=institution_group(institution),
        permission__codename="view_case_scoped_summary",
    ).exists()


def test_an_agent_without_a_seat_reads_no_disclosed_case(setting):
    w, coord, magistrate, case = setting
    seatless = make_user(institution=w["institutions"]["parquet_arras"])
    user_sync_groups(user=seatless)
    share(w, coord, case)
    assert representation_for(magistrate, case) == Representation.SCOPED_SUMMARY
    assert representation_for(seatless, case) is None
    assert list(visible_cases(seatless)) == []
    assert not seatless.groups.exists()  # no institution group without a signed seat


def test_an_agent_reads_nothing_until_they_sign_the_current_charter(setting):
    w, coord, _, case = setting
    arras = w["partnerships"]["arras"]
    agent = make_disclosure_reader(arras, institution=w["institutions"]["pjj"], signed=False)
    share(w, coord, case, institution="pjj")
    assert representation_for(agent, case) is None

    charter_sign(user=agent, charter=current_charter(arras))
    assert representation_for(agent, case) == Representation.SCOPED_SUMMARY

    v2 = charter_adopt(partnership=arras, text="Version 2", by=coord)
    assert representation_for(agent, case) is None
    charter_sign(user=agent, charter=v2)
    assert representation_for(agent, case) == Representation.SCOPED_SUMMARY


def test_a_seat_in_another_partnership_opens_no_disclosed_case(setting):
    """The PJJ serves the whole département: its agent seated in Lens only
    reads the Lens cases shared with the PJJ, not the Arras ones."""
    w, coord, _, case = setting
    lens = w["partnerships"]["lens"]
    agent = make_disclosure_reader(lens, institution=w["institutions"]["pjj"])
    lens_coord = make_coordinator(lens, institution=w["institutions"]["mairie_lens"])
    lens_case = make_case(w["cells"]["Lens-Liévin"])
    share(w, coord, case, institution="pjj")
    share(w, lens_coord, lens_case, institution="pjj")
    assert representation_for(agent, case) is None
    assert representation_for(agent, lens_case) == Representation.SCOPED_SUMMARY
    assert list(visible_cases(agent)) == [lens_case]


def test_a_dpo_seat_opens_no_disclosed_case(setting):
    w, coord, _, case = setting
    arras = w["partnerships"]["arras"]
    dpo = make_user(institution=w["institutions"]["parquet_arras"])
    Membership.objects.create(
        user=dpo, partnership=arras, institution=dpo.institution, role=Membership.Role.DPO
    )
    sign_charter(dpo, arras)
    share(w, coord, case)
    assert representation_for(dpo, case) is None
    assert list(visible_cases(dpo)) == []


def test_exclusion_ends_the_disclosed_summaries_at_once_on_screen_and_in_the_api(setting, client):
    """« Mettre fin (accès retiré immédiatement) » on the seat of a magistrate
    who reads a case shared with the parquet: the list, the file and the API
    lose it at once."""
    w, coord, magistrate, case = setting
    share(w, coord, case)
    api = api_client(magistrate)
    client.force_login(magistrate)
    detail = reverse("situations:detail", args=[case.pk])

    def listed() -> list[int]:
        return [row.case.pk for row in client.get(reverse("situations:index")).context["rows"]]

    assert client.get(detail).status_code == 200 and listed() == [case.pk]
    assert [row["id"] for row in api.get("/api/v1/cases/").json()["results"]] == [case.pk]
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200

    coordinator = Client()
    coordinator.force_login(coord)
    seat = magistrate.memberships.get()
    assert coordinator.post(reverse("permissions:membership_end", args=[seat.pk])).status_code == 302
    seat.refresh_from_db()
    assert seat.ended_on == timezone.localdate()

    assert client.get(detail).status_code == 404 and listed() == []
    assert api.get("/api/v1/cases/").json()["results"] == []
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert representation_for(magistrate, case) is None
    assert not magistrate.groups.filter(
        name=institution_group(w["institutions"]["parquet_arras"]).name
    ).exists()


# --- Revoking one share keeps the institution's other shares, later ones included ---


def test_revoking_todays_share_keeps_a_later_share_to_the_same_institution(setting):
    w, coord, magistrate, case = setting
    parquet = w["institutions"]["parquet_arras"]
    today = timezone.localdate()
    current = share(w, coord, case)
    later = share(w, coord, case, starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=40))

    disclosure_revoke(disclosure=current, by=coord)

    assert representation_for(magistrate, case) is None  # the later share has not started
    assert scoped_grant_held(case, parquet)
    with mock.patch("django.utils.timezone.localdate", return_value=later.starts_on):
        assert representation_for(magistrate, case) == Representation.SCOPED_SUMMARY
    disclosure_revoke(disclosure=later, by=coord)
    assert not scoped_grant_held(case, parquet)
    with mock.patch("django.utils.timezone.localdate", return_value=later.starts_on):
        assert representation_for(magistrate, case) is None


def test_an_ended_share_does_not_keep_the_grant(setting):
    w, coord, magistrate, case = setting
    parquet = w["institutions"]["parquet_arras"]
    long_ago = timezone.localdate() - timedelta(days=300)
    share(w, coord, case, decided_on=long_ago, starts_on=long_ago, ends_on=long_ago + timedelta(days=30))
    current = share(w, coord, case)
    disclosure_revoke(disclosure=current, by=coord)
    assert not scoped_grant_held(case, parquet)
