# Demo step: the key-level matrix and a few access decisions under the
# règlement of 26 March 2025 (package levels, cmd/keymatrix): how many
# applications of the annexes each key type unlocks, the built-in ones and
# the future ones of testdata/keys/future-keys.json; then access requests
# decided with every reason citing its article (a password refused for a
# column-3 application, the eID signature certificate refused on a portal
# but allowed over (S)FTP, an expired certificate, a Tax-on-web mandate, a
# future passkey), and one decision as JSON.
# Sourced by scripts/demo.sh from the repository root.

log "keymatrix: how many applications each key type unlocks (built-ins and the future key types of testdata/keys/future-keys.json; without -matrix, keymatrix lists them)"
go run ./cmd/keymatrix -matrix -keys testdata/keys/future-keys.json

# keymatrix_decide TITLE JSON: decides one request and prints it as text;
# exit status 1 (denied) is an expected outcome here.
keymatrix_decide() {
	local rc=0
	printf '\n-- %s\n' "$1"
	printf '%s' "$2" >"$CSAM_DEMO_DIR/request.json"
	# go run reports a non-zero exit status on stderr: keep that line out.
	go run ./cmd/keymatrix -decide -explain -keys testdata/keys/future-keys.json \
		<"$CSAM_DEMO_DIR/request.json" 2> >(grep -v '^exit status' >&2) || rc=$?
	[ "$rc" -le 1 ] || die "keymatrix -decide failed with status $rc"
}

log "keymatrix: access decisions, each reason citing its article (entry IDs: annex.group/row, e.g. 1.cd.column3/10)"
keymatrix_decide "access manager, username and password, Dimona (sécurisé)" \
	'{"application": "Dimona (sécurisé)", "roles": ["access-manager"], "key_type": "password"}'
keymatrix_decide "same manager, username and password, Mahis (column 3)" \
	'{"application": "Gestion et historique des mandats de sécurité sociale (Mahis)", "roles": ["access-manager"], "key_type": "password"}'
keymatrix_decide "designated user, authorised eCUR by a manager who is no curator" \
	'{"application": "eCUR", "roles": ["designated-user"], "designated_by": {"roles": ["access-manager"], "authorised": ["eCUR"]}, "key_type": "totp-app"}'
keymatrix_decide "eID signature certificate on the securitesociale.be portal" \
	'{"application": "Rina", "roles": ["main-access-manager"], "key_type": "eid-signature"}'
keymatrix_decide "eID signature certificate, Dimona over (S)FTP" \
	'{"application": "Dimona", "channel": "ftp", "roles": ["main-access-manager"], "key_type": "eid-signature", "key": {"certificate": {"valid": true, "qualified": true}}}'
keymatrix_decide "qualified certificate, expired" \
	'{"application": "Belcotax-on-web", "roles": ["access-manager"], "key_type": "x509-qualified", "key": {"certificate": {"valid": true, "qualified": true, "expired": true}}}'
keymatrix_decide "future key from the definition file (passkey, column 3)" \
	'{"application": "MyINAMI", "roles": ["ehealth-habilitated"], "key_type": "passkey"}'
keymatrix_decide "Tax-on-web for a client whose mandate is filed" \
	'{"application": "Tax-on-web (TOW)", "roles": ["designated-user"], "designated_by": {"roles": ["access-manager"], "authorised": ["Tax-on-web (TOW)"]}, "tax_on_web": {"repertory_number": "R-0001", "acting_for": "client-1", "mandates": [{"mandator": "client-1", "filed": true}]}, "key_type": "itsme"}'

log "keymatrix: a decision as JSON, as a service reads it (exit status 0 allowed, 1 denied, 2 bad input)"
request='{"application": "Belcotax-on-web", "roles": ["access-manager"], "key_type": "x509-qualified", "key": {"certificate": {"valid": true, "qualified": true}}}'
printf 'request: %s\n' "$request"
printf '%s' "$request" | go run ./cmd/keymatrix -decide
