package keys

// ID identifies a key type, built-in or registered ("totp-app", "eid", ...).
type ID string

// Identifiers of the built-in key types.
const (
	IDPassword             ID = "password"       // username and password
	IDTokenPassword        ID = "token-password" // token with username and password
	IDSMS                  ID = "sms-otp"        // one-time code sent by SMS
	IDTOTPApp              ID = "totp-app"       // TOTP code from an authenticator app
	IDItsme                ID = "itsme"          // itsme
	IDEID                  ID = "eid"            // eID authentication certificate, card reader and PIN
	IDEIDSignature         ID = "eid-signature"  // eID signature certificate (art. 11)
	IDQualifiedCertificate ID = "x509-qualified" // qualified certificate with username, password and private key
)
