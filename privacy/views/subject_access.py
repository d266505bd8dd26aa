"""Right of access: the coordinator produces the PDF of everything held on one youth."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from casework.services.subject_access import subject_access_record
from permissions import archive
from privacy.dossier import youth_file
from privacy.pdf import render_subject_access_pdf


@never_cache
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will be produced (no identity shown). POST: the PDF, after logging its production."""
    case = archive.get_subject_access_case(request.user, pk)
    if request.method != "POST":
        return render(request, "privacy/subject_access.html", {"case": case})
    file = youth_file(case.youth)
    subject_access_record(cases=[f.case for f in file.cases], by=request.user)
    pdf = render_subject_access_pdf(file, produced_by=request.user, partnership=case.partnership)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="droit-acces-{case.reference}.pdf"'
    return response
