// Package piv uses PIV tokens (NIST SP 800-73 cards and YubiKeys) as
// digital keys, through github.com/go-piv/piv-go: it opens a token by
// reader name or the first PIV token present, reads the certificates of
// slots 9a, 9c, 9d, 9e and the retired slots 82 to 95, gives slot keys as
// crypto.Signer (RSA 2048, P-256, P-384, Ed25519 where the token has them)
// with the PIN asked through a callback, and enrols a slot: key generated
// on the token under the management key with PIN and touch policies,
// attested, a certificate signing request signed by the token key, and the
// certificate a CA returns installed.
//
//	tk, err := piv.Open(ctx, piv.Options{PIN: askPIN})             // first PIV token present
//	s, err := tk.Signer(ctx, piv.SlotAuthentication)               // crypto.Signer
//	att, dev, err := tk.Attest(piv.SlotAuthentication)
//	a, err := piv.VerifyAttestation(att, dev, piv.VerifyOptions{}) // Yubico's roots by default
//	err = a.CheckCertificate(cert)                                 // an *AttestationError if not the attested key
//	key := piv.PresentedKey(cert, a, &status)                      // for levels.Decide
//
// Open probes readers with one SELECT, in shared mode. Status reads serial,
// firmware, PIN tries and the slot certificates. Signer asks the PIN through
// Options.PIN at most once per signature and never retries it. Enroll
// refuses a certificate whose key is not the slot key.
//
// VerifyAttestation checks a YubiKey PIV attestation: the slot attestation
// certificate is signed by the device attestation certificate (slot F9),
// which chains to a configured attestation root (YubicoRoots: Yubico's
// public PIV attestation roots, shipped with the package). It yields the
// device serial, firmware version, form factor, the PIN and touch policies
// and the slot, and Attestation.CheckCertificate refuses a certificate
// whose public key is not the attested one. Attestation is the proof that
// a key was generated on the token and cannot leave it. The roots and
// intermediates shipped are those piv-go v2.6.0 carries; failures are
// *AttestationError values. The built-in key type piv-token (package keys,
// column 3 like an X.509 certificate: the certificate status decides,
// art. 7) carries the attribute key-attested-non-exportable when the
// attestation verified; a service asks for it with
// levels.Request.RequireKeyAttributes.
//
// # cgo
//
// PC/SC needs cgo: piv-go binds libpcsclite on Linux (pkg-config and the
// libpcsclite development files), and so does the probe of readers here.
// This package keeps cgo to its PC/SC part (the files built with the cgo
// tag); built with CGO_ENABLED=0 it still compiles, attestation
// verification and the other pure functions work, and everything that
// needs a token (Readers, Open) returns an error matching [ErrNoService].
//
// # Errors
//
// Callers branch on four sentinels: [ErrNotFound] (an empty slot), and the
// PC/SC ones shared with package pcsc, [ErrNoService], [ErrNoToken] and
// [ErrRemoved]. A wrong, blocked or missing PIN or PUK is a [*PINError]
// with the tries left; a failed attestation is an [*AttestationError] with
// its reason; everything else is an [*Error] naming the operation, the
// slot and the status word. Nothing here retries a PIN by itself.
//
// This package is not an official product of NIST or Yubico.
package piv
