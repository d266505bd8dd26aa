"""Django's admin: reference data and accounts only; no youth or case data, even for a superuser."""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils.text import capfirst
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models import Case, Cell, Institution, Partnership, User
from meetings.services import cell_need_to_know_set
from permissions.admin import (
    ACCOUNT_RESERVED,
    CELL_RIGHTS_LOCKED,
    DELETION_PROTECTED,
    DISCLOSABLE_INSTITUTION_REFUSED,
    DISCLOSABLE_KIND_REFUSED,
    INSTITUTION_KIND_LOCKED,
    MANAGED_GROUP_NAME_REFUSED,
    PASSWORD_RESERVED,
    CountsOnlyDeletion,
)
from permissions.disclosures import disclosure_create
from permissions.models import BreakGlassGrant
from permissions.services import (
    administrators_group,
    cell_members_group,
    institution_group,
    user_sync_groups,
)
from permissions.visibility import representation_for
from tests.factories import (
    give_seat,
    justice_cell,
    make_case,
    make_disclosure_reader,
    make_member,
    make_user,
    world,
)

CASE_DATA_MODELS = [
    "casework/youth",
    "casework/case",
    "casework/casemotif",
    "casework/journalentry",
    "casework/bilan",
    "casework/decision",
    "casework/rappelalordre",
    "casework/cddfreferral",
    "casework/referentdesignation",
    "casework/pendingstep",
    "casework/membership",
    "permissions/disclosure",
    "permissions/accesslog",
    "permissions/charter",
    "permissions/chartersignature",
    "permissions/charterevent",
    "permissions/caseuserobjectpermission",
    "permissions/casegroupobjectpermission",
    "viewflow/process",
    "viewflow/task",
    # Logging in as someone: an API token minted for them, a TOTP device added to their account.
    "authtoken/tokenproxy",
    "authtoken/token",
    "otp_totp/totpdevice",
]


@pytest.fixture
def superuser(client):
    user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def admin_account(client):
    user = make_user("admin", is_staff=True)
    user.groups.add(administrators_group())
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", CASE_DATA_MODELS)
def test_a_superuser_cannot_reach_case_data_through_the_admin(client, superuser, model):
    case = make_case(world()["cells"]["Arras – centre"])
    for path in (f"/admin/{model}/", f"/admin/{model}/{case.pk}/change/", f"/admin/{model}/add/"):
        assert client.get(path).status_code == 404, path


def test_the_admin_index_lists_no_case_data(client, superuser):
    page = client.get("/admin/").content.decode()
    assert "/admin/casework/institution/" in page
    for model in CASE_DATA_MODELS:
        assert f"/admin/{model}/" not in page


@pytest.mark.parametrize(
    "model",
    ["casework/institution", "casework/commune", "casework/cell", "casework/partnership", "casework/user"],
)
def test_the_admin_account_manages_reference_data_and_accounts(client, admin_account, model):
    world()
    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/add/").status_code == 200


def test_the_administrators_group_has_no_case_permission():
    codenames = set(administrators_group().permissions.values_list("content_type__model", flat=True))
    assert codenames == {
        "departement",
        "arrondissement",
        "tribunaljudiciaire",
        "commune",
        "partnership",
        "cell",
        "institution",
        "stepdeadline",
        "user",
        "group",
    }
    assert not administrators_group().permissions.filter(codename="delete_user").exists()


def test_managed_groups_are_neither_listed_nor_assignable(client, admin_account):
    w = world()
    group = cell_members_group(w["cells"]["Arras – centre"])
    assert group.name.encode() not in client.get("/admin/auth/group/").content
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 302  # "does not exist" redirect
    target = make_user("cible", institution=w["institutions"]["college"])
    form = client.get(f"/admin/casework/user/{target.pk}/change/").content.decode()
    assert group.name not in form
    assert 'name="is_superuser"' not in form


