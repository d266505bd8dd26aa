"""Web screens of the charter: the gate, signing, adoption, memberships, disclosures, access log."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Departement, Institution, Membership, Partnership
from permissions.access_log import log_access
from permissions.charter import membership_end, membership_start
from permissions.disclosures import add_months, disclosure_create
from permissions.forms import ACCOUNT_CHOICES_CAP
from permissions.models import AccessLog, CharterEvent, Disclosure
from permissions.services import current_charter
from permissions.views.charter import MEMBERSHIPS_PAGE
from permissions.visibility import visible_cases
from tests.factories import make_case, make_coordinator, make_member, make_user


@pytest.fixture
def coord(w):
    return make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])


@pytest.fixture
def case(w, coord):
    return make_case(w["cells"]["Arras – centre"])


def login(client, user):
    client.force_login(user)
    return client


class TestCharterGate:
    def test_an_unsigned_member_is_sent_to_the_signing_page_with_a_french_message(self, client, w, case):
        member = make_member(
            w["cells"]["Arras – centre"], institution=w["institutions"]["college"], signed=False
        )
        detail = reverse("situations:detail", args=[case.pk])
        response = login(client, member).get(detail, follow=True)
        assert (
            response.redirect_chain[0][0]
            == f"{reverse('permissions:charter_sign')}?next={detail.replace('/', '%2F')}"
        )
        page = response.content.decode()
        assert "Vous devez signer la charte de confidentialité du CLSPD d&#x27;Arras (version 1)" in page
        assert "Charte de test" in page

    def test_signing_opens_the_page_asked_for(self, client, w, case):
        member = make_member(
            w["cells"]["Arras – centre"], institution=w["institutions"]["college"], signed=False
        )
        detail = reverse("situations:detail", args=[case.pk])
        login(client, member)
        response = client.post(
            reverse("permissions:charter_sign"),
            {"charter": current_charter(w["partnerships"]["arras"]).pk, "next": detail},
        )
        assert response["Location"] == detail
        assert client.get(detail).status_code == 200

    def test_an_external_next_is_ignored(self, client, w, case):
        member = make_member(
            w["cells"]["Arras – centre"], institution=w["institutions"]["college"], signed=False
        )
        response = login(client, member).post(
            reverse("permissions:charter_sign"),
            {"charter": current_charter(w["partnerships"]["arras"]).pk, "next": "https://evil.example/"},
        )
        assert response["Location"] == "/"

    def test_a_member_cannot_sign_another_partnerships_charter(self, client, w, case):
        member = make_member(w["cells"]["Lens-Liévin"], institution=w["institutions"]["police"], signed=False)
        response = login(client, member).post(
            reverse("permissions:charter_sign"), {"charter": current_charter(w["partnerships"]["arras"]).pk}
        )
        assert response.status_code == 404

    def test_accounts_without_membership_are_not_gated(self, client, w, case):
        magistrate = make_user(institution=w["institutions"]["parquet_arras"])
        assert login(client, magistrate).get(reverse("situations:index")).status_code == 200

    def test_a_new_version_sends_the_coordinator_back_to_sign(self, client, coord, w, case):
        login(client, coord)
        response = client.post(
            reverse("permissions:charter_manage", args=[w["partnerships"]["arras"].pk]),
            {"text": "Version 2 du texte", "adopted_on": timezone.localdate().isoformat()},
        )
        assert response.status_code == 302
        detail = reverse("situations:detail", args=[case.pk])
        assert client.get(detail)["Location"].startswith(reverse("permissions:charter_sign"))
        assert b"Version 2 du texte" in client.get(reverse("permissions:charter_sign")).content


class TestCoordinatorScreens:
    def test_charter_page_lists_who_signed(self, client, coord, w):
        make_member(
            w["cells"]["Arras – centre"], institution=w["institutions"]["mission_locale"], signed=False
        )
        page = login(client, coord).get(
            reverse("permissions:charter_manage", args=[w["partnerships"]["arras"].pk])
        )
        assert page.status_code == 200
        assert page.content.decode().count("non signée : aucun accès") == 1

    def test_charter_page_shows_pending_signatures_first_a_page_at_a_time(
        self, client, coord, w, monkeypatch
    ):
        monkeypatch.setattr("permissions.views.charter.SIGNATURES_PAGE", 2)
        cell = w["cells"]["Arras – centre"]
        for name in ("Bernard", "Durand"):
            make_member(cell, institution=w["institutions"]["college"], last_name=name, first_name="Signé")
        for name in ("Adam", "Caron", "Zola"):
            make_member(cell, institution=w["institutions"]["police"], last_name=name, signed=False)
        url = reverse("permissions:charter_manage", args=[w["partnerships"]["arras"].pk])
        login(client, coord)

        def rows(response) -> list[str]:
            return [
                row.split("</td>")[0]
                for row in response.content.decode().split("<tr><td>")[1:]
                if "badge" in row.split("</tr>")[0]
            ]

        first = client.get(url)
        # The coordinator and two members signed; three members did not.
        tally = first.content.decode().split('data-testid="signature-tally">')[1].split("\n")[0]
        assert tally == "6 sièges en cours : 3 signés, 3 en attente de signature (sans accès)."
        assert [row.split()[-1] for row in rows(first)] == ["Adam", "Caron"]
        assert "Page 1 sur 3" in first.content.decode()
        assert [row.split()[-1] for row in rows(client.get(url, {"page": 2}))][0] == "Zola"
        pending = client.get(url, {"signature": "en-attente", "page": 2})
        assert [row.split()[-1] for row in rows(pending)] == ["Zola"]
        assert "Page 2 sur 2" in pending.content.decode()
        assert "non signée : aucun accès" in pending.content.decode()
        assert ">signée</span>" not in pending.content.decode()

    def test_charter_page_of_a_partnership_without_charter(self, client, w):
        partnership = Partnership.objects.create(
            name="CLSPD sans charte", kind=Partnership.Kind.CLSPD, code="SC1"
        )
        coordinator = make_user(institution=w["institutions"]["mairie_arras"])
        Membership.objects.create(
            user=coordinator,
            partnership=partnership,
            institution=coordinator.institution,
            role=Membership.Role.COORDONNATEUR,
        )
        url = reverse("permissions:charter_manage", args=[partnership.pk])

        for query in ({}, {"signature": "en-attente"}):
            page = login(client, coordinator).get(url, query)
            assert page.status_code == 200
            assert (
                "Aucune charte adoptée : aucun membre n'a accès aux données nominatives."
                in page.content.decode()
            )
            assert "Adopter la version 1" in page.content.decode()

    @pytest.mark.parametrize("name", ["permissions:charter_manage", "permissions:memberships"])
    def test_others_get_404(self, client, w, name):
        member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
        other = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
        url = reverse(name, args=[w["partnerships"]["arras"].pk])
        assert login(client, member).get(url).status_code == 404
        assert login(client, other).get(url).status_code == 404

    def test_add_and_end_a_membership(self, client, coord, w, case):
        newcomer = make_user(institution=w["institutions"]["police"])
        login(client, coord)
        url = reverse("permissions:memberships", args=[w["partnerships"]["arras"].pk])
        response = client.post(
            url,
            {
                "user": newcomer.pk,
                "role": Membership.Role.MEMBRE,
                "cell": w["cells"]["Arras – centre"].pk,
                "institution": w["institutions"]["police"].pk,
            },
        )
        assert response.status_code == 302
        membership = Membership.objects.get(user=newcomer)
        response = client.post(reverse("permissions:membership_end", args=[membership.pk]))
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.ended_on == timezone.localdate()
        kinds = set(CharterEvent.objects.filter(subject=newcomer).values_list("kind", flat=True))
        assert kinds == {CharterEvent.Kind.MEMBERSHIP_STARTED, CharterEvent.Kind.MEMBERSHIP_ENDED}

    def test_a_refused_membership_shows_the_service_message(self, client, coord, w):
        response = login(client, coord).post(
            reverse("permissions:memberships", args=[w["partnerships"]["arras"].pk]),
            {
                "user": make_user(institution=w["institutions"]["police"]).pk,
                "role": Membership.Role.MEMBRE,
                "institution": w["institutions"]["police"].pk,
            },
        )
        assert response.status_code == 400
        assert "doit être rattaché à une cellule" in response.content.decode()

    def test_the_accounts_offered_are_those_of_the_partnership_s_departement(self, client, coord, w):
        nord = Departement.objects.create(code="59", name="Nord")
        lille = Institution.objects.create(
            name="Commissariat de Lille", kind=Institution.Kind.POLICE_NATIONALE, departement=nord
        )
        outsider = make_user("lille", institution=lille)
        local = make_user("arras", institution=w["institutions"]["police"])
        unattached = make_user("sans_institution")
        url = reverse("permissions:memberships", args=[w["partnerships"]["arras"].pk])
        form = login(client, coord).get(url).context["form"]
        accounts = set(form.fields["user"].queryset)
        assert local in accounts and outsider not in accounts and unattached not in accounts
        assert lille not in form.fields["institution"].queryset
        response = client.post(
            url,
            {
                "user": outsider.pk,
                "role": Membership.Role.MEMBRE,
                "cell": w["cells"]["Arras – centre"].pk,
                "institution": w["institutions"]["police"].pk,
            },
        )
        assert response.status_code == 400 and not Membership.objects.filter(user=outsider).exists()
        assert "lille" not in response.content.decode().lower()


class TestMembershipsAtScale:
    """A département holds thousands of accounts and a partnership years of seats:
    the page lists a capped, searchable choice of accounts and a page of seats."""

    @pytest.fixture
    def url(self, w):
        return reverse("permissions:memberships", args=[w["partnerships"]["arras"].pk])

    @pytest.fixture
    def police(self, w):
        return w["institutions"]["police"]

    def _accounts(self, police, count, last_name="Agent"):
        return [
            make_user(
                institution=police, first_name=f"Prénom{i:02d}", last_name=last_name, email=f"a{i}@x.fr"
            )
            for i in range(count)
        ]

    def test_the_account_picker_lists_30_accounts_and_asks_to_narrow_the_search(
        self, client, coord, url, police
    ):
        self._accounts(police, ACCOUNT_CHOICES_CAP + 5)
        response = login(client, coord).get(url)
        form = response.context["form"]
        assert len(form.fields["user"].offered) == ACCOUNT_CHOICES_CAP
        assert len(re.findall(r'<option value="\d+"', self._account_select(response))) == ACCOUNT_CHOICES_CAP
        assert "précisez la recherche" in response.content.decode()

    @staticmethod
    def _account_select(response) -> str:
        """The markup of the account picker."""
        return re.search(r'<select name="user".*?</select>', response.content.decode(), re.S).group(0)

    def test_a_search_narrows_the_accounts_by_name_or_email_word_by_word(self, client, coord, url, police):
        self._accounts(police, ACCOUNT_CHOICES_CAP + 5)
        wanted = make_user(
            institution=police, first_name="Louise", last_name="Delattre", email="ld@police.fr"
        )
        make_user(institution=police, first_name="Louis", last_name="Martin", email="lm@police.fr")
        login(client, coord)
        form = client.get(url, {"compte": "louis delat"}).context["form"]
        assert form.fields["user"].offered == [wanted] and not form.more_accounts
        assert client.get(url, {"compte": "ld@police"}).context["form"].fields["user"].offered == [wanted]
        response = client.get(url, {"compte": "personne"})
        assert response.context["form"].fields["user"].offered == []
        assert "Aucun compte du département ne correspond à « personne »" in response.content.decode()

    def test_an_account_beyond_the_list_can_be_seated_and_stays_chosen_after_an_error(
        self, client, coord, url, police, w
    ):
        accounts = self._accounts(police, ACCOUNT_CHOICES_CAP + 5)
        last = accounts[-1]
        login(client, coord)
        assert last not in client.get(url).context["form"].fields["user"].offered
        # No cell for a member: the service refuses, the page keeps the account chosen.
        refused = client.post(
            url, {"user": last.pk, "role": Membership.Role.MEMBRE, "institution": police.pk}
        )
        assert refused.status_code == 400
        assert f'<option value="{last.pk}" selected>' in self._account_select(refused)
        seated = client.post(
            url,
            {
                "user": last.pk,
                "role": Membership.Role.MEMBRE,
                "cell": w["cells"]["Arras – centre"].pk,
                "institution": police.pk,
            },
        )
        assert seated.status_code == 302 and Membership.objects.filter(user=last).exists()

    def test_seats_come_50_a_page_current_first_and_can_be_searched(self, client, coord, url, police, w):
        partnership, cell = w["partnerships"]["arras"], w["cells"]["Arras – centre"]
        for index, account in enumerate(self._accounts(police, 60, last_name="Siège")):
            membership = membership_start(
                partnership=partnership,
                user=account,
                role=Membership.Role.MEMBRE,
                institution=police,
                cell=cell,
                by=coord,
            )
            if index < 20:
                membership_end(membership=membership, by=coord)
        login(client, coord)
        first = client.get(url)
        assert first.context["page"].paginator.count == 61  # the coordinator's seat too
        assert len(first.context["page"]) == MEMBERSHIPS_PAGE
        assert all(m.is_current for m in first.context["page"][:41])
        assert "Page 1 sur 2" in first.content.decode()
        second = client.get(url, {"page": 2})
        assert len(second.context["page"]) == 11 and not any(m.is_current for m in second.context["page"])
        found = client.get(url, {"membre": "prénom07 siège"})
        assert [m.user.first_name for m in found.context["page"]] == ["Prénom07"]
        assert "1 siège correspondant à « prénom07 siège »" in found.content.decode()


class TestDisclosureScreens:
    def test_share_with_the_default_end_then_revoke(self, client, coord, w, case):
        login(client, coord)
        url = reverse("permissions:disclosures", args=[case.pk])
        form = client.get(url)
        default_end = add_months(timezone.localdate(), 6)
        assert default_end.isoformat() in form.content.decode()
        response = client.post(
            url,
            {
                "institution": w["institutions"]["parquet_arras"].pk,
                "reason": "Protocole de rappel à l'ordre",
                "ends_on": default_end.isoformat(),
            },
        )
        assert response.status_code == 302
        disclosure = Disclosure.objects.get(case=case)
        assert "actif" in client.get(url).content.decode()
        client.post(reverse("permissions:disclosure_revoke", args=[case.pk, disclosure.pk]))
        disclosure.refresh_from_db()
        assert disclosure.revoked_by == coord

    def test_more_than_twelve_months_is_refused_in_french(self, client, coord, w, case):
        response = login(client, coord).post(
            reverse("permissions:disclosures", args=[case.pk]),
            {
                "institution": w["institutions"]["pjj"].pk,
                "reason": "Suivi",
                "ends_on": add_months(timezone.localdate(), 13).isoformat(),
            },
        )
        assert response.status_code == 400
        assert "Un partage dure au plus 12 mois" in response.content.decode()

    def test_only_disclosable_institutions_are_offered(self, client, coord, w, case):
        response = login(client, coord).post(
            reverse("permissions:disclosures", args=[case.pk]),
            {"institution": w["institutions"]["police"].pk, "reason": "x", "ends_on": "2099-01-01"},
        )
        assert response.status_code == 400
        assert not Disclosure.objects.exists()

    @pytest.mark.parametrize("name", ["permissions:disclosures", "permissions:access_log"])
    def test_a_member_who_sees_the_case_gets_403_a_stranger_404(self, client, w, case, name):
        member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
        stranger = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
        url = reverse(name, args=[case.pk])
        assert login(client, member).get(url).status_code == 403
        assert login(client, stranger).get(url).status_code == 404


def test_the_access_log_page_lists_who_saw_the_case(client, coord, w, case):
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    log_access(user=member, cases=visible_cases(member), channel="ui_detail")
    page = login(client, coord).get(reverse("permissions:access_log", args=[case.pk])).content.decode()
    assert "Collège Jean-Moulin (Arras)" in page
    assert "synthèse de cellule" in page
    assert "Fiche (écran)" in page


def test_the_ui_detail_and_list_write_the_access_log(client, coord, case):
    login(client, coord)
    client.get(reverse("situations:index"))
    client.get(reverse("situations:detail", args=[case.pk]))
    assert sorted(AccessLog.objects.filter(user=coord).values_list("channel", flat=True)) == [
        "ui_detail",
        "ui_list",
    ]


@pytest.mark.parametrize(
    ("name", "gated"),
    [
        ("situations:index", True),
        ("privacy:archive_list", True),
        ("indicators:dashboard", False),
        ("privacy:twofactor_setup", False),
    ],
)
def test_the_gate_covers_nominative_pages_not_aggregates(client, w, name, gated):
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"], signed=False)
    response = login(client, member).get(reverse(name))
    redirected = response.status_code == 302 and response["Location"].startswith(
        reverse("permissions:charter_sign")
    )
    assert redirected is gated


def test_the_case_file_lists_disclosures_and_links_coordinators_to_them(client, coord, w, case):
    disclosure_create(case=case, institution=w["institutions"]["pjj"], reason="Suivi", by=coord)
    page = login(client, coord).get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert "UEMO PJJ d&#x27;Arras" in page
    assert reverse("permissions:disclosures", args=[case.pk]) in page
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    page = login(client, member).get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert "UEMO PJJ" not in page
    assert reverse("permissions:disclosures", args=[case.pk]) not in page
