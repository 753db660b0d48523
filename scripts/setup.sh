#!/usr/bin/env bash
# Installs what the module's tests and demo need on Debian: system packages
# (apt-get, only those missing) and staticcheck.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
install_packages
install_go_tools
log "setup done"