def test_changing_an_institution_in_the_admin_syncs_groups(client, admin_account):
    """The institution's group needs a signed seat too (the charter gate): a
    seated agent joins it at once, an agent without a seat does not."""
    w = world()
    agent = give_seat(
        make_user("agent", institution=w["institutions"]["college"]), justice_cell(w["partnerships"]["arras"])
    )
    seatless = make_user("sans-siege", institution=w["institutions"]["college"])
    seat_group = cell_members_group(justice_cell(w["partnerships"]["arras"])).name
    assert list(agent.groups.values_list("name", flat=True)) == [seat_group]
    for account in (agent, seatless):
        account.institution = w["institutions"]["parquet_arras"]
        account.save()
    assert set(agent.groups.values_list("name", flat=True)) == {
        seat_group,
        f"institution:{w['institutions']['parquet_arras'].pk}:agents",
    }
    assert not seatless.groups.exists()


def test_saving_an_account_keeps_its_managed_groups(client, superuser):
    w = world()
    agent = make_disclosure_reader(
        w["partnerships"]["arras"], institution=w["institutions"]["pjj"], username="agent"
    )
    staff_group = Group.objects.create(name="Équipe")
    response = client.post(
        f"/admin/casework/user/{agent.pk}/change/",
        {
            "username": "agent",
            "first_name": "A",
            "last_name": "B",
            "email": "",
            "institution": w["institutions"]["pjj"].pk,
            "is_active": "on",
            "groups": [staff_group.pk],
            "last_login_0": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(agent.groups.values_list("name", flat=True)) == {
        "Équipe",
        cell_members_group(justice_cell(w["partnerships"]["arras"])).name,
        f"institution:{w['institutions']['pjj'].pk}:agents",
    }


def test_an_account_manager_cannot_choose_their_own_institution(client, admin_account):
    w = world()
    parquet = w["institutions"]["parquet_arras"]
    own = f"/admin/casework/user/{admin_account.pk}/change/"
    form = client.get(own).content.decode()
    assert 'name="institution"' not in form and 'name="is_staff"' not in form
    response = client.post(
        own,
        {
            "username": "admin",
            "first_name": "A",
            "last_name": "B",
            "email": "",
            "institution": parquet.pk,
            "is_active": "on",
            "is_staff": "on",
            "last_login_0": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    admin_account.refresh_from_db()
    assert admin_account.institution is None
    assert not admin_account.groups.filter(name__startswith="institution:").exists()
    # Another account's institution is theirs to set.
    target = make_user("cible", institution=w["institutions"]["college"])
    assert 'name="institution"' in client.get(f"/admin/casework/user/{target.pk}/change/").content.decode()


NEW_PASSWORD = {"password1": "Xk9!pqZ#2vLm", "password2": "Xk9!pqZ#2vLm", "usable_password": "true"}


def account_form(user, **changes) -> dict:
    """The change form of `user` as the admin posts it, with `changes`."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "institution": user.institution_id or "",
        "is_active": "on",
        "last_login_0": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Logging in as someone else: API tokens and TOTP devices stay out of the admin ---------


def test_a_superuser_cannot_mint_a_token_or_a_device_for_someone_else(client, superuser, coord, cell):
    case = make_case(cell, last_name="Secret")
    assert client.post("/admin/authtoken/tokenproxy/add/", {"user": coord.pk}).status_code == 404
    assert client.post("/admin/otp_totp/totpdevice/add/", {"user": coord.pk, "name": "x"}).status_code == 404
    assert not Token.objects.filter(user=coord).exists()
    assert not TOTPDevice.objects.filter(user=coord).exists()
    # Their own token still comes from the API's login (password, and the second factor when required).
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": coord.username, "password": "pw"}, format="json")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert case.pk in [row["id"] for row in api.get("/api/v1/cases/").json()["results"]]


# --- Account managers: no puppet in the parquet, the PJJ or the SPIP ------------------------


@pytest.mark.parametrize("institution", ["parquet_arras", "pjj", "spip"])
def test_an_account_manager_cannot_attach_an_account_to_an_institution_that_reads_disclosures(
    client, admin_account, coord, cell, w, institution
):
    case = make_case(cell, last_name="Partage")
    disclosure_create(case=case, institution=w["institutions"][institution], reason="Protocole", by=coord)
    password = "Xk9!pqZ#2vLm"
    response = client.post(
        "/admin/casework/user/add/",
        {"username": "marionnette", "password1": password, "password2": password, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    puppet = User.objects.get(username="marionnette")
    change = f"/admin/casework/user/{puppet.pk}/change/"
    offered = client.get(change).context["adminform"].form.fields["institution"].queryset
    assert w["institutions"]["college"] in offered
    assert not offered.filter(kind__in=Institution.DISCLOSABLE_KINDS).exists()
    # A hand-made POST is refused too, and says why.
    response = client.post(change, account_form(puppet, institution=w["institutions"][institution].pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["institution"] == [DISCLOSABLE_INSTITUTION_REFUSED]
    puppet.refresh_from_db()
    assert puppet.institution is None
    assert not puppet.groups.exists()
    assert representation_for(puppet, case) is None


def test_a_superuser_attaches_an_account_to_the_parquet(client, superuser, w):
    # Seated in the CLSPD as a college agent, then attached to the parquet.
    target = give_seat(
        make_user("substitut", institution=w["institutions"]["college"]),
        justice_cell(w["partnerships"]["arras"]),
    )
    response = client.post(
        f"/admin/casework/user/{target.pk}/change/",
        account_form(target, institution=w["institutions"]["parquet_arras"].pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert institution_group(w["institutions"]["parquet_arras"]).name in set(
        target.groups.values_list("name", flat=True)
    )


@pytest.mark.parametrize("kind", ["superuser", "manager", "magistrate"])
def test_an_account_manager_cannot_change_accounts_only_a_superuser_manages(client, admin_account, w, kind):
    target = {
        "superuser": lambda: make_user("root", is_staff=True, is_superuser=True),
        "manager": lambda: make_user("gestionnaire2", is_staff=True),
        "magistrate": lambda: make_user("magistrat", institution=w["institutions"]["parquet_arras"]),
    }[kind]()
    change = f"/admin/casework/user/{target.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200  # still listed and readable
    body = unescape(page.content.decode())
    assert 'name="username"' not in body and 'name="email"' not in body
    assert ACCOUNT_RESERVED in body
    assert client.post(change, account_form(target, email="pirate@example.invalid")).status_code == 403
    password = f"/admin/casework/user/{target.pk}/password/"
    for response in (
        client.get(password, follow=True),
        client.post(password, NEW_PASSWORD, follow=True),
    ):
        assert response.redirect_chain == [(change, 302)]
        assert PASSWORD_RESERVED in unescape(response.content.decode())
    target.refresh_from_db()
    assert target.email == "" and target.check_password("pw")


def test_an_account_manager_manages_other_accounts_and_their_own_password(client, admin_account, w):
    target = make_user("agent", institution=w["institutions"]["college"])
    for account in (target, admin_account):
        response = client.post(f"/admin/casework/user/{account.pk}/password/", NEW_PASSWORD)
        assert response.status_code == 302, response.content.decode()[:2000]
        account.refresh_from_db()
        assert account.check_password("Xk9!pqZ#2vLm")
    response = client.post(
        f"/admin/casework/user/{target.pk}/change/",
        account_form(target, email="agent@example.invalid", institution=w["institutions"]["police"].pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert (target.email, target.institution) == ("agent@example.invalid", w["institutions"]["police"])


def test_an_account_manager_does_not_choose_the_password_of_a_seated_member(client, admin_account, cell, w):
    member = make_member(cell, institution=w["institutions"]["college"])
    change = f"/admin/casework/user/{member.pk}/change/"
    password = f"/admin/casework/user/{member.pk}/password/"
    response = client.post(password, NEW_PASSWORD, follow=True)
    assert response.redirect_chain == [(change, 302)]
    assert PASSWORD_RESERVED in unescape(response.content.decode())
    member.refresh_from_db()
    assert not member.check_password("Xk9!pqZ#2vLm")


def test_only_a_superuser_grants_staff_status(client, admin_account, w):
    target = make_user("agent", institution=w["institutions"]["college"])
    change = f"/admin/casework/user/{target.pk}/change/"
    assert 'name="is_staff"' not in client.get(change).content.decode()
    response = client.post(change, account_form(target, is_staff="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert not target.is_staff


# --- What a service re-syncs is read-only in the admin --------------------------------------


def test_a_cells_partnership_and_strict_need_to_know_are_read_only_once_created(
    client, admin_account, coord, cell, w
):
    case = make_case(cell, last_name="Strict")
    member = make_member(cell, institution=w["institutions"]["college"])
    change = f"/admin/casework/cell/{cell.pk}/change/"
    body = unescape(client.get(change).content.decode())
    assert 'name="strict_need_to_know"' not in body and 'name="partnership"' not in body
    assert "menu « Séances »" in CELL_RIGHTS_LOCKED and CELL_RIGHTS_LOCKED in body
    response = client.post(
        change,
        {
            "partnership": w["partnerships"]["lens"].pk,
            "name": cell.name,
            "kind": cell.kind,
            "communes": [c.pk for c in cell.communes.all()],
            "strict_need_to_know": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.partnership, stored.strict_need_to_know) == (w["partnerships"]["arras"], False)
    assert representation_for(member, case) == "cell_summary"
    # The Séances screen's service switches it and re-syncs the grants.
    cell_need_to_know_set(cell=cell, strict=True, by=coord)
    assert representation_for(member, case) is None
    # A new cell has no case yet: both are set on creation.
    add = client.get("/admin/casework/cell/add/").content.decode()
    assert 'name="strict_need_to_know"' in add and 'name="partnership"' in add


def test_the_kind_of_an_institution_in_use_is_read_only(client, admin_account, w):
    college = w["institutions"]["college"]
    agent = make_user("agent", institution=college)
    change = f"/admin/casework/institution/{college.pk}/change/"
    body = unescape(client.get(change).content.decode())
    assert 'name="kind"' not in body and INSTITUTION_KIND_LOCKED in body
    response = client.post(
        change,
        {"name": college.name, "kind": Institution.Kind.PARQUET, "departement": college.departement_id or ""},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    college.refresh_from_db()
    assert college.kind == Institution.Kind.EDUCATION_NATIONALE
    user_sync_groups(user=agent)
    assert not agent.groups.exists()
    # Unused, its kind is still a typo to fix.
    police = w["institutions"]["police"]
    assert 'name="kind"' in client.get(f"/admin/casework/institution/{police.pk}/change/").content.decode()


# --- Institutions that coordinators share with: a superuser's reference data -----------------


@pytest.mark.parametrize("kind", sorted(Institution.DISCLOSABLE_KINDS))
def test_an_account_manager_cannot_create_an_institution_that_reads_disclosures(
    client, admin_account, w, kind
):
    add = "/admin/casework/institution/add/"
    offered = [value for value, _ in client.get(add).context["adminform"].form.fields["kind"].choices]
    assert Institution.Kind.EDUCATION_NATIONALE in offered
    assert not set(offered) & Institution.DISCLOSABLE_KINDS
    before = Institution.objects.count()
    response = client.post(add, {"name": "Parquet de Béthune (copie)", "kind": kind, "departement": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kind"] == [DISCLOSABLE_KIND_REFUSED]
    assert Institution.objects.count() == before


def test_an_account_manager_cannot_rename_retype_or_delete_the_parquet(client, admin_account, w):
    parquet = w["institutions"]["parquet_arras"]
    change = f"/admin/casework/institution/{parquet.pk}/change/"
    response = client.get(change)
    assert response.status_code == 200
    body = unescape(response.content.decode())
    assert parquet.name in body and 'name="name"' not in body  # shown, not editable
    response = client.post(
        change, {"name": "Autre", "kind": Institution.Kind.POLICE_NATIONALE, "departement": ""}
    )
    assert response.status_code == 403
    assert (
        client.post(f"/admin/casework/institution/{parquet.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    parquet.refresh_from_db()
    assert (parquet.name, parquet.kind) == (w["institutions"]["parquet_arras"].name, Institution.Kind.PARQUET)
    # An unused institution of another kind cannot become one either.
    police = w["institutions"]["police"]
    response = client.post(
        f"/admin/casework/institution/{police.pk}/change/",
        {"name": police.name, "kind": Institution.Kind.PJJ, "departement": ""},
    )
    assert response.context["adminform"].form.errors["kind"] == [DISCLOSABLE_KIND_REFUSED]
    police.refresh_from_db()
    assert police.kind not in Institution.DISCLOSABLE_KINDS


def test_a_superuser_creates_a_parquet(client, superuser, w):
    response = client.post(
        "/admin/casework/institution/add/",
        {"name": "Parquet de Béthune", "kind": Institution.Kind.PARQUET, "departement": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Institution.objects.get(name="Parquet de Béthune").kind == Institution.Kind.PARQUET


@pytest.mark.parametrize("model", ["partnership", "cell"])
def test_communes_are_searched_not_listed(client, admin_account, w, model):
    """The communes table holds every commune of France: the form lists none, a search finds them."""
    commune = w["cells"]["Arras – centre"].communes.first()
    add = client.get(f"/admin/casework/{model}/add/").content.decode()
    select = re.search(r'<select name="communes".*?</select>', add, re.S).group(0)
    assert 'data-field-name="communes"' in select and "<option" not in select
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "casework", "model_name": model, "field_name": "communes", "term": commune.name[:4]},
    ).json()
    assert str(commune.pk) in [row["id"] for row in found["results"]]


# --- Deleting: the confirmation pages count what hangs off an object, never name it ----------

YOUTH_FIRST_NAME, YOUTH_LAST_NAME = "Zéphyrine", "Confidentielle"
CASES_COUNTED = f"{capfirst(Case._meta.verbose_name_plural)} : 1"


def test_every_admin_of_the_site_counts_instead_of_naming():
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, CountsOnlyDeletion), model


def deletion_pages(client, model: str, pk: int) -> list:
    """The delete page (shown, then confirmed) and the "delete selected" action (asked, then confirmed)."""
    changelist = f"/admin/casework/{model}/"
    delete = f"{changelist}{pk}/delete/"
    bulk = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [pk]}
    return [
        client.get(delete),
        client.post(delete, {"post": "yes"}),
        client.post(changelist, bulk),
        client.post(changelist, {**bulk, "post": "yes"}),
    ]


@pytest.mark.parametrize("model", ["commune", "partnership", "cell", "institution"])
def test_deleting_what_cases_hang_off_names_no_youth_nor_case_and_is_refused(
    client, admin_account, cell, model
):
    source = Institution.objects.create(name="Collège Jean Moulin", kind=Institution.Kind.EDUCATION_NATIONALE)
    case = make_case(cell, first_name=YOUTH_FIRST_NAME, last_name=YOUTH_LAST_NAME, source_institution=source)
    target = {
        "commune": case.commune,
        "partnership": case.partnership,
        "cell": case.cell,
        "institution": source,
    }[model]
    for response in deletion_pages(client, model, target.pk):
        assert response.status_code == 200  # the confirmation page again: nothing deleted
        body = unescape(response.content.decode())
        for secret in (YOUTH_FIRST_NAME, YOUTH_LAST_NAME, case.reference):
            assert secret not in body
        assert DELETION_PROTECTED in body
        assert CASES_COUNTED in body
    assert type(target).objects.filter(pk=target.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()


def test_deleting_an_account_names_no_case(client, superuser, cell):
    """A superuser deletes accounts: what cascades with one (here a break-glass request) is counted."""
    case = make_case(cell, first_name=YOUTH_FIRST_NAME, last_name=YOUTH_LAST_NAME)
    account = make_user("demandeur")
    BreakGlassGrant.objects.create(case=case, requested_by=account, reason="Urgence")
    response = client.get(f"/admin/casework/user/{account.pk}/delete/")
    assert response.status_code == 200
    body = unescape(response.content.decode())
    assert case.reference not in body and YOUTH_LAST_NAME not in body
    assert f"{capfirst(BreakGlassGrant._meta.verbose_name_plural)}: 1" in body  # Django's summary, a count


def test_reference_data_without_dependents_is_still_deleted(client, admin_account, w):
    spare = [
        Institution.objects.create(name=f"Association {n}", kind=Institution.Kind.ASSOCIATION) for n in (1, 2)
    ]
    delete = f"/admin/casework/institution/{spare[0].pk}/delete/"
    page = unescape(client.get(delete).content.decode())
    assert "Institution : Association 1" in page and DELETION_PROTECTED not in page
    assert client.post(delete, {"post": "yes"}).status_code == 302
    bulk = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [spare[1].pk]}
    assert "Institution : Association 2" in unescape(
        client.post("/admin/casework/institution/", bulk).content.decode()
    )
    assert client.post("/admin/casework/institution/", {**bulk, "post": "yes"}).status_code == 302
    assert not Institution.objects.filter(pk__in=[i.pk for i in spare]).exists()


# --- Groups: no admin-made group passes for a managed one -----------------------------------


def managed_names(w, cell) -> list[str]:
    return [
        f"cellule:{cell.pk}:membres-signataires",
        f"partenariat:{cell.partnership_id}:coordonnateurs",
        f"institution:{w['institutions']['parquet_arras'].pk}:agents",
        f"Cellule:{cell.pk}:membres-signataires",  # a lookalike in the accounts' groups widget
    ]


def test_a_group_cannot_be_created_under_a_managed_name(client, admin_account, w, cell):
    for name in managed_names(w, cell):
        response = client.post("/admin/auth/group/add/", {"name": name})
        assert response.status_code == 200, name
        assert response.context["adminform"].form.errors["name"] == [MANAGED_GROUP_NAME_REFUSED]
        assert MANAGED_GROUP_NAME_REFUSED in unescape(response.content.decode())
        assert not Group.objects.filter(name__iexact=name).exists()
    response = client.post("/admin/auth/group/add/", {"name": "Équipe départementale"})
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Group.objects.filter(name="Équipe départementale").exists()


def test_a_group_cannot_be_renamed_to_a_managed_name(client, admin_account, w, cell):
    """The attack: a group of one's own, a user in it, then the name of a cell's group that no
    signed member has created yet: the user would read the cell's cases without any seat."""
    insider = make_user("complice", institution=w["institutions"]["college"])
    group = Group.objects.create(name="tmp")
    insider.groups.add(group)
    change = f"/admin/auth/group/{group.pk}/change/"
    for name in managed_names(w, cell):
        assert not Group.objects.filter(name=name).exists()  # free: only the form stands in the way
        response = client.post(change, {"name": name})
        assert response.status_code == 200, name
        assert response.context["adminform"].form.errors["name"] == [MANAGED_GROUP_NAME_REFUSED]
        group.refresh_from_db()
        assert group.name == "tmp"
    response = client.post(change, {"name": "Référents du collège"})
    assert response.status_code == 302, response.content.decode()[:1500]
    group.refresh_from_db()
    assert group.name == "Référents du collège"
    assert list(insider.groups.values_list("name", flat=True)) == ["Référents du collège"]


def test_managed_groups_cannot_be_renamed_nor_deleted(client, admin_account, cell):
    group = cell_members_group(cell)
    assert client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "Libre"}).status_code == 302
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 302
    bulk = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [group.pk], "post": "yes"}
    client.post("/admin/auth/group/", bulk)
    assert Group.objects.filter(pk=group.pk, name=group.name).exists()
    request = RequestFactory().get("/admin/auth/group/")
    request.user = admin_account
    model_admin = admin.site.get_model_admin(Group)
    assert not model_admin.has_change_permission(request, group)
    assert not model_admin.has_delete_permission(request, group)


def test_a_new_partnership_or_cell_has_its_managed_group_from_the_start(client, admin_account, w):
    commune = w["cells"]["Arras – centre"].communes.first()
    response = client.post(
        "/admin/casework/partnership/add/",
        {
            "name": "CLSPD de Béthune",
            "kind": Partnership.Kind.CLSPD,
            "code": "BET",
            "communes": [commune.pk],
            "is_active": "on",
            "deadlines-TOTAL_FORMS": "0",
            "deadlines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    partnership = Partnership.objects.get(code="BET")
    response = client.post(
        "/admin/casework/cell/add/",
        {
            "partnership": partnership.pk,
            "name": "Béthune – centre",
            "kind": Cell.Kind.COMMUNALE,
            "communes": [commune.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    new_cell = Cell.objects.get(name="Béthune – centre")
    assert Group.objects.filter(name=f"partenariat:{partnership.pk}:coordonnateurs").exists()
    assert Group.objects.filter(name=f"cellule:{new_cell.pk}:membres-signataires").exists()


def test_permissions_are_offered_with_french_labels(client, superuser):
    for page in ("/admin/auth/group/add/", f"/admin/casework/user/{superuser.pk}/change/"):
        html = unescape(client.get(page).content.decode())
        assert "| jeune | Peut voir" in html, page
        assert "Can view" not in html and "Can add" not in html, page
