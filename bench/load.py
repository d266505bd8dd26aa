"""Concurrent load: gunicorn on 127.0.0.1, driven by wrk.

wrk (Debian's package, installed by scripts/ensure-wrk.sh) holds `clients`
connections open for a fixed duration, authenticated by a session cookie the
bench created (Django test client login); bench/wrk_report.lua counts the
responses by status and prints wrk's latency percentiles as one JSON line.
A C client leaves the machine's cores to gunicorn and PostgreSQL, where a
Python client would take its share of them. gunicorn serves `bench.wsgi`, the
product's WSGI application with the case list at 50 rows.
"""

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LoadResult:
    requests: int  # responses 200
    errors: int  # other responses, socket errors and timeouts
    seconds: float
    p50: float  # ms, over every response
    p95: float
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the bench settings; stopped (by its own pid) on exit."""

    def __init__(self, workers: int):
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "bench.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--preload",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn s'est arrêté : " + self.process.stderr.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn n'a pas démarré en 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class CpuSplit:
    """Processor time a load run cost, in ms per 200 response, by process family.

    What limits the throughput on a machine where server, database and client
    share the cores: the product's Python (gunicorn), PostgreSQL, wrk itself,
    and the rest of the machine (processes alive at both readings only).
    """

    gunicorn: float
    postgresql: float
    wrk: float
    other: float

    @property
    def total(self) -> float:
        return self.gunicorn + self.postgresql + self.wrk + self.other

    def as_json(self) -> dict:
        return {name: round(value, 2) for name, value in vars(self).items()} | {"total": round(self.total, 2)}


def process_ticks(proc: Path = Path("/proc")) -> dict[int, tuple[str, int, int]]:
    """pid → (command, parent pid, user + system clock ticks) of every process `proc` shows.

    Empty where there is no /proc (not Linux): the split is then not measured.
    """
    out = {}
    try:
        entries = [entry for entry in proc.iterdir() if entry.name.isdigit()]
    except OSError:
        return out
    for entry in entries:
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        # The command sits in parentheses and may hold spaces or parentheses itself.
        command = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(entry.name)] = (command, int(fields[1]), int(fields[11]) + int(fields[12]))
    return out


def machine_ticks(proc: Path = Path("/proc")) -> tuple[int, int] | None:
    """(all, stolen) clock ticks of the machine's cores since boot, from the
    `cpu` line of /proc/stat; None where it cannot be read.

    Stolen ticks are those a virtual machine's cores waited for the host: a
    share of them during a run says how much of the machine the run had.
    The all-ticks sum stops at steal (guest time is already in user time).
    """
    try:
        line = (proc / "stat").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    fields = line.split()
    if fields[0] != "cpu" or len(fields) < 9:
        return None
    ticks = [int(value) for value in fields[1:9]]  # user … softirq, steal
    return sum(ticks), ticks[7]


class CpuMeter:
    """Reads the machine's processes before and after a load run (`with`), then
    splits what they spent meanwhile (`split`) and says which share of the
    cores' time the host stole (`steal_share`). wrk is a child of this process,
    waited for inside the block: its time is in this process's children usage."""

    def __init__(self, *, server_pid: int, proc: Path = Path("/proc")):
        self.server_pid = server_pid
        self.proc = proc
        self.tick_ms = 1000 / os.sysconf("SC_CLK_TCK")

    def _children_ms(self) -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (usage.ru_utime + usage.ru_stime) * 1000

    def __enter__(self) -> "CpuMeter":
        self.before, self.children_before = process_ticks(self.proc), self._children_ms()
        self.machine_before = machine_ticks(self.proc)
        return self

    def __exit__(self, *exc) -> None:
        self.after, self.children_after = process_ticks(self.proc), self._children_ms()
        self.machine_after = machine_ticks(self.proc)

    def steal_share(self) -> float | None:
        """Share (0 to 1) of the cores' time the host stole during the run; None
        without /proc/stat or when no tick went by."""
        if self.machine_before is None or self.machine_after is None:
            return None
        elapsed = self.machine_after[0] - self.machine_before[0]
        if elapsed <= 0:
            return None
        return (self.machine_after[1] - self.machine_before[1]) / elapsed

    def _server_pids(self) -> set[int]:
        parents = {pid: ppid for pid, (_, ppid, _) in self.after.items()}
        pids, grown = {self.server_pid}, True
        while grown:
            more = {pid for pid, ppid in parents.items() if ppid in pids} - pids
            pids |= more
            grown = bool(more)
        return pids

    def split(self, requests: int) -> CpuSplit | None:
        """ms per request by family; None without /proc readings or without responses."""
        if not self.after or requests <= 0:
            return None
        totals = {"gunicorn": 0.0, "postgresql": 0.0, "other": 0.0}
        server = self._server_pids()
        for pid, (command, _, ticks) in self.after.items():
            if pid not in self.before:
                continue
            spent = (ticks - self.before[pid][2]) * self.tick_ms
            family = (
                "gunicorn" if pid in server else "postgresql" if command.startswith("postgres") else "other"
            )
            totals[family] += spent
        wrk = self.children_after - self.children_before
        return CpuSplit(**{name: value / requests for name, value in totals.items()}, wrk=wrk / requests)


WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"


class WrkMissing(RuntimeError):
    pass


def wrk_command(*, url: str, cookie: str, clients: int, seconds: float) -> list[str]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkMissing("wrk est introuvable : lancez `bash scripts/ensure-wrk.sh` (paquet Debian wrk).")
    return [
        wrk,
        "--threads",
        str(max(1, min(clients, os.cpu_count() or 1))),
        "--connections",
        str(clients),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--header",
        f"Cookie: {cookie}",
        "--script",
        str(WRK_SCRIPT),
        url,
    ]


def parse_wrk_report(stdout: str) -> LoadResult:
    """The LoadResult of the JSON line bench/wrk_report.lua prints (ValueError without it)."""
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise ValueError("wrk n'a pas imprimé son rapport : " + stdout[-500:])
    report = json.loads(lines[-1])
    statuses = {int(status): n for status, n in report["statuses"].items()}
    ok = statuses.get(200, 0)
    return LoadResult(
        requests=ok,
        errors=sum(statuses.values()) - ok + report["socket_errors"] + report["timeouts"],
        seconds=report["duration_us"] / 1e6,
        p50=report["p50_us"] / 1000,
        p95=report["p95_us"] / 1000,
        statuses=statuses,
    )


def run_load(*, port: int, path: str, session_key: str, clients: int, seconds: float) -> LoadResult:
    """wrk holding `clients` connections on `path` for `seconds` (whole seconds, at least one)."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    command = wrk_command(
        url=f"http://127.0.0.1:{port}{path}", cookie=cookie, clients=clients, seconds=seconds
    )
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk a échoué ({completed.returncode}) : {completed.stderr[-500:]}")
    return parse_wrk_report(completed.stdout)
