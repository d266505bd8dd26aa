"""Read API: authentication, representations, charter gate, enumeration, access log, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import JournalEntry, PendingStep
from casework.services.deadlines import step_flag_overdue, step_open
from permissions.access_log import log_access
from permissions.models import AccessLog
from permissions.visibility import visible_cases
from tests.factories import make_case, make_coordinator, world
from tests.permissions.test_matrix import api_client
from tests.permissions.test_twofactor import confirmed_device, current_code


@pytest.mark.parametrize(
    "url", ["/api/v1/cases/", "/api/v1/cases/1/", "/api/v1/cases/1/journal/", "/api/v1/cases/1/access-log/"]
)
def test_anonymous_calls_get_401_with_a_challenge(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_gets_401():
    response = APIClient().get("/api/v1/cases/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_token_login(cast):
    cast.users["membre"].set_password("correct horse battery")
    cast.users["membre"].save()
    client = APIClient()
    assert client.post("/api/v1/auth/token/", {"username": "membre", "password": "wrong"}).status_code == 400
    response = client.post(
        "/api/v1/auth/token/", {"username": "membre", "password": "correct horse battery"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listing = APIClient().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.status_code == 200
    assert listing.json()["count"] == 3


def test_the_token_endpoint_is_throttled(cast, settings):
    # The throttle alone: the lockout (5 failures, answered 403) is tested in
    # tests/config/test_security.py.
    settings.AXES_FAILURE_LIMIT = 100
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {"username": "membre", "password": "x"}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def test_session_authentication_works_for_the_browsable_api(cast, client):
    client.force_login(cast.users["coord_arras"])
    assert client.get("/api/v1/cases/").status_code == 200


def test_unsigned_member_gets_403_naming_the_charter(cast):
    response = api_client(cast.users["nonsigne"]).get(f"/api/v1/cases/{cast.cases['own_cell'].pk}/")
    assert response.status_code == 403
    assert "charte de confidentialité du CLSPD d'Arras (version 1)" in response.json()["detail"]


def test_pagination_shape(cast):
    response = api_client(cast.users["coord_arras"]).get("/api/v1/cases/", {"page_size": 3})
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 8
    assert len(body["results"]) == 3
    assert "page=2" in body["next"]
    assert body["previous"] is None


class TestPagination:
    """DRF's answers, from one walk of the visible cases (permissions.api.pagination)."""

    @pytest.fixture
    def api(self, cast):
        return api_client(cast.users["coord_arras"])

    def pages(self, api, **params):
        return api.get("/api/v1/cases/", {"page_size": 3, **params})

    def test_pages_cover_the_list_once_in_order(self, api):
        every = self.pages(api, page_size=100).json()["results"]
        pages = [self.pages(api, page=n).json() for n in (1, 2, 3)]
        assert [row["id"] for page in pages for row in page["results"]] == [row["id"] for row in every]
        assert [len(page["results"]) for page in pages] == [3, 3, 2]
        assert pages[2]["next"] is None
        assert "page=2" in pages[2]["previous"]

    def test_last_page(self, api):
        body = self.pages(api, page="last").json()
        assert body["count"] == 8
        assert len(body["results"]) == 2
        assert body["next"] is None

    @pytest.mark.parametrize("page", ["4", "0", "-1", "deux"])
    def test_a_page_that_is_not_one_answers_404(self, api, page):
        response = self.pages(api, page=page)
        assert response.status_code == 404
        assert response.json()["detail"] == "Page non valide."

    def test_the_browsable_api_links_the_pages(self, cast, client):
        client.force_login(cast.users["coord_arras"])
        html = client.get("/api/v1/cases/", {"page_size": 3}, HTTP_ACCEPT="text/html").content.decode()
        assert 'class="pagination' in html
        assert "page=3" in html

    def test_an_empty_list_has_its_first_page(self, cast):
        response = api_client(cast.users["prefecture"]).get("/api/v1/cases/")
        assert response.status_code == 200
        assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


