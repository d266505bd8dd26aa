#!/usr/bin/env bash
# Install Debian packages for a project script that found its tool missing
# (ensure-chromium.sh, ensure-wrk.sh), as root or through sudo.
# Usage: apt-install.sh PACKAGE...
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "$@" >/dev/null
