"""Relevé de décisions: page and PDF, for the coordinators and the members
recorded present (others 404). Every display and print is access-logged."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from meetings import releve, selectors
from permissions.access_log import Channel, log_access


def _load(request: HttpRequest, pk: int, channel: str):
    seance = selectors.get_readable_seance(request.user, pk)
    rows, hidden = releve.releve_rows(seance, request.user)
    log_access(
        user=request.user, cases=[row.case for row in rows], channel=channel, reason=f"Relevé – {seance}"
    )
    return seance, rows, hidden


def releve_page(request: HttpRequest, pk: int) -> HttpResponse:
    seance, rows, hidden = _load(request, pk, Channel.UI_DETAIL)
    present, absent = releve.attendance_lines(seance)
    today = timezone.localdate()
    return render(
        request,
        "meetings/releve.html",
        {
            "seance": seance,
            "rows": [(row, row.lines(today)) for row in rows],
            "hidden_text": releve._hidden_text(hidden) if hidden else "",
            "present": present,
            "absent": absent,
            "mark": releve.copy_mark(request.user, timezone.now()),
            "confidential": releve.CONFIDENTIAL,
            "is_coordinator": selectors.managed_seances(request.user).filter(pk=seance.pk).exists(),
        },
    )


def releve_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    seance, rows, hidden = _load(request, pk, Channel.PRINT)
    content = releve.releve_pdf_bytes(seance, rows, hidden, request.user, timezone.now())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="releve-seance-{seance.pk}-{seance.date:%Y%m%d}.pdf"'
    )
    # A personal, marked copy: never cached by a proxy or the browser.
    response["Cache-Control"] = "no-store, private"
    return response