class TestRelatedRowsFollowTheRepresentation:
    """A case loads the rows of the sections its representation shows, and no others."""

    def tables_read(self, user, url):
        with CaptureQueriesContext(connection) as ctx:
            response = api_client(user).get(url)
        assert response.status_code == 200
        return response.json(), " ".join(
            q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")
        )

    @pytest.mark.parametrize(
        ("account", "representation", "unread", "read"),
        [
            (
                "magistrat",
                "scoped_summary",
                ("casemotif", "bilan", "stallflag", "pendingstep", "journalentry", "disclosure"),
                "rappelalordre",  # its "measures" section
            ),
            (
                "membre",
                "cell_summary",
                ("rappelalordre", "cddfreferral", "journalentry", "disclosure"),
                "casemotif",
            ),
        ],
    )
    def test_a_summary_reads_only_the_rows_of_its_sections(self, cast, account, representation, unread, read):
        body, sql = self.tables_read(cast.users[account], "/api/v1/cases/")
        assert {row["representation"] for row in body["results"]} == {representation}
        for table in unread:
            assert not re.search(rf'FROM "\w+_{table}"', sql), table
        assert re.search(rf'FROM "\w+_{read}"', sql)

    def test_overdue_steps_are_read_for_the_cases_showing_them(self, cast):
        case = cast.cases["own_cell"]
        step = step_open(case=case, step=PendingStep.Step.EXAMEN, due_on=timezone.localdate())
        step_flag_overdue(step_id=step.pk)
        rows = {
            row["id"]: row for row in api_client(cast.users["membre"]).get("/api/v1/cases/").json()["results"]
        }
        assert rows[case.pk]["overdue"] is True
        assert all(row["overdue"] is False for pk, row in rows.items() if pk != case.pk)


def test_full_has_journal_and_free_text(cast):
    case = cast.cases["shared_parquet"]
    row = api_client(cast.users["coord_arras"]).get(f"/api/v1/cases/{case.pk}/").json()
    assert row["representation"] == "full"
    kinds = [e["kind"] for e in row["journal"]]
    assert kinds == [JournalEntry.Kind.SIGNALEMENT, JournalEntry.Kind.DISCLOSURE]
    assert row["journal"][1]["note"] == "Protocole"
    assert row["journal_total"] == 2
    assert row["journal_url"] == f"http://testserver/api/v1/cases/{case.pk}/journal/"
    assert row["disclosures"][0]["active"] is True
    assert row["youth"]["last_name"] == "Matricesharedparquet"


def test_cell_summary_keys(cast):
    case = cast.cases["shared_parquet"]
    row = api_client(cast.users["membre"]).get(f"/api/v1/cases/{case.pk}/").json()
    assert set(row) == {
        "id",
        "reference",
        "representation",
        "status",
        "youth",
        "age_at_signalement",
        "age",
        "commune",
        "cell",
        "motifs",
        "profil",
        "orientations",
        "overdue",
        "stalled",
        "stalled_reasons",
        "referent",
        "bilans",
    }
    assert row["representation"] == "cell_summary"
    assert row["motifs"] == ["absenteisme"]


def test_scoped_summary_keys(cast):
    case = cast.cases["shared_parquet"]
    row = api_client(cast.users["magistrat"]).get(f"/api/v1/cases/{case.pk}/").json()
    assert set(row) == {
        "id",
        "reference",
        "representation",
        "status",
        "youth",
        "age_at_signalement",
        "age",
        "signaled_on",
        "examined_on",
        "closed_on",
        "closure_reason",
        "orientations",
        "measures",
    }


def test_ids_cannot_be_enumerated(cast):
    """A stranger walking sequential ids gets the same 404 for existing and missing cases."""
    client = api_client(cast.users["coord_lens"])
    visible = cast.cases["other_partnership"].pk
    # The ids around the cast's (the per-user read throttle would stop a walk from 1).
    first, last = min(c.pk for c in cast.cases.values()), max(c.pk for c in cast.cases.values())
    bodies = set()
    for pk in range(max(1, first - 20), last + 20):
        response = client.get(f"/api/v1/cases/{pk}/")
        if pk == visible:
            assert response.status_code == 200
            continue
        assert response.status_code == 404
        bodies.add(response.content)
    assert len(bodies) == 1


@pytest.mark.parametrize("term", ["reference", "name"])
def test_searching_outside_the_scope_answers_like_searching_nothing(cast, term):
    client = api_client(cast.users["membre"])
    outside = cast.cases["other_partnership"]
    needle = outside.reference if term == "reference" else outside.youth.last_name
    nowhere = "LEN-1999-9999" if term == "reference" else "Personnenexistepas"
    found = client.get("/api/v1/cases/", {"search": needle})
    missing = client.get("/api/v1/cases/", {"search": nowhere})
    assert found.status_code == missing.status_code == 200
    assert found.json() == missing.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_search_ignores_accents_case_and_word_order(cast):
    client = api_client(cast.users["coord_arras"])
    case = cast.cases["own_cell"]
    results = client.get("/api/v1/cases/", {"search": f"JEAN {case.youth.last_name.upper()}"}).json()[
        "results"
    ]
    assert [r["reference"] for r in results] == [case.reference]
    by_reference = client.get("/api/v1/cases/", {"search": case.reference.lower()}).json()["results"]
    assert [r["reference"] for r in by_reference] == [case.reference]


