"""The Content Security Policy must not break the pages: a real Chromium reports every violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests.factories import make_case, make_coordinator, world

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_run_without_csp_violations(live_server, client):
    w = world()
    coordinator = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    case = make_case(w["cells"]["Arras – centre"], by=coordinator)
    client.force_login(coordinator)
    pages = [
        reverse("situations:index"),
        reverse("situations:detail", args=[case.pk]),
        reverse("privacy:archive_list"),
        reverse("privacy:breakglass_review"),
        reverse("privacy:twofactor_setup"),
    ]
    violations, failures = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
            )
            page = context.new_page()
            page.on(
                "console",
                lambda message: (
                    violations.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )
            page.on("pageerror", lambda error: failures.append(str(error)))
            for path in pages:
                response = page.goto(live_server.url + path, wait_until="networkidle")
                assert response.status == 200, path
                assert "Content-Security-Policy" in {k.title() for k in response.headers}, path
        finally:
            browser.close()
    assert violations == []
    assert failures == []
