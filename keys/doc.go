// Package keys describes the digital keys of the règlement (username and
// password, token, SMS code, TOTP app, itsme, eID, certificates) and the
// future key types an integrator registers at run time or from a definition
// file, with the lifecycle of credentials (arts. 5 and 5 bis). It is an
// independent reading of the public règlement, not an official government
// product: the authorities publish the rules that bind.
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
// Package keystest checks that a new key type conforms.
package keys