class TestAccessLogEndpoint:
    def test_coordinator_reads_it(self, cast):
        case = cast.cases["own_cell"]
        api_client(cast.users["membre"]).get(f"/api/v1/cases/{case.pk}/")
        response = api_client(cast.users["coord_arras"]).get(f"/api/v1/cases/{case.pk}/access-log/")
        assert response.status_code == 200
        [row] = response.json()["results"]
        assert row["representation"] == "cell_summary"
        assert row["channel"] == "api_detail"
        assert row["institution"] == "Collège Jean-Moulin (Arras)"

    @pytest.mark.parametrize(
        ("account", "kind"),
        [("membre", "own_cell"), ("referent", "referent_case"), ("magistrat", "shared_parquet")],
    )
    def test_those_who_see_the_case_but_do_not_coordinate_it_get_403(self, cast, account, kind):
        response = api_client(cast.users[account]).get(f"/api/v1/cases/{cast.cases[kind].pk}/access-log/")
        assert response.status_code == 403

    @pytest.mark.parametrize("account", ["coord_lens", "prefecture", "superuser", "magistrat"])
    def test_those_who_do_not_see_the_case_get_404(self, cast, account):
        response = api_client(cast.users[account]).get(
            f"/api/v1/cases/{cast.cases['own_cell'].pk}/access-log/"
        )
        assert response.status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_list_query_count_does_not_grow_with_rows(size, django_assert_max_num_queries):
    w = world()
    coord = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    for _ in range(size):
        make_case(w["cells"]["Arras – centre"])
    client = api_client(coord)
    # Token, seats, permissions, the page with its total, the rows, the access
    # log, then one query per kind of row the full representation reads (8)
    # and two for lateness (stall flags, overdue steps), whatever the size.
    with django_assert_max_num_queries(16):
        response = client.get("/api/v1/cases/")
    assert response.json()["count"] == size
    assert AccessLog.objects.filter(user=coord, channel="api_list").count() == size


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/cases/{id}/" in schema.content
    assert b"/api/v1/cases/{id}/journal/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Self-hosted Swagger UI, init script in its own request: nothing the CSP would block.
    assert b"cdn" not in docs.content.lower()
    assert b"<script>" not in docs.content
    assert client.get("/api/docs/?script=").status_code == 200


def test_log_access_accepts_a_queryset():
    w = world()
    coord = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    make_case(w["cells"]["Arras – centre"])
    assert log_access(user=coord, cases=visible_cases(coord), channel="export") == 1


class TestTokenWithSecondFactor:
    """With REQUIRE_2FA on, a password alone must not yield a long-lived token."""

    @pytest.fixture
    def member(self, cast, settings):
        settings.REQUIRE_2FA = True
        user = cast.users["membre"]
        user.set_password("correct horse battery")
        user.save()
        return user

    def test_the_code_is_required(self, member):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "membre", "password": "correct horse battery"}
        )
        assert response.status_code == 400
        assert "otp" in str(response.json())

    def test_a_wrong_code_is_refused(self, member):
        confirmed_device(member)
        response = APIClient().post(
            "/api/v1/auth/token/",
            {"username": "membre", "password": "correct horse battery", "otp": "000000"},
        )
        assert response.status_code == 400

    def test_a_valid_code_yields_a_token(self, member):
        device = confirmed_device(member)
        response = APIClient().post(
            "/api/v1/auth/token/",
            {"username": "membre", "password": "correct horse battery", "otp": current_code(device)},
        )
        assert response.status_code == 200
        token = response.json()["token"]
        assert APIClient().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_cell_summary_shows_the_overdue_flag(cast):
    case = cast.cases["own_cell"]
    client = api_client(cast.users["membre"])
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["overdue"] is False
    step = step_open(case=case, step=PendingStep.Step.EXAMEN, due_on=timezone.localdate())
    step_flag_overdue(step_id=step.pk)
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["overdue"] is True
