"""The load test's client: wrk against a local HTTP server, its report parsed."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load


class _Handler(BaseHTTPRequestHandler):
    """200 on /ok when the session cookie is sent, 302 to the login page otherwise."""

    def do_GET(self):
        cookie = self.headers.get("Cookie", "")
        if self.path == "/ok" and cookie.startswith(f"{self.server.cookie_name}=cle-de-session"):
            body = b"<html>liste</html>"
            self.send_response(200)
        else:
            body = b""
            self.send_response(302)
            self.send_header("Location", "/connexion/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.cookie_name = settings.SESSION_COOKIE_NAME
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_wrk_counts_the_authenticated_responses(server):
    outcome = load.run_load(port=server, path="/ok", session_key="cle-de-session", clients=2, seconds=1)

    assert outcome.requests > 10
    assert set(outcome.statuses) == {200}
    assert outcome.errors == 0
    assert 0.9 <= outcome.seconds <= 3
    assert 0 < outcome.p50 <= outcome.p95
    assert outcome.rps == pytest.approx(outcome.requests / outcome.seconds)


def test_responses_other_than_200_are_errors_not_throughput(server):
    outcome = load.run_load(port=server, path="/ok", session_key="perimee", clients=2, seconds=1)

    assert outcome.requests == 0
    assert outcome.statuses[302] > 0
    assert outcome.errors >= outcome.statuses[302]
    assert outcome.rps == 0


def test_a_report_without_its_json_line_is_refused():
    with pytest.raises(ValueError, match="rapport"):
        load.parse_wrk_report("Running 1s test @ http://127.0.0.1/\n  2 threads and 2 connections\n")


def test_missing_wrk_names_the_install_script(monkeypatch):
    monkeypatch.setattr(load.shutil, "which", lambda name: None)

    with pytest.raises(load.WrkMissing, match="scripts/ensure-wrk.sh"):
        load.wrk_command(url="http://127.0.0.1:1/", cookie="c=v", clients=8, seconds=30)
