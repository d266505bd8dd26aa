"""Right of access: a PDF of everything held on one youth, for the coordinator only, logged.

The youth is the identity row of the case asked for. Other rows with the same name and birth
date may be a namesake born the same day: listed by reference, included only when ticked."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Bilan, Case, JournalEntry
from casework.models.codes import Adhesion, Situation
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from casework.services.subject_access import subject_access_candidates, subject_access_record
from permissions.access_log import log_access
from permissions.models import AccessLog
from privacy.dossier import youth_file
from privacy.views.archive import JOURNAL_PAGE_SIZE
from tests.factories import inform_everyone, make_case, make_coordinator
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
    assert earlier.reference in page.content.decode()
    response = client.post(url, {"duplicates": [earlier.pk]})

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
    same = Case.objects.filter(youth__last_name__iexact="martin").exclude(pk=case.pk)
    client.force_login(coordinator)
    pdf = client.post(
        reverse("privacy:subject_access", args=[case.pk]), {"duplicates": [c.pk for c in same]}
    ).content
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
    file = youth_file(case.youth, confirmed=[earlier])
    assert {f.case.pk: len(f.journal) for f in file.cases} == {
        c.pk: c.journal.count() for c in (case, earlier)
    }
    client.force_login(coordinator)
    pdf = client.post(reverse("privacy:subject_access", args=[case.pk]), {"duplicates": [earlier.pk]}).content
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


# --- Namesakes born the same day: listed, included only when confirmed ----------------------

PRODUCED = "Relevé du droit d'accès produit pour la personne concernée"


def with_own_file(case, coordinator, tag):
    """Give `case` a bilan, a journal note and an access-log row whose texts carry `tag`."""
    Bilan.objects.create(
        case=case,
        period_start=timezone.localdate() - timedelta(days=30),
        period_end=timezone.localdate(),
        adhesion=Adhesion.BONNE,
        situation=Situation.SCOLARISE,
        recommendation=Bilan.Recommendation.PROLONGER,
        presented_on=timezone.localdate(),
        text=f"Bilan-{tag}",
    )
    journal_log(case=case, actor=coordinator, kind="other", summary="Entretien", note=f"Note-{tag}")
    case.representation = "full"
    log_access(user=coordinator, cases=[case], channel="ui_detail", reason=f"Lecture-{tag}")
    return case


@pytest.fixture
def namesake(cell, coordinator, case):
    """Another identity row with the same name key and birth date as `case`'s youth (the
    duplicate test passes): possibly the same person, possibly a namesake."""
    other = make_case(cell, by=coordinator, first_name="LEA", last_name="MARTIN", sex="F")
    assert other.youth_id != case.youth_id and other.youth.identity_key == case.youth.identity_key
    return with_own_file(other, coordinator, "tiers")


def post(client, case, duplicates=()):
    return client.post(reverse("privacy:subject_access", args=[case.pk]), {"duplicates": list(duplicates)})


def test_a_namesake_is_listed_by_reference_and_left_out_unless_ticked(
    client, coordinator, case, namesake, monkeypatch
):
    monkeypatch.setattr("reportlab.rl_config.pageCompression", 0)
    with_own_file(case, coordinator, "demandeur")
    client.force_login(coordinator)
    page = client.get(reverse("privacy:subject_access", args=[case.pk]))
    body = page.content.decode()
    assert "Possibles doublons, non inclus" in body
    assert f'name="duplicates" value="{namesake.pk}"' in body and "checked" not in body
    assert f"{namesake.reference} – inclure" in body
    assert "MARTIN" not in body and "Martin" not in body and "-tiers" not in body  # reference only

    response = post(client, case)

    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    for text in (case.reference, "Bilan-demandeur", "Note-demandeur", "Lecture-demandeur"):
        assert text.encode() in pdf, text
    for text in (namesake.reference, "MARTIN", "Bilan-tiers", "Note-tiers", "Lecture-tiers"):
        assert text.encode() not in pdf, text
    # The production is logged on what the file holds, and only there.
    exports = AccessLog.objects.filter(channel="export")
    assert list(exports.values_list("case_id", flat=True)) == [case.pk]
    assert case.journal.filter(summary=PRODUCED).count() == 1
    assert not namesake.journal.filter(summary=PRODUCED).exists()


def test_a_ticked_duplicate_is_included_and_logged(client, coordinator, case, namesake, cell, monkeypatch):
    monkeypatch.setattr("reportlab.rl_config.pageCompression", 0)
    another = with_own_file(
        make_case(cell, by=coordinator, first_name="Léa", last_name="Martin"), coordinator, "autre"
    )
    client.force_login(coordinator)

    pdf = post(client, case, [namesake.pk]).content

    for text in (
        case.reference,
        namesake.reference,
        "MARTIN",
        "Bilan-tiers",
        "Note-tiers",
        "Lecture-tiers",
    ):
        assert text.encode() in pdf, text
    for text in (another.reference, "Bilan-autre", "Note-autre", "Lecture-autre"):
        assert text.encode() not in pdf, text
    exports = AccessLog.objects.filter(channel="export")
    assert sorted(exports.values_list("case_id", flat=True)) == sorted([case.pk, namesake.pk])
    for included in (case, namesake):
        entry = included.journal.get(summary=PRODUCED)
        assert entry.actor == coordinator and entry.data == {"subject_access_of": case.pk}
    assert not another.journal.filter(summary=PRODUCED).exists()


@pytest.mark.parametrize("target", ["other_birth_date", "other_partnership", "itself", "unknown"])
def test_a_case_outside_the_candidates_cannot_be_added(client, w, coordinator, case, namesake, cell, target):
    if target == "other_birth_date":
        other = make_case(
            cell, by=coordinator, first_name="Léa", last_name="Martin", birth_date=date(2010, 3, 15)
        )
        value = other.pk
    elif target == "other_partnership":
        lens = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
        other = make_case(w["cells"]["Lens-Liévin"], by=lens, first_name="Léa", last_name="Martin")
        value = other.pk
    elif target == "itself":
        value = case.pk
    else:
        value = "abc"
    client.force_login(coordinator)

    response = post(client, case, [namesake.pk, value])

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "ne fait pas partie des possibles doublons proposés" in body
    assert f'name="duplicates" value="{namesake.pk}"' in body and "checked" in body  # the choice kept
    assert not AccessLog.objects.filter(channel="export").exists()
    assert not JournalEntry.objects.filter(summary=PRODUCED).exists()


def test_the_service_refuses_a_file_holding_another_persons_case(coordinator, case, cell):
    other = make_case(cell, by=coordinator, first_name="Léo", last_name="Martin")
    with pytest.raises(ServiceError, match=other.reference):
        subject_access_record(case=case, cases=[case, other], by=coordinator)
    assert not AccessLog.objects.filter(channel="export").exists()
    assert not JournalEntry.objects.filter(summary=PRODUCED).exists()


def test_candidates_are_the_partnerships_other_rows_passing_the_duplicate_test(
    w, coordinator, case, namesake, cell
):
    archived = archive(make_case(cell, by=coordinator, first_name="Léa", last_name="Martin"))
    purged = make_case(cell, by=coordinator, first_name="Léa", last_name="Martin")
    Case.objects.filter(pk=purged.pk).update(status=Case.Status.PURGE)
    make_case(cell, by=coordinator, first_name="Léa", last_name="Martin", birth_date=date(2011, 3, 14))
    lens = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    make_case(w["cells"]["Lens-Liévin"], by=lens, first_name="Léa", last_name="Martin")

    assert list(subject_access_candidates(case)) == [namesake, archived]
    file = youth_file(case.youth)
    assert file.youths == [case.youth] and [f.case for f in file.cases] == [case]
