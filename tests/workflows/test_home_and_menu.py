"""Where each account lands, and what the case list offers it."""

from django.urls import reverse

from tests.factories import make_member, make_user, world


def test_a_prefecture_agent_lands_on_the_indicators(client):
    client.force_login(make_user(institution=world()["institutions"]["prefecture"]))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("indicators:dashboard")


def test_a_cell_member_lands_on_the_case_list_with_the_signalement_button(client):
    w = world()
    client.force_login(make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"]))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("situations:index")
    assert reverse("case:start:execute") in response.content.decode()


def test_an_account_that_cannot_signal_gets_no_signalement_button(client):
    client.force_login(make_user(institution=world()["institutions"]["parquet_arras"]))
    response = client.get(reverse("situations:index"))
    assert response.status_code == 200
    assert reverse("case:start:execute") not in response.content.decode()


def test_coordinators_get_the_confidentiality_menu_and_members_do_not(client):
    from tests.factories import make_coordinator

    w = world()
    coordinator = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    client.force_login(coordinator)
    page = client.get(reverse("situations:index")).content.decode()
    assert reverse("confidentialite:index") in page
    menu = client.get(reverse("confidentialite:index"), follow=True).content.decode()
    assert reverse("privacy:archive_list") in menu and reverse("privacy:breakglass_review") in menu
    client.force_login(member)
    page = client.get(reverse("situations:index")).content.decode()
    assert reverse("confidentialite:index") not in page
