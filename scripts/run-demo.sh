#!/usr/bin/env bash
# `make run`: the local demo. SQLite unless DATABASE_URL is set; a real Celery
# worker and exactly one beat when Redis answers, otherwise tasks in-process.
# Ctrl-C stops every process started here.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.dev
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
PORT="${PORT:-8000}"
PY=.venv/bin/python

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo

if $PY -c "import sys; from scripts.check_services import reachable; sys.exit(0 if reachable('$REDIS_URL', 6379) else 1)"; then
  export CACHE_URL="${CACHE_URL:-rediscache://${REDIS_URL#redis://}}"
  echo "Relances : Redis joignable ($REDIS_URL) – un worker Celery et un beat démarrent."
  .venv/bin/celery -A config worker --loglevel=WARNING --concurrency=1 &
  pids+=($!)
  .venv/bin/celery -A config beat --loglevel=WARNING --schedule=var/celerybeat-schedule &
  pids+=($!)
else
  export CELERY_TASK_ALWAYS_EAGER=true
  echo "Relances : Redis injoignable ($REDIS_URL) – les tâches s'exécutent dans le processus web (pas de worker)."
  $PY manage.py run_periodic_inline &
  pids+=($!)
fi

echo "Application : http://127.0.0.1:${PORT}/  (Ctrl-C pour tout arrêter)"
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
wait -n "${pids[@]}"
