// Package vtoken is a software PIV token for tests and demonstrations:
// SP 800-73-4 (SELECT, GET/PUT DATA, GENERAL AUTHENTICATE for signatures,
// ECDH and the 3DES/AES management-key challenge-response, GENERATE
// ASYMMETRIC KEY PAIR, VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER;
// command chaining, extended APDUs, 61xx/GET RESPONSE) and the YubiKey
// extensions piv-go and yubico-piv-tool use (version, serial, attestation
// signed by a test attestation CA, metadata, set management key, reset, PIN
// retries), with a YubiKey 5 ATR.
//
//	tok, err := vtoken.New(vtoken.Options{Serial: 7654321}) // PIN 123456, PUK 12345678, the default management key
//	r, err := tok.Transmit(ctx, apdu)                       // in process
//	go tok.ServeVPCD(ctx, "127.0.0.1:35963")                // or in pcscd's reader "Virtual PCD 00 00" (vpcd)
//	cert := tok.SlotCertificate(0x9a)                        // a P-256 key and certificate in slot 9a
//
// ServeVPCD sets TCP_QUICKACK on its socket; the command cmd/vcard -profile
// piv [-pin 123456] [-export DIR] serves a token until interrupted.
// piv-go, yubico-piv-tool and OpenSC's PIV driver (pkcs15-tool,
// pkcs11-tool --sign) use it unchanged; the tests of package piv check each
// of them. Through pcscd, a status of all 24 slots takes 30 APDUs
// (yubico-piv-tool 32) and a signature with PIN 6 (yubico-piv-tool 6),
// counted on the token side (go test -run APDUCounts ./piv/,
// go test -bench TokenOps ./piv/).
//
// Its keys are test keys and its attestation CA a test CA that no one
// trusts.
package vtoken
