"""Withdrawing a break-the-glass grant before its term: coordinator only, with a reason,
journaled; access ends at once, by the read-time comparison with `expires_at`."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.services.errors import ServiceError
from permissions.breakglass import (
    breakglass_approve,
    breakglass_refuse,
    breakglass_request,
    breakglass_revoke,
    grants_for_review,
    uses_of,
)
from permissions.models import BreakGlassGrant
from permissions.visibility import Representation, representation_for
from tests.factories import make_case, make_coordinator

REASON = "Le jeune a fugué, la famille est injoignable"
WITHDRAWAL = "La famille a été jointe, l'accès complet n'est plus nécessaire"


@pytest.fixture
def case(cell, coordinator):
    return make_case(cell, by=coordinator)


@pytest.fixture
def grant(case, member, coordinator):
    """An approved grant, running."""
    return breakglass_approve(grant=breakglass_request(case=case, user=member, reason=REASON), by=coordinator)


def test_withdrawal_ends_access_at_once_and_is_journaled(client, case, member, coordinator, grant):
    client.force_login(member)
    assert client.get(reverse("situations:detail", args=[case.pk])).status_code == 200  # one use
    assert representation_for(member, case) == Representation.FULL

    breakglass_revoke(grant=grant, by=coordinator, reason=f"  {WITHDRAWAL} ")

    assert representation_for(member, case) == Representation.CELL_SUMMARY
    grant.refresh_from_db()
    assert grant.status == BreakGlassGrant.Status.APPROVED and grant.expires_at <= timezone.now()
    assert not BreakGlassGrant.objects.active().filter(pk=grant.pk).exists()
    entry = case.journal.get(summary__startswith="Bris de glace retiré")
    assert (entry.actor, entry.note, entry.data) == (
        coordinator,
        WITHDRAWAL,
        {"break_glass": grant.pk, "revoked": True},
    )
    reviewed = grants_for_review(coordinator).get(pk=grant.pk)
    assert reviewed.revoked_at == entry.at and reviewed.uses == 1
    # Reads after the withdrawal are cell-summary reads, not uses of the grant.
    client.get(reverse("situations:detail", args=[case.pk]))
    assert uses_of(grant).count() == 1


def test_only_a_signed_coordinator_of_the_partnership_withdraws(w, case, member, grant, dpo):
    lens = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    unsigned = make_coordinator(
        w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"], signed=False
    )
    for user in (member, dpo, lens, unsigned):
        with pytest.raises(ServiceError, match="Seul un coordonnateur"):
            breakglass_revoke(grant=grant, by=user, reason=WITHDRAWAL)
    assert representation_for(member, case) == Representation.FULL
    assert not case.journal.filter(summary__startswith="Bris de glace retiré").exists()


def test_a_reason_is_required(case, member, coordinator, grant):
    with pytest.raises(ServiceError, match="Indiquez pourquoi l'accès est retiré"):
        breakglass_revoke(grant=grant, by=coordinator, reason="   ")
    assert representation_for(member, case) == Representation.FULL


@pytest.mark.parametrize("state", ["pending", "refused", "expired", "withdrawn"])
def test_only_a_running_grant_is_withdrawn(case, member, coordinator, state):
    grant = breakglass_request(case=case, user=member, reason=REASON)
    if state == "refused":
        breakglass_refuse(grant=grant, by=coordinator)
    elif state in ("expired", "withdrawn"):
        breakglass_approve(grant=grant, by=coordinator)
        if state == "expired":
            BreakGlassGrant.objects.filter(pk=grant.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            )
        else:
            breakglass_revoke(grant=grant, by=coordinator, reason=WITHDRAWAL)
    with pytest.raises(ServiceError, match="Cet accès a déjà pris fin"):
        breakglass_revoke(grant=grant, by=coordinator, reason=WITHDRAWAL)


def test_withdrawal_over_http(client, case, member, coordinator, grant):
    url = reverse("privacy:breakglass_revoke", args=[grant.pk])
    client.force_login(coordinator)
    body = client.get(reverse("privacy:breakglass_review")).content.decode()
    assert url in body and f'<textarea id="revoke-{grant.pk}" name="reason"' in body

    # No reason: the form again, with the error.
    response = client.post(url, {"reason": " "})
    assert response.status_code == 200
    assert "Indiquez pourquoi l&#x27;accès est retiré" in response.content.decode()
    assert representation_for(member, case) == Representation.FULL

    response = client.post(url, {"reason": WITHDRAWAL})
    assert response.status_code == 302
    assert representation_for(member, case) == Representation.CELL_SUMMARY
    body = client.get(reverse("privacy:breakglass_review")).content.decode()
    assert "avant son terme" in body and url not in body  # nothing left to withdraw
    assert "Accès retiré" in body


def test_others_cannot_withdraw_over_http(client, case, member, grant, dpo):
    url = reverse("privacy:breakglass_revoke", args=[grant.pk])
    client.force_login(member)
    assert client.post(url, {"reason": WITHDRAWAL}).status_code == 404
    client.force_login(dpo)
    assert url not in client.get(reverse("privacy:breakglass_review")).content.decode()
    assert client.post(url, {"reason": WITHDRAWAL}).status_code == 302
    assert representation_for(member, case) == Representation.FULL
