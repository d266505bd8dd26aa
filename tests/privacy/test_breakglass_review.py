"""Break-the-glass review at scale: every pending request on every page, decided ones paged."""

import pytest
from django.urls import reverse
from django.utils import timezone

from permissions.breakglass import breakglass_approve, breakglass_refuse, breakglass_request
from permissions.models import BreakGlassGrant
from privacy.views.breakglass import DECIDED_PAGE_SIZE
from tests.factories import make_case

REASON = "Le jeune a fugué, la famille est injoignable"


def test_every_pending_request_shows_on_every_page_and_decided_ones_are_paged(
    client, cell, coordinator, member
):
    # The oldest requests are still pending: a cap on the newest rows would hide them.
    pending = [
        breakglass_request(case=make_case(cell, by=coordinator), user=member, reason=REASON) for _ in range(3)
    ]
    case = make_case(cell, by=coordinator)
    decided = []
    for _ in range(DECIDED_PAGE_SIZE + 5):  # asked again after each refusal
        decided.append(
            breakglass_refuse(grant=breakglass_request(case=case, user=member, reason=REASON), by=coordinator)
        )
    newest = breakglass_request(case=make_case(cell, by=coordinator), user=member, reason=REASON)
    pending.append(newest)
    client.force_login(coordinator)
    url = reverse("privacy:breakglass_review")

    first, second = client.get(url), client.get(url, {"page": 2})
    for number, page in enumerate((first, second), start=1):
        assert [g.pk for g in page.context["pending"]] == [g.pk for g in reversed(pending)]  # newest first
        body = page.content.decode()
        for grant in pending:  # each with its decision form
            assert reverse("privacy:breakglass_decide", args=[grant.pk]) in body
        assert "4 demandes en attente de décision" in body
        assert f"{DECIDED_PAGE_SIZE + 5} demandes décidées" in body
        assert f"Page {number} sur 2" in body
    shown = [[g.pk for g in page.context["decided"]] for page in (first, second)]
    assert [len(pks) for pks in shown] == [DECIDED_PAGE_SIZE, 5]
    assert shown[0] + shown[1] == [g.pk for g in reversed(decided)]  # newest first, each once


def test_a_decision_leaves_the_pending_list_for_the_first_decided_page(client, cell, coordinator, member):
    grant = breakglass_request(case=make_case(cell, by=coordinator), user=member, reason=REASON)
    breakglass_approve(grant=grant, by=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("privacy:breakglass_review"))
    assert page.context["pending"] == []
    assert [g.pk for g in page.context["decided"]] == [grant.pk]
    assert "0 demande en attente de décision" in page.content.decode()
    assert "Page 1 sur" not in page.content.decode()


# --- Deciding: no default, Enter cannot approve ------------------------------------------

NOTE = "Vu avec le principal du collège"


def pending_request(cell, coordinator, member):
    return breakglass_request(case=make_case(cell, by=coordinator), user=member, reason=REASON)


def test_the_comment_is_a_textarea_and_refuse_comes_first(client, cell, coordinator, member):
    """Enter in a textarea inserts a new line; and were the form submitted without a button,
    the first one is the harmless one."""
    grant = pending_request(cell, coordinator, member)
    client.force_login(coordinator)
    body = client.get(reverse("privacy:breakglass_review")).content.decode()
    form = body[body.index(reverse("privacy:breakglass_decide", args=[grant.pk])) :]
    form = form[: form.index("</form>")]
    assert f'<textarea id="note-{grant.pk}" name="note"' in form
    assert f'<input id="note-{grant.pk}"' not in form
    assert form.index('value="refuse"') < form.index('value="approve"')


@pytest.mark.parametrize("decision", [None, "", "oui", "APPROVE"])
def test_a_missing_or_unknown_decision_is_an_error_and_keeps_the_comment(
    client, cell, coordinator, member, decision
):
    grant = pending_request(cell, coordinator, member)
    client.force_login(coordinator)
    data = {"note": NOTE} if decision is None else {"note": NOTE, "decision": decision}

    response = client.post(reverse("privacy:breakglass_decide", args=[grant.pk]), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Choisissez « Accorder » ou « Refuser » pour décider de la demande." in body
    assert f">{NOTE}</textarea>" in body
    grant.refresh_from_db()
    assert grant.status == BreakGlassGrant.Status.PENDING and grant.decided_by is None
    assert not grant.case.journal.filter(summary__startswith="Bris de glace accordé").exists()
    assert not grant.case.journal.filter(summary__startswith="Bris de glace refusé").exists()


@pytest.mark.parametrize("decision,status", [("refuse", "refused"), ("approve", "approved")])
def test_a_known_decision_is_recorded_with_its_comment(client, cell, coordinator, member, decision, status):
    grant = pending_request(cell, coordinator, member)
    client.force_login(coordinator)
    note = "Ligne 1\nligne 2"
    response = client.post(
        reverse("privacy:breakglass_decide", args=[grant.pk]), {"decision": decision, "note": note}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.decision_note, grant.decided_by) == (status, note, coordinator)


# --- What each reader sees: the DPO gets metadata, not names nor free text ----------------


@pytest.fixture
def requests(cell, coordinator, member):
    """A pending request and a refused one with a comment, both by `member`."""
    pending = pending_request(cell, coordinator, member)
    decided = breakglass_refuse(grant=pending_request(cell, coordinator, member), by=coordinator, note=NOTE)
    return pending, decided


def test_the_dpo_sees_metadata_only(client, cell, coordinator, member, requests, dpo):
    pending, decided = requests
    client.force_login(dpo)
    response = client.get(reverse("privacy:breakglass_review"))
    assert response.status_code == 200
    body = response.content.decode()
    # What the review needs: dates, state, reference, the asker's institution, the uses.
    for grant in (pending, decided):
        assert grant.case.reference in body
        assert f"{grant.requested_at.astimezone(timezone.get_current_timezone()):%d/%m/%Y %H:%M}" in body
    assert str(member.institution) in body and "Refusé" in body
    # Not the names, the cell, nor the free text; no decision or withdrawal form.
    for hidden in (REASON, NOTE, str(member), str(coordinator), str(cell)):
        assert hidden not in body, hidden
    assert reverse("privacy:breakglass_decide", args=[pending.pk]) not in body
    assert "réservé au coordonnateur" in body


def test_the_signed_coordinator_sees_names_cell_reasons_and_comments(
    client, cell, coordinator, member, requests
):
    client.force_login(coordinator)
    body = client.get(reverse("privacy:breakglass_review")).content.decode()
    for shown in (REASON, NOTE, str(member), str(coordinator), str(cell)):
        assert shown in body, shown
