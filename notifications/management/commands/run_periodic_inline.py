"""Run the beat schedule in this process, without Redis, worker or beat (the demo's fallback).

Reads settings.CELERY_BEAT_SCHEDULE, runs each due task in-process (tasks
they enqueue run eagerly too) on the same intervals, and prints what it does.
Ctrl-C or SIGTERM stops it between two runs.
"""

import signal
import time

from celery.schedules import schedule as every
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from config.celery import app


class Command(BaseCommand):
    help = "Exécute les tâches périodiques dans ce processus (quand Redis est indisponible)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Exécuter chaque tâche une fois puis s'arrêter."
        )
        parser.add_argument("--tick", type=float, default=1.0, help="Pas de la boucle, en secondes.")

    def handle(self, *args, once=False, tick=1.0, **options):
        # No broker here: whatever a periodic task enqueues runs in this process.
        app.conf.task_always_eager = True
        app.loader.import_default_modules()  # registers the tasks named in the schedule
        self._stopping = False
        previous = signal.signal(signal.SIGTERM, self._stop)
        entries = {
            name: (entry["task"], self._schedule(entry["schedule"]))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        # Interval tasks run at once, then every interval; daily/weekly ones wait for their time.
        now = timezone.now()
        last_run = {
            name: None if once or isinstance(sched, every) else now for name, (_, sched) in entries.items()
        }
        self.stdout.write(
            f"Tâches périodiques dans ce processus : {', '.join(entries)} (Ctrl-C pour arrêter)."
        )
        try:
            while not self._stopping:
                for name, (task_name, sched) in entries.items():
                    if self._stopping:
                        break
                    if last_run[name] is None or sched.is_due(last_run[name]).is_due:
                        last_run[name] = timezone.now()
                        self._run(name, task_name)
                if once:
                    break
                self._sleep(tick)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write("Tâches périodiques arrêtées.")

    def _schedule(self, value):
        return every(run_every=value, app=app) if not hasattr(value, "is_due") else value

    def _run(self, name: str, task_name: str) -> None:
        self.stdout.write(f"{timezone.localtime():%H:%M:%S} {name} …")
        try:
            result = app.tasks[task_name].apply().get()
        except Exception as error:  # keep the loop alive; the next run retries
            self.stderr.write(f"{name} a échoué : {error!r}")
            return
        self.stdout.write(f"{timezone.localtime():%H:%M:%S} {name} : {result}")

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))

    def _stop(self, signum, frame) -> None:
        self._stopping = True
