#!/usr/bin/env bash
# Runs every check and test: gofmt, go vet, staticcheck, a build without cgo,
# the module budget of a consumer importing only x509check, govulncheck,
# and go test -race ./... (in the root module and in the nested modules of
# CSAM_NESTED_MODULES) with Redis, MariaDB and pcscd+vpcd started for the tests and
# stopped after. Prerequisites that are missing fail the run (CSAM_STRICT=1),
# and so does any skipped test not listed in .ci/allowed-skips.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
install_packages
install_go_tools
trap stop_services EXIT

log "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
[ -z "$unformatted" ] || die "gofmt would change: $unformatted"
# in_modules CMD...: runs CMD in the root module and in each nested
# module (their own go.mod keeps heavy dependencies out of the root's).
in_modules() {
	"$@"
	local m
	for m in $CSAM_NESTED_MODULES; do
		(cd "$m" && "$@")
	done
}

log "go vet"
in_modules go vet ./...
log "go vet and build with CGO_ENABLED=0"
in_modules env CGO_ENABLED=0 go vet ./...
log "staticcheck"
in_modules staticcheck ./...
log "module budget of an x509check consumer"
check_module_budget
log "govulncheck (database snapshot $VULNDB_VERSION)"
run_govulncheck

start_redis
start_pcscd
start_mariadb
export CSAM_STRICT=1
export CSAM_RUN_DIR # artefacts of the tests (the portal's screenshots)

log "go test -race ./..."
out="$CSAM_RUN_DIR/go-test.log"
set +e
go test -race -count=1 -timeout 30m -v ./... >"$out" 2>&1
rc=$?
for m in $CSAM_NESTED_MODULES; do
	(cd "$m" && go test -race -count=1 -timeout 30m -v ./...) >>"$out" 2>&1
	mrc=$?
	[ $rc -ne 0 ] || rc=$mrc
done
set -e
grep -E '^(ok|FAIL|PASS|panic:|---? FAIL|\s+--- FAIL|.*\[build failed\]|.*\[setup failed\])' "$out" || true
if [ $rc -ne 0 ]; then
	echo "---- failing output ----"
	grep -B2 -A25 -E -- '--- FAIL|^panic:|build failed|cannot find|undefined:' "$out" | head -400
fi
passed=$(grep -cE '^\s*--- PASS' "$out" || true)
failed=$(grep -cE '^\s*--- FAIL' "$out" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$out" || true)
bad_skips=0
if [ "$skipped" -gt 0 ]; then
	while IFS= read -r line; do
		name=$(echo "$line" | sed -E 's/^\s*--- SKIP: ([^ ]+).*/\1/')
		if [ -f .ci/allowed-skips ] && grep -qxF "$name" .ci/allowed-skips; then continue; fi
		echo "unexpected skip: $name"
		grep -A3 -F -- "--- SKIP: $name " "$out" | sed -n 2,4p
		bad_skips=$((bad_skips + 1))
	done < <(grep -E '^\s*--- SKIP' "$out")
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $rc -eq 0 ] || exit $rc
[ $bad_skips -eq 0 ] || die "$bad_skips tests skipped that must run"
