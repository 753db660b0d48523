# Demo step: TOTP enrollment, a code, its verification and a refused replay
# (package totp, cmd/totp). Sourced by scripts/demo.sh from the
# repository root.

log "totp: building cmd/totp"
go build -o "$CSAM_DEMO_DIR/totp" ./cmd/totp

log "totp: enroll a credential (secret, otpauth URI, QR code PNG)"
"$CSAM_DEMO_DIR/totp" enroll -issuer "CSAM demo" -account alice@example.be -qr "$CSAM_DEMO_DIR/totp-qr.png" |
	tee "$CSAM_DEMO_DIR/totp-enroll.txt"
totp_secret=$(sed -n 's/^secret: //p' "$CSAM_DEMO_DIR/totp-enroll.txt")

log "totp: the code an authenticator app shows now, and its verification (the secret on standard input, out of ps)"
totp_code=$(printf '%s\n' "$totp_secret" | "$CSAM_DEMO_DIR/totp" code -secret-file -)
echo "code: $totp_code"
printf '%s\n' "$totp_secret" | "$CSAM_DEMO_DIR/totp" verify -secret-file - "$totp_code" || die "totp: a fresh code was refused"

log "totp: a wrong code exits with status 1, a bad secret with status 2"
rc=0; printf '%s\n' "$totp_secret" | "$CSAM_DEMO_DIR/totp" verify -secret-file - 000000 || rc=$?
echo "wrong code: exit status $rc"
[ "$rc" -eq 1 ] || die "totp: a wrong code did not exit with status 1"
for bad in "NOT-BASE32!" "JBSWY3DPEHPK3PXP"; do # not base32; base32 of only 80 bits
	rc=0; printf '%s\n' "$bad" | "$CSAM_DEMO_DIR/totp" verify -secret-file - "$totp_code" || rc=$?
	echo "bad secret: exit status $rc"
	[ "$rc" -eq 2 ] || die "totp: a bad secret did not exit with status 2"
done

log "totp: enroll, activate with the first code, and refuse its replay (one process, memory store)"
"$CSAM_DEMO_DIR/totp" demo
