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


def _stat(pid: int, command: str, ppid: int, utime: int, stime: int) -> str:
    # /proc/<pid>/stat: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    return f"{pid} ({command}) S {ppid} 1 1 0 -1 4194560 10 0 0 0 {utime} {stime} 0 0 20 0 1 0 100 0 0\n"


def _fake_proc(root, processes):
    for pid, command, ppid, utime, stime in processes:
        (root / str(pid)).mkdir(exist_ok=True)
        (root / str(pid) / "stat").write_text(_stat(pid, command, ppid, utime, stime))
    (root / "self").mkdir(exist_ok=True)  # not a pid: ignored


def test_the_cpu_split_attributes_processes_by_family(tmp_path, monkeypatch):
    monkeypatch.setattr(load.os, "sysconf", lambda name: 100)  # 10 ms per tick
    children = iter([1.0, 1.5])  # wrk: 500 ms of children usage during the run
    monkeypatch.setattr(load.CpuMeter, "_children_ms", lambda self: next(children) * 1000)
    _fake_proc(
        tmp_path,
        [
            (100, "gunicorn", 1, 0, 0),
            (101, "gunicorn", 100, 10, 5),
            (102, "python (worker)", 101, 0, 0),  # a grandchild of the master is the server too
            (200, "postgres", 1, 50, 0),
            (300, "redis-server", 1, 7, 0),
        ],
    )

    with load.CpuMeter(server_pid=100, proc=tmp_path) as meter:
        _fake_proc(
            tmp_path,
            [
                (100, "gunicorn", 1, 1, 1),
                (101, "gunicorn", 100, 110, 25),
                (102, "python (worker)", 101, 40, 0),
                (200, "postgres", 1, 130, 20),
                (300, "redis-server", 1, 9, 0),
                (400, "postgres", 1, 99, 0),  # started during the run: not counted
            ],
        )

    split = meter.split(requests=10)

    assert split.gunicorn == pytest.approx((2 + 120 + 40) * 10 / 10)
    assert split.postgresql == pytest.approx(100 * 10 / 10)
    assert split.other == pytest.approx(2 * 10 / 10)
    assert split.wrk == pytest.approx(500 / 10)
    assert split.as_json()["total"] == pytest.approx(162 + 100 + 2 + 50)


def _fake_machine(root, user, steal):
    # /proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice
    (root / "stat").write_text(f"cpu  {user} 0 0 300 0 0 0 {steal} 40 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n")


def test_the_meter_says_which_share_of_the_cores_the_host_stole(tmp_path):
    _fake_machine(tmp_path, user=100, steal=0)
    with load.CpuMeter(server_pid=1, proc=tmp_path) as meter:
        _fake_machine(tmp_path, user=250, steal=50)

    # 150 user + 50 steal ticks went by; guest time is inside user time, not added.
    assert load.machine_ticks(tmp_path) == (250 + 300 + 50, 50)
    assert meter.steal_share() == pytest.approx(50 / 200)


def test_no_steal_share_without_proc_stat_or_without_ticks(tmp_path):
    with load.CpuMeter(server_pid=1, proc=tmp_path) as meter:
        pass
    assert load.machine_ticks(tmp_path) is None
    assert meter.steal_share() is None

    _fake_machine(tmp_path, user=100, steal=0)
    with load.CpuMeter(server_pid=1, proc=tmp_path) as meter:
        pass
    assert meter.steal_share() is None


def test_no_split_without_responses_or_without_proc(tmp_path):
    with load.CpuMeter(server_pid=1, proc=tmp_path / "absent") as meter:
        pass
    assert meter.split(requests=100) is None

    _fake_proc(tmp_path, [(1, "gunicorn", 0, 1, 1)])
    with load.CpuMeter(server_pid=1, proc=tmp_path) as meter:
        pass
    assert meter.split(requests=0) is None


def test_a_real_run_is_split_between_the_server_and_wrk(server):
    # The test server runs in this process: it is the "gunicorn" family here.
    with load.CpuMeter(server_pid=load.os.getpid()) as meter:
        outcome = load.run_load(port=server, path="/ok", session_key="cle-de-session", clients=2, seconds=1)

    split = meter.split(outcome.requests)

    assert split.gunicorn > 0
    assert split.wrk > 0
    assert split.postgresql >= 0
