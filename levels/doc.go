// Package levels models the reliability levels of digital keys as the 2025
// user regulation ("règlement à l'usage des utilisateurs", 26 March 2025)
// defines them, the catalog of applications of its annexes 1 to 3, and
// explainable access decisions that cite the articles they apply.
//
// This is not an official government product: it is an independent reading
// of a public document.
//
//	d, err := levels.Decide(levels.Request{
//		Application:  "Dimona (sécurisé)",
//		Portal:       levels.PortalSocialSecurity,
//		Roles:        levels.RolesOf(levels.RoleDesignatedUser),
//		DesignatedBy: &levels.Designation{Roles: levels.RolesOf(levels.RoleAccessManager), Authorised: []string{"Dimona (sécurisé)"}},
//		Key:          levels.PresentedKey{Type: "totp-app", Level: levels.Column3}, // or keyType.Presented()
//	})
//	// d.Allowed, and d.Reasons: [{Article: "3.1.d", Message: "authorised by the designating access manager", Effect: levels.Grant}, …]
//
// # Levels and the catalog
//
// Levels follow the annex tables: [None] (no key) < [Column1] (UID/PWD) <
// [Column2] (token with UID/PWD) < [Column3] (eID, itsme, X.509 certificate,
// TOTP app); a level suffices, and so does every higher one. The catalog
// embeds every application of annexes 1–3, 132 entries: securitesociale.be
// 55 (7 public, 2 for curators, 23 at column 1 and 23 at column 3 for access
// managers), belgium.be 10 (1 public, 5 for access managers, 2 Tax-on-web, 2
// needing a certificate holder), eHealth 67 (3 public, 2 + 8 by professional
// quality, 54 for authorised users). There is one entry per (application,
// audience), never merged, plus the six art. 3.4 declarations over (S)FTP
// and MQSeries ([Transfers]). [Lookup], [ForLevel] and [UnlockedBy] query
// it.
//
// # Decisions
//
// [Decide] applies arts. 2 (one main access manager, when Request.Enterprise
// is set; also [Enterprise.Validate]), 3.1–3.4 (audiences, designation
// within the manager's own access, Tax-on-web mandates, certificate holders,
// eHealth quality and habilitation, (S)FTP/MQSeries), 5 and 5 bis (key
// state: must change, deactivated, blocked; keys are personal; keys not
// available on a channel), 7 (certificate valid, qualified or accepted, not
// expired, not revoked) and 11 (the eID signature certificate only over
// (S)FTP/MQSeries, on no portal; the "Formulaire électronique de demande
// d'accès" needs no key). It lists every reason it applied and allocates
// only the reasons; [DecideInto] reuses a [Decision] and allocates nothing.
//
// Readings of the text where it leaves room, each tested: a key is
// certificate-based (arts. 3.2.e, 3.4) when PresentedKey.UsesCertificate
// says so (keys.KeyType.Presented sets it from the factors; set it yourself
// on a hand-built certificate key), never because it works over (S)FTP;
// over (S)FTP/MQSeries art. 3.4 admits any user designated by an access
// manager without consulting the authorised list (3.1.d and 3.2.d bound the
// portals); Tax-on-web asks the repertory number and a filed mandate of
// access managers too (annex 2: "comme décrit dans les articles 3.2.c et
// 3.2.d"); art. 3.2.e is met by Request.HoldsCertificate or a
// certificate-based key, with any column-3 key presented; applications that
// need no key ignore the key presented.
//
// [DecodeRequest] reads a request as JSON; bad input is a *[RequestError]
// naming the field (roles[1], key.level, …) whose cause is a *[ParseError]
// for a bad name, or wraps [ErrUnknownApplication] or
// [ErrUnknownKeyState]. The runnable examples
// ExampleDecide, ExampleDecideInto, ExampleDecide_eIDSignature and
// ExampleDecodeRequest show each (go test -run Example -v ./levels); the
// command cmd/keymatrix prints the matrix and decides requests from the
// command line.
package levels
