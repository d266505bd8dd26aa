"""Break-the-glass: asked with a reason, decided by the coordinator, ends by itself, every use logged."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, Membership
from casework.services.errors import ServiceError
from permissions.breakglass import (
    breakglass_approve,
    breakglass_refuse,
    breakglass_request,
    grants_for_review,
    uses_of,
)
from permissions.charter import membership_end
from permissions.models import AccessLog, BreakGlassGrant
from permissions.representations import case_ids_showing
from permissions.visibility import Representation, representation_for, visible_cases
from tests.factories import make_case, make_coordinator, make_member

REASON = "Le jeune a fugué, la famille est injoignable"


@pytest.fixture
def outsider(w):
    """Member of another partnership's cell: does not see the case."""
    return make_member(w["cells"]["Lens-Liévin"], institution=w["institutions"]["college"])


@pytest.fixture
def case(cell, coordinator):
    return make_case(cell, by=coordinator)


def approved(case, member, coordinator):
    grant = breakglass_request(case=case, user=member, reason=REASON)
    return breakglass_approve(grant=grant, by=coordinator)


def test_approval_gives_the_full_file(case, member, coordinator):
    assert representation_for(member, case) == Representation.CELL_SUMMARY
    grant = approved(case, member, coordinator)
    assert representation_for(member, case) == Representation.FULL
    assert visible_cases(member).get(pk=case.pk).break_glass is True
    assert visible_cases(coordinator).get(pk=case.pk).break_glass is False
    assert grant.expires_at == grant.decided_at + timedelta(hours=72)
    summaries = list(case.journal.values_list("summary", flat=True))
    assert any(s.startswith("Bris de glace demandé") for s in summaries)
    assert any(s.startswith("Bris de glace accordé") for s in summaries)


def test_access_ends_by_itself_after_the_configured_hours(case, member, coordinator, settings):
    settings.BREAK_GLASS_HOURS = 72
    grant = approved(case, member, coordinator)
    with mock.patch(
        "django.utils.timezone.now", return_value=grant.decided_at + timedelta(hours=71, minutes=59)
    ):
        assert representation_for(member, case) == Representation.FULL
    with mock.patch("django.utils.timezone.now", return_value=grant.decided_at + timedelta(hours=72)):
        assert representation_for(member, case) == Representation.CELL_SUMMARY
    grant.refresh_from_db()
    assert grant.status == BreakGlassGrant.Status.APPROVED  # nothing was changed: expiry is read-time


def test_duration_is_configurable(case, member, coordinator, settings):
    settings.BREAK_GLASS_HOURS = 1
    grant = approved(case, member, coordinator)
    assert grant.expires_at - grant.decided_at == timedelta(hours=1)


def test_refusal_leaves_the_summary(case, member, coordinator):
    grant = breakglass_request(case=case, user=member, reason=REASON)
    breakglass_refuse(grant=grant, by=coordinator, note="Voir avec le référent")
    assert representation_for(member, case) == Representation.CELL_SUMMARY
    with pytest.raises(ServiceError, match="déjà été traitée"):
        breakglass_approve(grant=grant, by=coordinator)


def test_a_reason_is_required(case, member):
    with pytest.raises(ServiceError, match="Indiquez pourquoi"):
        breakglass_request(case=case, user=member, reason="urgent")


def test_only_a_signed_coordinator_decides(w, case, member, cell):
    grant = breakglass_request(case=case, user=member, reason=REASON)
    other_member = make_member(cell, institution=w["institutions"]["mission_locale"])
    lens_coordinator = make_coordinator(
        w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"]
    )
    for user in (member, other_member, lens_coordinator):
        with pytest.raises(ServiceError, match="Seul un coordonnateur"):
            breakglass_approve(grant=grant, by=user)


def test_coordinators_and_referents_have_nothing_to_ask(case, coordinator):
    with pytest.raises(ServiceError, match="réservé aux membres de la cellule"):
        breakglass_request(case=case, user=coordinator, reason=REASON)


