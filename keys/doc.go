// Package keys describes the digital keys of the règlement (username and
// password, token, SMS code, TOTP app, itsme, eID, certificates) and the
// future key types an integrator registers at run time or from a definition
// file, with the lifecycle of credentials (arts. 5 and 5 bis). It is an
// independent reading of the public règlement, not an official government
// product: the authorities publish the rules that bind.
//
//	reg := keys.NewRegistry() // the built-ins; safe for concurrent use
//	err := reg.Register(keys.KeyType{
//		ID:      "passkey",
//		Names:   keys.Names{EN: "Passkey", FR: "Clé d'accès"},
//		Level:   levels.Column3,
//		EIDAS:   keys.EIDASSubstantial,
//		Factors: []keys.Factor{"passkey-device", "pin"},
//	})
//	kts, err := reg.LoadJSON(f)     // all or nothing; errors name the field and line:column
//	presented := kts[0].Presented() // the levels.PresentedKey an access decision takes
//
// # Key types and levels
//
// A KeyType carries three separate levels: the règlement's column
// (levels.Column1 for UID/PWD, levels.Column2 for a token with UID/PWD,
// levels.Column3 for eID, itsme, X.509 certificates and TOTP apps), which is
// what access decisions use; the FAS level (ACR
// "urn:be:fedict:iam:fas:LevelNNN", as publicly documented, not an
// official table); and the eIDAS level of assurance. KeyType.Presented
// gives the levels.PresentedKey an access decision takes.
//
// # Registry and definition files
//
// NewRegistry holds the built-in key types. Register adds one at run time;
// LoadJSON reads a definition file and registers all its key types, or none
// when one is bad. A registered key type unlocks at once every application
// its level suffices for (art. 3.1.e, 3.2.f, 3.3.d): the catalog of package
// levels never names key types.
//
// A definition file is a JSON array of objects with these fields (no other
// field is accepted):
//
//	id        required  identifier: [a-z0-9][a-z0-9._-]{0,63}, unique
//	names     required  object of names by language: "fr", "nl", "en", "de"
//	                    (at least one, none empty)
//	level     required  "column1", "column2" or "column3"
//	fas       optional  FAS level: "urn:be:fedict:iam:fas:Level400",
//	                    "Level400", "400" or 400 (100, 200, 300, 350, 400,
//	                    450, 500); omitted: unknown
//	eidas     optional  "low", "substantial", "high" or their
//	                    "http://eidas.europa.eu/LoA/..." URIs; omitted: none
//	channels  optional  non-empty array of "portal", "ftp", "mqseries";
//	                    omitted: the portal only
//	factors   required  non-empty array of what the key consists of
//	                    ("username", "password", "token", "sms-code",
//	                    "totp-app", "itsme-app", "eid-card", "card-reader",
//	                    "pin", "eid-authentication-certificate",
//	                    "eid-signature-certificate", "certificate",
//	                    "private-key", "piv-token", or a new name of the
//	                    same form)
//
// For example:
//
//	[
//	  {
//	    "id": "passkey",
//	    "names": {"en": "Passkey", "fr": "Clé d'accès"},
//	    "level": "column3",
//	    "eidas": "substantial",
//	    "factors": ["passkey-device", "pin"]
//	  }
//	]
//
// Every problem found is reported as a [*DefinitionError] naming the
// definition's index, its identifier, the field and the line:column; an
// identifier given twice or already registered matches [ErrDuplicateID].
// Several problems are joined with errors.Join, so errors.Is and errors.As
// find each of them.
//
// # Built-in key types
//
// password, token-password, sms-otp (column 1: an SMS code suffices where
// UID/PWD does), totp-app, itsme, eid, eid-signature (column 3, only over
// (S)FTP and MQSeries, art. 11), x509-qualified and piv-token (an X.509
// certificate on a PIV token, see package piv; a service can require its
// attribute key-attested-non-exportable with
// levels.Request.RequireKeyAttributes). A future key type, registered at
// run time or loaded from a JSON file such as testdata/keys/future-keys.json,
// unlocks at once every application its level suffices for.
//
// # Credentials
//
// Credentials follow arts. 5 and 5 bis. The zero [PasswordPolicy] is the
// rule of art. 5; its [PasswordPolicy.Check] returns a
// *[PasswordError] whose Rules are every rule a password breaks (at least 15 characters with letters, digits and
// symbols, no run like "aaaa" or "1234": RuleLength, RuleDigit, …), never
// quoting the password. NewLifecycle(LifecycleOptions{...}) moves a
// Credential through the states must-change → active (password changed at
// first use, and again once RotationPeriod has passed; zero means
// DefaultRotationPeriod, 90 days, our choice since the règlement says only
// "régulièrement"; Now injects a clock), deactivated (reported lost or
// misused, for good) and blocked (replaced by a new credential with
// Replace). Any other move is a *StateError. Credential.Presented(kt)
// gives the levels.PresentedKey with the credential's state; the runnable
// Example_accessDecision (keys/example_test.go) goes from a registered key
// type to a credential and two decisions.
//
// # Conformance
//
// Package keystest checks that a new key type conforms, from an
// integrator's own tests: definition round trip, FAS/eIDAS plausibility
// for its column, channels of arts. 3.4 and 11, and that it unlocks exactly
// the catalog entries its level allows.
//
//	func TestPasskey(t *testing.T) {
//		reg := keys.NewRegistry()
//		if err := reg.Register(passkey); err != nil {
//			t.Fatal(err)
//		}
//		keystest.TestKeyType(t, reg, passkey) // or keystest.Check(reg, passkey) for an error
//	}
package keys
