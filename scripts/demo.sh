#!/usr/bin/env bash
# The main job end to end on built-in defaults: installs what is missing,
# starts the services the demo needs, runs each step of scripts/demo.d in
# order, and stops the services.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
install_packages
trap stop_services EXIT
export CSAM_DEMO_DIR="$CSAM_RUN_DIR/demo"
mkdir -p "$CSAM_DEMO_DIR"
# The demo's virtual cards use the vpcd readers: hold the lock the card
# tests take (internal/testenv.LockVPCD), so that a test running meanwhile
# does not put its own card in the reader.
exec 9>"${TMPDIR:-/tmp}/csam-vpcd.lock"
log "waiting for the vpcd readers (lock ${TMPDIR:-/tmp}/csam-vpcd.lock)"
flock 9
for step in scripts/demo.d/*.sh; do
	[ -e "$step" ] || continue
	. "$step"
done
log "demo done"
