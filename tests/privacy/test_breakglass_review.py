"""Break-the-glass review at scale: every pending request on every page, decided ones paged."""

from django.urls import reverse

from permissions.breakglass import breakglass_approve, breakglass_refuse, breakglass_request
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
