"""Django's admin: reference data and accounts only; no youth or case data, even for a superuser."""

import pytest
from django.contrib.auth.models import Group

from permissions.services import administrators_group, cell_members_group, user_sync_groups
from tests.factories import make_case, make_user, world

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
    w = world()
    agent = make_user("agent", institution=w["institutions"]["college"])
    assert not agent.groups.exists()
    agent.institution = w["institutions"]["parquet_arras"]
    agent.save()
    assert list(agent.groups.values_list("name", flat=True)) == [
        f"institution:{w['institutions']['parquet_arras'].pk}:agents"
    ]


def test_saving_an_account_keeps_its_managed_groups(client, superuser):
    w = world()
    agent = make_user("agent", institution=w["institutions"]["pjj"])
    user_sync_groups(user=agent)
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
