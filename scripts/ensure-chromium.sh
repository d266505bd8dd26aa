#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) with Playwright;
# install it from the distribution's packages when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
echo "Chromium absent : installation des paquets Debian chromium et chromium-driver."
bash "$(dirname "$0")/apt-install.sh" chromium chromium-driver
/usr/bin/chromium --version
