#!/usr/bin/env bash
# The bench's load test drives gunicorn with wrk (a C HTTP load generator:
# it leaves the two cores to the server, where a Python client would take its
# share); install it from the distribution's packages when it is missing.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
echo "wrk absent : installation du paquet Debian wrk."
bash "$(dirname "$0")/apt-install.sh" wrk
wrk --version 2>&1 | head -n 1 || true
