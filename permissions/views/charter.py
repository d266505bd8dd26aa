"""Charter screens: members sign; coordinators adopt versions and manage memberships.

Charter and membership screens hold no youth data, and a coordinator must
reach them before any charter exists: they are exempt from the charter gate
and require a current coordinator membership instead (404 for anyone else).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from casework.models import Membership, Partnership, User
from casework.services.errors import ServiceError
from permissions import charter as services
from permissions.access import coordinated_partnerships, pending_charters
from permissions.forms import CharterAdoptForm, MembershipStartForm, account_search
from permissions.middleware import charter_exempt
from permissions.models import Charter, CharterEvent, CharterSignature
from permissions.services import current_charter

MEMBERSHIPS_PAGE = 50
# The charter page: current seats with their signature, pending ones first.
SIGNATURES_PAGE = 50
PENDING_ONLY = "en-attente"
# The latest charter events shown on the charter page.
CHARTER_EVENTS = 50


def _coordinated_partnership(request, pk) -> Partnership:
    partnership = coordinated_partnerships(request.user).filter(pk=pk).first()
    if partnership is None:
        raise Http404("Partenariat introuvable.")
    return partnership


@charter_exempt
def sign(request):
    """The charters the user must sign; POST signs one (its id in `charter`)."""
    pending = pending_charters(request.user)
    if request.method == "POST":
        charter = get_object_or_404(
            Charter, pk=request.POST.get("charter"), partnership__in=[p.partnership for p in pending]
        )
        try:
            services.charter_sign(user=request.user, charter=charter)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("permissions:charter_sign")
        messages.success(
            request, f"Vous avez signé la version {charter.version} de la charte du {charter.partnership}."
        )
        if len(pending) > 1:
            return redirect("permissions:charter_sign")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = "/"
        return redirect(target)
    return render(
        request, "permissions/charter_sign.html", {"pending": pending, "next": request.GET.get("next", "")}
    )


@charter_exempt
def index(request):
    """The partnerships the user coordinates."""
    return render(
        request,
        "permissions/index.html",
        {"partnerships": coordinated_partnerships(request.user).order_by("name")},
    )


@charter_exempt
def charter_manage(request, pk):
    """Versions, signatures of the current one (SIGNATURES_PAGE seats a page,
    pending ones first, `signature=en-attente` for those alone), the latest
    charter events; adopt a new version."""
    partnership = _coordinated_partnership(request, pk)
    # Read once: a successful adoption redirects, so the page always shows this version.
    charter = current_charter(partnership)
    form = CharterAdoptForm(request.POST or None, initial={"text": getattr(charter, "text", "")})
    if request.method == "POST" and form.is_valid():
        try:
            charter = services.charter_adopt(partnership=partnership, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Version {charter.version} adoptée : chaque membre doit la signer pour retrouver l'accès.",
            )
            return redirect("permissions:charter_manage", pk=partnership.pk)
    seats = signature_rows(partnership, charter)
    tally = seats.aggregate(seats=Count("pk"), signed=Count("pk", filter=Q(has_signed=True)))
    pending_only = request.GET.get("signature") == PENDING_ONLY
    if pending_only:
        seats = seats.filter(has_signed=False)
    paginator = Paginator(seats, SIGNATURES_PAGE)
    # The tally counted these rows already: no second COUNT for the paginator.
    paginator.count = tally["seats"] - tally["signed"] if pending_only else tally["seats"]
    events = list(
        CharterEvent.objects.filter(partnership=partnership).select_related("subject", "actor")[
            : CHARTER_EVENTS + 1
        ]
    )
    return render(
        request,
        "permissions/charter_manage.html",
        {
            "partnership": partnership,
            "charter": charter,
            "versions": partnership.charters.all(),
            "page": paginator.get_page(request.GET.get("page")),
            "tally": {**tally, "pending": tally["seats"] - tally["signed"]},
            "pending_only": pending_only,
            "pending_value": PENDING_ONLY,
            "events": events[:CHARTER_EVENTS],
            "events_more": len(events) > CHARTER_EVENTS,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def signature_rows(partnership: Partnership, charter: Charter | None):
    """The partnership's current seats, each with `has_signed` (its holder signed
    `charter`; False for every seat when there is none), unsigned first, by name."""
    signed = (
        Exists(CharterSignature.objects.filter(charter=charter, user=OuterRef("user_id")))
        if charter is not None
        else Value(False)
    )
    return (
        Membership.objects.current()
        .filter(partnership=partnership)
        .select_related("user", "cell", "institution")
        .annotate(has_signed=signed)
        .order_by("has_signed", "user__last_name", "user__first_name", "pk")
    )


@charter_exempt
def memberships(request, pk):
    """Current and past memberships, current first, MEMBERSHIPS_PAGE a page, searched by
    `membre`; add one, the account picked among those matching `compte`."""
    partnership = _coordinated_partnership(request, pk)
    form = MembershipStartForm(
        request.POST or None, partnership=partnership, search=request.GET.get("compte", "")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_start(partnership=partnership, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{form.cleaned_data['user']} ajouté(e) : accès ouvert après signature de la charte."
            )
            return redirect("permissions:memberships", pk=partnership.pk)
    search = request.GET.get("membre", "").strip()
    rows = partnership.memberships.select_related("user", "cell", "institution").order_by(
        F("ended_on").desc(nulls_first=True), "user__last_name", "user__first_name", "pk"
    )
    rows = rows.filter(user__in=account_search(User.objects.all(), search)) if search else rows
    return render(
        request,
        "permissions/memberships.html",
        {
            "partnership": partnership,
            "page": Paginator(rows, MEMBERSHIPS_PAGE).get_page(request.GET.get("page")),
            "search": search,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@charter_exempt
@require_POST
def membership_end(request, pk):
    membership = get_object_or_404(Membership, pk=pk, partnership__in=coordinated_partnerships(request.user))
    try:
        services.membership_end(membership=membership, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Participation de {membership.user} terminée : accès retiré.")
    return redirect("permissions:memberships", pk=membership.partnership_id)