def test_access_ends_with_the_membership(case, member, coordinator):
    approved(case, member, coordinator)
    membership_end(membership=Membership.objects.get(user=member), by=coordinator)
    assert representation_for(member, case) is None


def test_every_read_under_the_grant_is_logged_and_reviewed(client, case, member, coordinator):
    grant = approved(case, member, coordinator)
    client.force_login(member)
    assert client.get(reverse("situations:detail", args=[case.pk])).status_code == 200
    log = AccessLog.objects.get(user=member, case=case)
    assert (log.representation, log.reason) == ("full", "bris de glace")
    assert list(uses_of(grant)) == [log]
    assert grants_for_review(coordinator).get(pk=grant.pk).uses == 1

    client.force_login(coordinator)
    page = client.get(reverse("privacy:breakglass_review"))
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert page.context["decided"][0].uses == 1


def test_reads_before_approval_are_not_break_glass(client, case, member, coordinator):
    client.force_login(member)
    client.get(reverse("situations:detail", args=[case.pk]))
    assert AccessLog.objects.get(user=member).reason == ""


def test_request_page_and_decision_over_http(client, case, member, coordinator):
    client.force_login(member)
    response = client.post(reverse("privacy:breakglass_request", args=[case.pk]), {"reason": REASON})
    assert response.status_code == 302
    grant = BreakGlassGrant.objects.get()
    assert (
        client.post(
            reverse("privacy:breakglass_decide", args=[grant.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    assert client.get(reverse("privacy:breakglass_review")).status_code == 404

    client.force_login(coordinator)
    client.post(reverse("privacy:breakglass_decide", args=[grant.pk]), {"decision": "approve", "note": "OK"})
    grant.refresh_from_db()
    assert grant.status == BreakGlassGrant.Status.APPROVED and grant.decided_by == coordinator


def test_request_errors_are_shown_in_the_form(client, case, member):
    client.force_login(member)
    response = client.post(reverse("privacy:breakglass_request", args=[case.pk]), {"reason": "vite"})
    assert response.status_code == 200
    assert "Indiquez pourquoi" in response.content.decode()


def test_outsider_gets_404(client, case, outsider):
    client.force_login(outsider)
    assert client.get(reverse("privacy:breakglass_request", args=[case.pk])).status_code == 404
    assert (
        client.post(reverse("privacy:breakglass_request", args=[case.pk]), {"reason": REASON}).status_code
        == 404
    )
    assert not BreakGlassGrant.objects.exists()


def test_expired_grants_need_no_job(case, member, coordinator):
    grant = approved(case, member, coordinator)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert representation_for(member, case) == Representation.CELL_SUMMARY


def test_case_file_offers_the_request_to_members_only(client, case, member, coordinator):
    client.force_login(member)
    body = client.get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert reverse("privacy:breakglass_request", args=[case.pk]) in body
    assert reverse("privacy:subject_access", args=[case.pk]) not in body
    approved(case, member, coordinator)
    assert (
        "Accès complet temporaire (bris de glace)"
        in client.get(reverse("situations:detail", args=[case.pk])).content.decode()
    )
    client.force_login(coordinator)
    body = client.get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert reverse("privacy:breakglass_request", args=[case.pk]) not in body
    assert reverse("privacy:subject_access", args=[case.pk]) in body


def test_the_full_file_id_set_follows_the_grant(case, member, coordinator):
    """`case_ids_showing(user, "journal")` (the parcours pages' scope) holds the
    case while the grant runs, and only then."""

    def full_ids():
        return set(
            Case.objects.filter(pk__in=case_ids_showing(member, "journal")).values_list("pk", flat=True)
        )

    assert full_ids() == set()
    grant = approved(case, member, coordinator)
    assert full_ids() == {case.pk}
    with mock.patch("django.utils.timezone.now", return_value=grant.expires_at):
        assert full_ids() == set()
