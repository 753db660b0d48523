# Shared functions for scripts/setup.sh, scripts/test.sh and scripts/demo.sh.
# Source it from the repository root.

# Debian packages the tests and the demo use.
CSAM_DEB_PACKAGES="ca-certificates gcc pkg-config openssl pcscd libpcsclite-dev vsmartcard-vpcd opensc pcsc-tools redis-server redis-tools mariadb-server oathtool xmlsec1 zbar-tools yubico-piv-tool curl libengine-pkcs11-openssl opensc-pkcs11 chromium"
STATICCHECK_VERSION=v0.8.2
# Nested modules (own go.mod), checked and tested beside the root module.
CSAM_NESTED_MODULES="journal"
# govulncheck and the snapshot of the Go vulnerability database it reads:
# vuln.go.dev is out of reach of the build machines, the database's own
# module (golang.org/x/vulndb, its data/osv folder) comes from the module
# proxy. Move VULNDB_VERSION forward to see newer reports.
GOVULNCHECK_VERSION=v1.9.0
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
CSAM_REDIS_PORT=${CSAM_REDIS_PORT:-6390}
CSAM_MYSQL_PORT=${CSAM_MYSQL_PORT:-3390}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# install_packages installs the Debian packages that are not installed yet.
install_packages() {
	command -v go >/dev/null || die "Go is not on PATH: install Go 1.26 or later first"
	local missing=()
	for p in $CSAM_DEB_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing Debian packages: ${missing[*]}"
		as_root apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

# install_go_tools installs staticcheck into $(go env GOPATH)/bin.
install_go_tools() {
	local bin
	bin="$(go env GOPATH)/bin"
	export PATH="$bin:$PATH"
	if ! command -v staticcheck >/dev/null || ! staticcheck -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
		log "installing staticcheck $STATICCHECK_VERSION"
		go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
	fi
}

# run_govulncheck scans the root module and the nested modules with
# govulncheck against the database snapshot VULNDB_VERSION, and applies
# scripts/vulncheck.go's policy: a vulnerability called in a required
# module fails; standard-library ones are reported with the Go release
# that fixes them.
run_govulncheck() {
	local bin db m out
	bin="$(go env GOPATH)/bin"
	if ! "$bin/govulncheck" -version 2>/dev/null | grep -q "govulncheck@${GOVULNCHECK_VERSION}"; then
		log "installing govulncheck $GOVULNCHECK_VERSION"
		go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION"
	fi
	db=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$db/data/osv" ] || die "vulnerability database golang.org/x/vulndb@$VULNDB_VERSION: no data/osv folder"
	for m in . $CSAM_NESTED_MODULES; do
		out="$CSAM_RUN_DIR/govulncheck-$(basename "$(cd "$m" && pwd)").json"
		log "govulncheck in module $m"
		(cd "$m" && "$bin/govulncheck" -db "file://$db/data/osv" -format json ./...) >"$out" ||
			die "govulncheck failed in $m (see $out)"
		go run scripts/vulncheck.go <"$out"
	done
}

CSAM_RUN_DIR=${CSAM_RUN_DIR:-$(mktemp -d -t csam-run.XXXXXX)}
CSAM_PIDS=()

# start_redis starts a private Redis server on loopback for the tests.
start_redis() {
	log "starting redis-server on 127.0.0.1:$CSAM_REDIS_PORT"
	redis-server --port "$CSAM_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$CSAM_RUN_DIR" >"$CSAM_RUN_DIR/redis.log" 2>&1 &
	CSAM_PIDS+=($!)
	for _ in $(seq 100); do
		redis-cli -p "$CSAM_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
		sleep 0.1
	done
	redis-cli -p "$CSAM_REDIS_PORT" ping 2>/dev/null | grep -q PONG || die "redis-server did not start (see $CSAM_RUN_DIR/redis.log)"
	export CSAM_REDIS_ADDR="127.0.0.1:$CSAM_REDIS_PORT"
}

# start_mariadb starts a private MariaDB server for the journal's tests:
# its own data folder, socket and log under $CSAM_RUN_DIR/mariadb, TCP on
# 127.0.0.1:$CSAM_MYSQL_PORT, a user csam with a password, and exports
# CSAM_MYSQL_DSN (a go-sql-driver/mysql DSN without database; the tests
# create and drop their own databases). A system MariaDB is left alone.
start_mariadb() {
	local dir="$CSAM_RUN_DIR/mariadb" user
	user=$(id -un)
	mkdir -p "$dir"
	log "starting mariadbd on 127.0.0.1:$CSAM_MYSQL_PORT"
	mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" --auth-root-authentication-method=socket \
		--skip-test-db >"$dir/install.log" 2>&1 || die "mariadb-install-db failed (see $dir/install.log)"
	mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/mariadb.sock" --port="$CSAM_MYSQL_PORT" \
		--bind-address=127.0.0.1 --pid-file="$dir/mariadb.pid" --user="$user" --skip-log-bin \
		--innodb-buffer-pool-size=64M --log-error="$dir/mariadb.log" &
	CSAM_PIDS+=($!)
	for _ in $(seq 150); do
		mariadb --no-defaults --socket="$dir/mariadb.sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.2
	done
	mariadb --no-defaults --socket="$dir/mariadb.sock" -u root -e \
		"CREATE USER IF NOT EXISTS 'csam'@'127.0.0.1' IDENTIFIED BY 'csam-test'; GRANT ALL ON *.* TO 'csam'@'127.0.0.1';" \
		|| die "mariadbd did not start (see $dir/mariadb.log)"
	export CSAM_MYSQL_DSN="csam:csam-test@tcp(127.0.0.1:$CSAM_MYSQL_PORT)/"
}

# vpcd_listening PORT: whether the vpcd driver listens on TCP PORT (read
# from /proc: connecting to the port would insert a card).
vpcd_listening() {
	local hex
	hex=$(printf '%04X' "$1")
	grep -qE "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:0000 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# start_pcscd starts pcscd in the foreground mode, in the background, with
# the vpcd driver (readers "Virtual PCD 00 00" on TCP 35963 and
# "Virtual PCD 00 01" on 35964). Only one pcscd may run on a host: a
# running one (or systemd's socket-activated one) is used when it has the
# vpcd readers. pcscd runs as root and needs /run/pcscd; its log is
# $CSAM_RUN_DIR/pcscd.log.
start_pcscd() {
	[ -f /etc/reader.conf.d/vpcd ] || die "vpcd driver configuration missing: install vsmartcard-vpcd"
	if pgrep -x pcscd >/dev/null; then
		log "pcscd is already running; using it"
	elif command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
		log "pcscd is socket-activated by systemd; using it"
		# Any client starts it; the vpcd ports open once it runs.
		command -v opensc-tool >/dev/null && opensc-tool --list-readers >/dev/null 2>&1 || true
	else
		log "starting pcscd with the vpcd driver"
		as_root mkdir -p /run/pcscd
		# Stale files of a pcscd that did not exit cleanly stop a new one.
		as_root rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
		# Started directly (not through the as_root function, whose
		# subshell would get the pid) so that stop_services stops pcscd
		# itself; sudo forwards the signal to its child.
		if [ "$(id -u)" = 0 ]; then
			pcscd -f --info >"$CSAM_RUN_DIR/pcscd.log" 2>&1 &
		else
			sudo pcscd -f --info >"$CSAM_RUN_DIR/pcscd.log" 2>&1 &
		fi
		CSAM_PIDS+=($!)
		for _ in $(seq 100); do
			[ -S /run/pcscd/pcscd.comm ] && break
			sleep 0.1
		done
		[ -S /run/pcscd/pcscd.comm ] || die "pcscd did not start (see $CSAM_RUN_DIR/pcscd.log)"
	fi
	for _ in $(seq 100); do
		vpcd_listening 35963 && vpcd_listening 35964 && break
		sleep 0.1
	done
	vpcd_listening 35963 || die "pcscd runs without the vpcd readers (TCP 35963 not listening): was it started before vsmartcard-vpcd was installed? Restart it (see $CSAM_RUN_DIR/pcscd.log)"
	export CSAM_PCSC=1
}

# stop_services stops what start_* started.
stop_services() {
	local pid
	for pid in "${CSAM_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${CSAM_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	CSAM_PIDS=()
}

# Module budget for a consumer that imports only x509check (the package a
# service links to validate certificates): its go.sum stays at or under
# CSAM_GOSUM_BUDGET lines and its module graph holds no etcd and no trillian
# (the heavy graph an old certinfo brought in). Other packages' dependencies
# must not land there; see the package documentation of x509check,
# "Dependencies".
CSAM_GOSUM_BUDGET=${CSAM_GOSUM_BUDGET:-60}
# ... and its `go list -m all` at or under CSAM_MODULES_BUDGET lines (every
# requirement of this module's go.mod is listed there, even pruned).
CSAM_MODULES_BUDGET=${CSAM_MODULES_BUDGET:-40}

# consumer_module DIR: writes in DIR a throw-away module that requires this
# checkout (replace => it) and imports only x509check, and tidies it. It
# works offline from the module cache the main build filled (GOFLAGS=-mod=mod,
# GOPROXY as configured).
consumer_module() {
	local dir=$1 root
	root=$(pwd)
	mkdir -p "$dir"
	cat >"$dir/go.mod" <<EOM
module example.com/x509consumer

go 1.26

require github.com/csam-go/csam v0.0.0

replace github.com/csam-go/csam => $root
EOM
	cat >"$dir/main.go" <<'EOM'
package main

import (
	"fmt"

	"github.com/csam-go/csam/x509check"
)

func main() { fmt.Println(x509check.ParseUsage("auth")) }
EOM
	(cd "$dir" && GOFLAGS=-mod=mod go mod tidy >"$dir/tidy.log" 2>&1) || { cat "$dir/tidy.log" >&2; return 1; }
}

# check_module_budget fails when an x509check consumer's go.sum exceeds
# CSAM_GOSUM_BUDGET lines, its `go list -m all` CSAM_MODULES_BUDGET lines,
# or its module graph holds etcd or trillian, or when x509check links the
# trusted-list XML stack or certinfo. The go.sum is counted twice:
# as `go mod tidy` leaves it (what a consumer commits) and after `go list
# -m all`, which adds a go.mod line for every module of the graph (every
# requirement of this module's go.mod): the budget applies to the larger.
check_module_budget() {
	local dir tidied lines mods heavy linked
	dir=$(mktemp -d -t csam-consumer.XXXXXX)
	consumer_module "$dir" || die "x509check consumer: go mod tidy failed"
	tidied=$(wc -l <"$dir/go.sum")
	# go mod tidy also records the modules that x509check's own tests (and
	# its dependencies' tests) import: those must stay light too.
	heavy=$(awk '{print $1}' "$dir/go.sum" | grep -xE 'github.com/(beevik/etree|russellhaering/goxmldsig|smallstep/certinfo|google/certificate-transparency-go)' | sort -u | tr '\n' ' ' || true)
	[ -z "$heavy" ] || die "x509check consumer's go.sum holds $heavy(x509check or a package it imports, or their tests, import the trusted-list stack or certinfo)"
	(cd "$dir" && GOFLAGS=-mod=mod go build -o /dev/null .) || die "x509check consumer: build failed"
	(cd "$dir" && GOFLAGS=-mod=mod go list -m all) >"$dir/modules.txt" || die "x509check consumer: go list -m all failed"
	lines=$(wc -l <"$dir/go.sum")
	mods=$(wc -l <"$dir/modules.txt")
	heavy=$(grep -E 'etcd|trillian' "$dir/modules.txt" || true)
	log "x509check consumer: go.sum $tidied lines after go mod tidy, $lines after go list -m all (budget $CSAM_GOSUM_BUDGET); go list -m all $mods lines (budget $CSAM_MODULES_BUDGET)"
	[ -z "$heavy" ] || die "x509check consumer's module graph holds: $heavy"
	# The trusted-list XML stack and the certificate pretty-printer plug in
	# from their own packages: a program importing x509check links neither.
	linked=$(cd "$dir" && GOFLAGS=-mod=mod go list -deps . | grep -E 'beevik/etree|goxmldsig|smallstep/certinfo|certificate-transparency' || true)
	[ -z "$linked" ] || die "x509check links: $linked"
	if [ "$lines" -gt "$CSAM_GOSUM_BUDGET" ]; then
		sed 's/^/  /' "$dir/go.sum" >&2
		die "x509check consumer's go.sum has $lines lines, over the budget of $CSAM_GOSUM_BUDGET"
	fi
	if [ "$mods" -gt "$CSAM_MODULES_BUDGET" ]; then
		sed 's/^/  /' "$dir/modules.txt" >&2
		die "x509check consumer's module graph has $mods modules, over the budget of $CSAM_MODULES_BUDGET"
	fi
	rm -rf "$dir"
}
