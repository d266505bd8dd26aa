"""Who reads indicators: the préfecture (its département), coordinators (their
partnership); everyone else 403, out-of-scope territories 404."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import Decision, Departement, Institution, Membership, ReferentDesignation
from indicators.access import may_read_indicators, scope_for
from permissions import services as access
from tests.factories import make_case, make_member, make_user, world

DASHBOARD = reverse("indicators:dashboard")
CSV = reverse("indicators:export-csv")
XLSX = reverse("indicators:export-xlsx")
API = "/api/v1/indicators/"


def coordinator(partnership, institution, role=Membership.Role.COORDONNATEUR):
    user = make_user(institution=institution)
    Membership.objects.create(user=user, partnership=partnership, institution=institution, role=role)
    return user


@pytest.fixture
def readers():
    """One user per role; the référent follows a 2024 case (no 2026 figure moves)."""
    w = world()
    inst, centre = w["institutions"], w["cells"]["Arras – centre"]
    case = make_case(centre, signaled_on=date(2024, 5, 5))
    decision = Decision.objects.create(
        case=case, kind="orientation", orientations=["referent"], decided_on=date(2024, 6, 1)
    )
    referent = make_user(institution=inst["prev_spe"])
    ReferentDesignation.objects.create(
        case=case,
        decision=decision,
        kind="referent",
        referent=referent,
        accepted_on=date(2024, 6, 5),
        opened_on=date(2024, 6, 1),
    )
    access.case_grant_referent(case=case, user=referent)
    return {
        "prefecture": make_user(institution=inst["prefecture"]),
        "coord_arras": coordinator(w["partnerships"]["arras"], inst["mairie_arras"]),
        "maire_arras": coordinator(
            w["partnerships"]["arras"], inst["mairie_arras"], Membership.Role.MAIRE_PRESIDENT
        ),
        "member": make_member(centre, institution=inst["college"]),
        "referent": referent,
        "magistrate": make_user(institution=inst["parquet_arras"]),
        "pjj": make_user(institution=inst["pjj"]),
        "superuser": make_user(is_superuser=True, is_staff=True),
    }


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize("who", ["member", "referent", "magistrate", "pjj", "superuser"])
def test_everyone_but_coordinators_and_the_prefecture_is_refused(client, readers, who):
    for url in (DASHBOARD, CSV, XLSX, API):
        assert get(client, readers[who], url, period="2026").status_code == 403, url


def test_the_prefecture_reads_every_territory_of_its_departement(client, plan, readers):
    user = readers["prefecture"]
    for spec in (
        "departement:62",
        f"partnership:{plan.lens_partnership.pk}",
        f"partnership:{plan.arras.pk}",
        f"cell:{plan.centre.pk}",
        f"arrondissement:{plan.centre.communes.first().arrondissement_id}",
    ):
        assert get(client, user, DASHBOARD, period="2026", territory=spec).status_code == 200, spec
        assert get(client, user, API, period="2026", territory=spec).status_code == 200, spec
    # Its default territory is the département.
    assert get(client, user, API, period="2026").json()["territory"]["spec"] == "departement:62"


def test_the_prefecture_of_another_departement_gets_404(client, plan):
    nord = Departement.objects.create(code="59", name="Nord")
    prefecture = Institution.objects.create(name="Préfecture du Nord", kind="prefecture", departement=nord)
    user = make_user(institution=prefecture)
    assert get(client, user, API, territory="departement:59").status_code == 200
    for spec in ("departement:62", f"partnership:{plan.arras.pk}", f"cell:{plan.lens.pk}"):
        assert get(client, user, API, territory=spec).status_code == 404
        assert get(client, user, DASHBOARD, territory=spec).status_code == 404


@pytest.mark.parametrize("who", ["coord_arras", "maire_arras"])
def test_a_coordinator_reads_their_partnership_and_its_cells_only(client, plan, readers, who):
    user = readers[who]
    assert get(client, user, API).json()["territory"]["spec"] == f"partnership:{plan.arras.pk}"
    for spec in (f"partnership:{plan.arras.pk}", f"cell:{plan.centre.pk}", f"cell:{plan.ouest.pk}"):
        assert get(client, user, DASHBOARD, territory=spec).status_code == 200
    for spec in (
        f"partnership:{plan.lens_partnership.pk}",
        f"cell:{plan.lens.pk}",
        "departement:62",
        f"arrondissement:{plan.centre.communes.first().arrondissement_id}",
    ):
        for url in (DASHBOARD, CSV, XLSX, API):
            assert get(client, user, url, territory=spec).status_code == 404, (url, spec)


def test_the_menu_check_agrees_with_the_scope(readers):
    """The drawer's one-query check (`may_read_indicators`) says yes exactly
    when the reader has a scope, for every role; an ended seat counts for nothing."""
    for who, user in readers.items():
        assert may_read_indicators(user) is (scope_for(user) is not None), who
    assert {who for who, user in readers.items() if may_read_indicators(user)} == {
        "prefecture",
        "coord_arras",
        "maire_arras",
    }
    Membership.objects.filter(user=readers["coord_arras"]).update(ended_on=date(2020, 1, 1))
    assert may_read_indicators(readers["coord_arras"]) is False


def test_an_ended_coordinator_membership_gives_no_access(client, plan, readers):
    Membership.objects.filter(user=readers["coord_arras"]).update(ended_on=date(2020, 1, 1))
    assert scope_for(readers["coord_arras"]) is None
    assert get(client, readers["coord_arras"], DASHBOARD).status_code == 403


def test_unknown_territories_answer_404_and_malformed_filters_400(client, readers):
    user = readers["prefecture"]
    assert get(client, user, API, territory="cell:999999").status_code == 404
    assert get(client, user, API, territory="departement:2A").status_code == 404
    for params in (
        {"period": "2026-13"},
        {"period": "S1-2026"},
        {"territory": "commune:1"},
        {"group_by": "nom"},
    ):
        response = get(client, user, API, **params)
        assert response.status_code == 400, params
        assert "invalide" in response.json()["detail"]
        assert get(client, user, DASHBOARD, **params).status_code == 400
        assert get(client, user, CSV, **params).status_code == 400


def test_anonymous_users_are_sent_to_login_or_get_401(client):
    assert client.get(DASHBOARD).status_code == 302
    assert client.get(CSV).status_code == 302
    assert client.get(API).status_code == 401


def test_the_api_accepts_a_token(client, readers):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=readers["prefecture"])
    response = client.get(API, {"period": "2026"}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
