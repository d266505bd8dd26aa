"""Right of access: a PDF of everything held on one youth, for the coordinator only, logged."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Bilan, Case, JournalEntry
from casework.models.codes import Adhesion, Situation
from permissions.models import AccessLog
from privacy.dossier import youth_file
from privacy.views.archive import JOURNAL_PAGE_SIZE
from tests.factories import inform_everyone, make_case
from tests.privacy.helpers import archive, grow_journal


def test_coordinator_gets_the_pdf_and_the_production_is_logged(client, coordinator, case, cell):
    Bilan.objects.create(
        case=case,
        period_start=timezone.localdate() - timedelta(days=30),
        period_end=timezone.localdate(),
        adhesion=Adhesion.BONNE,
        situation=Situation.SCOLARISE,
        recommendation=Bilan.Recommendation.PROLONGER,
        presented_on=timezone.localdate(),
        text="Assiduité retrouvée",
    )
    inform_everyone(case, by=coordinator)
    # An earlier signalement of the same person (a separate youth row), now archived.
    earlier = make_case(
        cell, by=coordinator, first_name="Léa", last_name="Martin", signaled_on=date(2023, 9, 1)
    )
    Case.objects.filter(pk=earlier.pk).update(status=Case.Status.ARCHIVE, closed_on=date(2024, 1, 1))
    client.force_login(coordinator)
    url = reverse("privacy:subject_access", args=[case.pk])

    page = client.get(url)
    assert page.status_code == 200 and "Martin" not in page.content.decode()
    response = client.post(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="droit-acces-{case.reference}.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    logs = AccessLog.objects.filter(channel="export", user=coordinator)
    assert sorted(logs.values_list("case_reference", flat=True)) == sorted(
        [case.reference, earlier.reference]
    )
    assert set(logs.values_list("reason", flat=True)) == {"droit d'accès (RGPD art. 15)"}
    for c in (case, earlier):
        assert JournalEntry.objects.filter(
            case=c, summary="Relevé du droit d'accès produit pour la personne concernée"
        ).exists()


def test_pdf_holds_identity_journal_bilans_and_access_log(client, coordinator, case, monkeypatch):
    # Uncompressed page streams, so that the text can be searched in the bytes.
    monkeypatch.setattr("reportlab.rl_config.pageCompression", 0)
    Bilan.objects.create(
        case=case,
        period_start=timezone.localdate() - timedelta(days=30),
        period_end=timezone.localdate(),
        adhesion=Adhesion.BONNE,
        situation=Situation.SCOLARISE,
        recommendation=Bilan.Recommendation.PROLONGER,
        presented_on=timezone.localdate(),
        text="Assiduite-retrouvee",
    )
    client.force_login(coordinator)
    pdf = client.post(reverse("privacy:subject_access", args=[case.pk])).content
    for text in (
        b"Martin",
        case.reference.encode(),
        b"Assiduite-retrouvee",
        b"Signalement par",
        b"droit d'acc",
    ):
        assert text in pdf, text


def test_pdf_holds_every_identity_typed_for_the_person(client, coordinator, case, cell, monkeypatch):
    """Each signalement keeps the identity as typed, in its own row: the
    relevé lists every spelling held, once each."""
    monkeypatch.setattr("reportlab.rl_config.pageCompression", 0)
    again = make_case(cell, by=coordinator, first_name="LEA", last_name="MARTIN", sex="F")
    make_case(cell, by=coordinator, first_name="Léa", last_name="Martin")  # same as `case`
    assert again.youth_id != case.youth_id
    client.force_login(coordinator)
    pdf = client.post(reverse("privacy:subject_access", args=[case.pk])).content
    assert b"MARTIN" in pdf and b"Martin" in pdf
    assert pdf.count(b"(Martin)") == 1, "identical identities are listed once"
    assert again.reference.encode() in pdf


def test_pdf_holds_the_whole_journal_the_archive_screen_pages(client, coordinator, case, cell, monkeypatch):
    """The archive screen reads a journal a page at a time; the right-of-access file, a legal
    answer to the person, holds every entry of every case, archived ones included."""
    monkeypatch.setattr("reportlab.rl_config.pageCompression", 0)
    total = 2 * JOURNAL_PAGE_SIZE + 7
    added = {
        "active": grow_journal(case, coordinator, total, summary="Entree-active-{index:03d}"),
    }
    earlier = make_case(cell, by=coordinator, first_name="Léa", last_name="Martin")
    added["archive"] = grow_journal(earlier, coordinator, total, summary="Entree-archive-{index:03d}")
    archive(earlier)
    assert min(added.values()) > JOURNAL_PAGE_SIZE
    file = youth_file(case.youth)
    assert {f.case.pk: len(f.journal) for f in file.cases} == {
        c.pk: c.journal.count() for c in (case, earlier)
    }
    client.force_login(coordinator)
    pdf = client.post(reverse("privacy:subject_access", args=[case.pk])).content
    for name, count in added.items():
        for index in range(count):
            assert f"Entree-{name}-{index:03d}".encode() in pdf, (name, index)


@pytest.mark.parametrize("who", ["member", "other_coordinator"])
def test_others_get_404(client, request, case, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("privacy:subject_access", args=[case.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not AccessLog.objects.exists()


def test_purged_case_gets_404(client, coordinator, case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PURGE, youth=None)
    client.force_login(coordinator)
    assert client.post(reverse("privacy:subject_access", args=[case.pk])).status_code == 404
