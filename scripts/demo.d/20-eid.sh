# Demo step: a virtual Belgian eID card in a PC/SC reader (pcscd with the
# vpcd driver), read like a real card: by OpenSC, which knows nothing of
# this project, and by cmd/eidread: virtual applet 1.7 (RSA) and 1.8
# (EC P-384) cards; OpenSC's opensc-tool and pkcs15-tool recognise the
# first, and eidread -verify reads both and checks their integrity (signed
# identity, address and photo, RRN certificate, card root, the 1.8 basic
# key), as text and as JSON. Sourced by scripts/demo.sh from the
# repository root.

start_pcscd
log "eid: building cmd/vcard and cmd/eidread"
go build -o "$CSAM_DEMO_DIR/vcard" ./cmd/vcard
go build -o "$CSAM_DEMO_DIR/eidread" ./cmd/eidread

EID_READER="Virtual PCD 00 00"

# eid_card_in PROFILE: puts a virtual card of the profile (1.7 or 1.8) in
# the reader, its test PKI exported to $CSAM_DEMO_DIR/pki-PROFILE, and waits
# until pcscd sees it.
eid_card_in() {
	"$CSAM_DEMO_DIR/vcard" -profile "$1" -seed csam-demo -export "$CSAM_DEMO_DIR/pki-$1" \
		>"$CSAM_DEMO_DIR/vcard-$1.log" 2>&1 &
	EID_VCARD_PID=$!
	CSAM_PIDS+=("$EID_VCARD_PID")
	for _ in $(seq 100); do
		opensc-tool --list-readers 2>/dev/null | grep -qE "Yes +$EID_READER" && return 0
		sleep 0.1
	done
	die "the virtual card did not appear in \"$EID_READER\" (see $CSAM_DEMO_DIR/vcard-$1.log)"
}

# eid_card_out takes the virtual card out (stops cmd/vcard) and waits
# until pcscd saw the removal.
eid_card_out() {
	kill "$EID_VCARD_PID" 2>/dev/null || true
	wait "$EID_VCARD_PID" 2>/dev/null || true
	for _ in $(seq 100); do
		opensc-tool --list-readers 2>/dev/null | grep -qE "No +$EID_READER" && return 0
		sleep 0.1
	done
	die "the virtual card is still in \"$EID_READER\" after cmd/vcard stopped"
}

# eid_read ARGS...: cmd/eidread on the virtual card in the reader.
eid_read() {
	local rc=0
	"$CSAM_DEMO_DIR/eidread" -reader "$EID_READER" "$@" || rc=$?
	[ "$rc" -eq 0 ] || die "eidread failed with status $rc"
}

log "eid: applet 1.7 (RSA-2048) virtual card, as OpenSC sees it"
eid_card_in 1.7
printf 'opensc-tool --name: %s\n' "$(opensc-tool --reader "$EID_READER" --name)"
pkcs15-tool --reader "$EID_READER" --list-keys | grep -E 'Private RSA Key|ModLength|Key ref'
log "eid: the same card read and verified by cmd/eidread"
eid_read -verify -offline -roots "$CSAM_DEMO_DIR/pki-1.7/root.pem" -photo "$CSAM_DEMO_DIR/photo-1.7.jpg"
eid_card_out

log "eid: applet 1.8 (EC P-384) virtual card read by cmd/eidread as JSON"
eid_card_in 1.8
eid_read -json -verify -offline -roots "$CSAM_DEMO_DIR/pki-1.8/root.pem"
eid_card_out
