# Shared functions for scripts/setup.sh, scripts/test.sh and scripts/demo.sh.
# Source it from the repository root.

# Debian packages the tests and the demo use.
CSAM_DEB_PACKAGES="ca-certificates gcc pkg-config openssl pcscd libpcsclite-dev vsmartcard-vpcd opensc pcsc-tools redis-server redis-tools mariadb-server oathtool xmlsec1 zbar-tools yubico-piv-tool"
STATICCHECK_VERSION=v0.8.2
# Nested modules (own go.mod), checked and tested beside the root module.
CSAM_NESTED_MODULES="journal"
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
