"""Second-factor pages: enrol a TOTP app (QR code), then verify a code per session."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp import user_has_device

from permissions import twofactor

WRONG_CODE = "Code incorrect ou expiré. Après plusieurs erreurs, patientez avant de réessayer."


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code à 6 chiffres",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Saisissez les 6 chiffres affichés par l'application."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@twofactor.second_factor_exempt
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol a first TOTP device. Once one is confirmed, re-enrolment is refused here
    (an attacker holding only the password must not replace it)."""
    if user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('privacy:twofactor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = twofactor.totp_pending_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        confirmed = twofactor.totp_confirm(user=request.user, code=form.cleaned_data["code"])
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(request, "Double authentification activée.")
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "privacy/twofactor/setup.html",
        {
            "form": form,
            "qr_svg": twofactor.totp_qr_svg(device),
            "secret": twofactor.totp_secret_b32(device),
            "next": _next_url(request),
        },
    )


@twofactor.second_factor_exempt
def verify(request: HttpRequest) -> HttpResponse:
    """Verify a code from the enrolled app; the session is then verified until logout or expiry."""
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('privacy:twofactor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = twofactor.totp_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", WRONG_CODE)
    return render(request, "privacy/twofactor/verify.html", {"form": form, "next": _next_url(request)})
