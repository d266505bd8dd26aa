"""One parcours walked through the UI in headless Chromium:
signalement → orientation référent → acceptation → bilan → clôture."""

from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from casework.models import Case

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TODAY = timezone.localdate()


@pytest.fixture
def browser(live_server, monkeypatch):
    """Chromium, closed before the live server stops (no request left half-served)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # (used by the test itself between steps) must be allowed next to it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The ORM calls made by the test while Playwright's loop ran opened a
        # connection in that context: close it, or the test database cannot be dropped.
        connections.close_all()


def login(browser, live_server, user):
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/app/situations/")
    return page


def take_and_open(page, title):
    """From the case file: take the coordinator task if needed, then open it."""
    step = page.locator("div.vw-step", has_text=title)
    take = step.get_by_role("button", name="Prendre la tâche")
    if take.count():
        take.click()
        page.wait_for_load_state()
    page.locator("div.vw-step", has_text=title).get_by_role("link", name="Traiter").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_signalement_to_closure_in_the_browser(browser, live_server, w, member, coord, referent):
    page = login(browser, live_server, member)
    page.get_by_role("link", name="Nouveau signalement").click()
    page.fill("#id_last_name", "Navigateur")
    page.fill("#id_first_name", "Éloïse")
    page.fill("#id_birth_date", "2010-06-01")
    page.select_option("#id_sex", "F")
    page.select_option("#id_commune", label="Arras")
    page.select_option("#id_source_institution", label="Collège Jean-Moulin (Arras)")
    page.check("input[name=motifs][value=absenteisme]")
    page.select_option("#id_profil", "decrocheur")
    page.click("form.vw-form button[type=submit]")
    expect(page.locator("vf-snackbar")).to_contain_text("Signalement enregistré")
    case = Case.objects.get(youth__last_name="Navigateur")
    case_url = f"{live_server.url}/app/situations/{case.pk}/"

    page = login(browser, live_server, coord)
    page.goto(case_url)
    take_and_open(page, "Examen en cellule")
    page.check("input[name=kind][value=orientation]")
    page.check("input[name=orientations][value=referent]")
    page.click("form.vw-form button[type=submit]")
    expect(page.locator("div.vw-step", has_text="Désignation du référent de parcours")).to_be_visible()
    take_and_open(page, "Désignation du référent de parcours")
    page.select_option("#id_referent", str(referent.pk))
    page.click("form.vw-form button[type=submit]")
    expect(page.locator("div.vw-step", has_text="Acceptation de la désignation")).to_be_visible()

    page = login(browser, live_server, referent)
    page.goto(case_url)
    take_and_open(page, "Acceptation de la désignation")
    page.fill("#id_informed_on", TODAY.isoformat())
    page.select_option("#id_information_channel", "entretien")
    page.select_option("#id_information_adhesion", "adhere")
    page.click("form.vw-form button[type=submit]")
    take_and_open(page, "Suivi et bilan de parcours")
    page.fill("#id_period_start", (TODAY - timedelta(days=1)).isoformat())
    page.select_option("#id_adhesion", "bonne")
    page.select_option("#id_situation", "scolarise")
    page.select_option("#id_recommendation", "clore")
    page.click("form.vw-form button[type=submit]")
    expect(page.locator("div.vw-step", has_text="Examen du bilan en cellule")).to_be_visible()

    page = login(browser, live_server, coord)
    page.goto(case_url)
    take_and_open(page, "Examen du bilan en cellule")
    page.check("input[name=outcome][value=clore]")
    page.select_option("#id_closure_reason", "objectifs_atteints")
    page.click("form.vw-form button[type=submit]")
    expect(page.get_by_text("Statut : Clos")).to_be_visible()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOS and case.closure_reason == "objectifs_atteints"
