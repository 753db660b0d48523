package keys

import "github.com/csam-go/csam/levels"

var portal = []levels.Channel{levels.ChannelPortal}

// builtins are the key types the règlement names, in the order of its
// columns. Their FAS and eIDAS levels follow public documentation (see
// FASLevel); where none is known they are left unknown rather than guessed.
var builtins = []KeyType{
	{
		ID: IDPassword,
		Names: Names{
			FR: "Nom d'utilisateur et mot de passe",
			NL: "Gebruikersnaam en wachtwoord",
			EN: "Username and password",
			DE: "Benutzername und Passwort",
		},
		Level:    levels.Column1, // "UID/PWD + futur"
		FAS:      FAS200,
		EIDAS:    EIDASLow,
		Channels: portal,
		Factors:  []Factor{FactorUsername, FactorPassword},
	},
	{
		ID: IDTokenPassword,
		Names: Names{
			FR: "Token avec nom d'utilisateur et mot de passe",
			NL: "Token met gebruikersnaam en wachtwoord",
			EN: "Token with username and password",
			DE: "Token mit Benutzername und Passwort",
		},
		Level:    levels.Column2, // "Token avec UID/PWD + futur"
		Channels: portal,
		Factors:  []Factor{FactorUsername, FactorPassword, FactorToken},
	},
	{
		// Only the first table of Annex 1 lists "TOTP (App ou SMS)" in
		// column 3, and only for applications that UID/PWD reaches too: an
		// SMS code is read as a key that suffices where UID/PWD does.
		ID: IDSMS,
		Names: Names{
			FR: "Code de sécurité par SMS",
			NL: "Beveiligingscode via sms",
			EN: "Security code by SMS",
			DE: "Sicherheitscode per SMS",
		},
		Level:    levels.Column1,
		EIDAS:    EIDASSubstantial,
		Channels: portal,
		Factors:  []Factor{FactorUsername, FactorPassword, FactorSMSCode},
	},
	{
		ID: IDTOTPApp,
		Names: Names{
			FR: "Code de sécurité via une application mobile (TOTP)",
			NL: "Beveiligingscode via een mobiele app (TOTP)",
			EN: "Security code from a mobile app (TOTP)",
			DE: "Sicherheitscode aus einer mobilen App (TOTP)",
		},
		Level:    levels.Column3, // "TOTP (App)"
		FAS:      FAS400,
		EIDAS:    EIDASSubstantial,
		Channels: portal,
		Factors:  []Factor{FactorUsername, FactorPassword, FactorTOTPApp},
	},
	{
		ID:       IDItsme,
		Names:    Names{FR: "itsme", NL: "itsme", EN: "itsme", DE: "itsme"},
		Level:    levels.Column3, // "ITSME"
		FAS:      FAS450,
		EIDAS:    EIDASHigh,
		Channels: portal,
		Factors:  []Factor{FactorItsmeApp, FactorPIN},
	},
	{
		// Art. 7: with the eID, authentication uses the card's
		// authentication ("identity") certificate.
		ID: IDEID,
		Names: Names{
			FR: "Carte d'identité électronique (eID) avec lecteur de cartes et code PIN",
			NL: "Elektronische identiteitskaart (eID) met kaartlezer en pincode",
			EN: "Electronic identity card (eID) with card reader and PIN",
			DE: "Elektronischer Personalausweis (eID) mit Kartenleser und PIN",
		},
		Level:    levels.Column3, // "eID"
		FAS:      FAS500,
		EIDAS:    EIDASHigh,
		Channels: portal,
		Factors:  []Factor{FactorEIDCard, FactorCardReader, FactorPIN, FactorEIDAuthCertificate},
	},
	{
		// Art. 3.4 admits the eID signature certificate, with username and
		// password, over (S)FTP and other accepted channels; art. 11 keeps
		// it off the portals for now (the exception of the "Formulaire
		// électronique de demande d'accès" is decided by package levels).
		ID: IDEIDSignature,
		Names: Names{
			FR: "Certificat de signature de la carte d'identité électronique",
			NL: "Handtekeningcertificaat van de elektronische identiteitskaart",
			EN: "eID signature certificate",
			DE: "Signaturzertifikat des elektronischen Personalausweises",
		},
		Level:    levels.Column3, // an X.509 qualified certificate
		Channels: []levels.Channel{levels.ChannelFTP, levels.ChannelMQSeries},
		Factors: []Factor{FactorUsername, FactorPassword, FactorEIDCard, FactorCardReader, FactorPIN,
			FactorEIDSignatureCertificate},
	},
	{
		// Art. 3.2.e, 3.4 and 7: username, password, private key and a
		// qualified certificate (or one on the accepted list).
		ID: IDQualifiedCertificate,
		Names: Names{
			FR: "Certificat qualifié X.509 avec nom d'utilisateur, mot de passe et clé privée",
			NL: "Gekwalificeerd X.509-certificaat met gebruikersnaam, wachtwoord en private sleutel",
			EN: "Qualified X.509 certificate with username, password and private key",
			DE: "Qualifiziertes X.509-Zertifikat mit Benutzername, Passwort und privatem Schlüssel",
		},
		Level:    levels.Column3, // "X509 cert."
		Channels: []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries},
		Factors:  []Factor{FactorUsername, FactorPassword, FactorCertificate, FactorPrivateKey},
	},
}

// Builtins returns the built-in key types, in the order of the règlement's
// columns: password, token-password, sms-otp, totp-app, itsme, eid,
// eid-signature, x509-qualified, then piv-token (piv.go).
func Builtins() []KeyType {
	out := make([]KeyType, len(builtins))
	for i, k := range builtins {
		out[i] = k.Clone()
	}
	return out
}
