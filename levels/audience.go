package levels

import "fmt"

// Audience is who an application group of the annexes is open to: the
// clause of art. 3 that grants it.
type Audience uint8

const (
	// AudienceEveryone: every user (art. 3.1.a, 3.2.a, 3.3.a).
	AudienceEveryone Audience = iota
	// AudienceCurators: curators designated as access manager and the users
	// they designate (art. 3.1.b).
	AudienceCurators
	// AudienceAccessManagers: access managers (main, co-main or designated
	// by the main access manager) and the users they designate
	// (art. 3.1.c, 3.1.d, 3.2.b, 3.2.d).
	AudienceAccessManagers
	// AudienceTaxMandataries: access managers and designated users holding
	// the mandator's repertory number, for the persons whose mandate they
	// hold and have filed with the regional tax direction (art. 3.2.c,
	// 3.2.d): Tax-on-web.
	AudienceTaxMandataries
	// AudienceCertificateHolders: access managers and designated users who
	// hold username, password, private key and a qualified certificate (or
	// one on the accepted list) (art. 3.2.e): Belcotax-on-web, PLDA.
	AudienceCertificateHolders
	// AudienceEHealthQuality: eHealth users authorised according to their
	// professional quality (art. 3.3.b).
	AudienceEHealthQuality
	// AudienceEHealthHabilitated: authorised eHealth users (art. 3.3.c).
	AudienceEHealthHabilitated
	// AudienceTransfer: access managers and their designated users filing
	// declarations over (S)FTP or MQSeries with a qualified certificate
	// (art. 3.4).
	AudienceTransfer
)

var audienceNames = [...]string{
	"everyone", "curators", "access-managers", "tax-mandataries",
	"certificate-holders", "ehealth-quality", "ehealth-habilitated", "transfer",
}

// String returns the audience's name, e.g. "access-managers".
func (a Audience) String() string {
	if int(a) < len(audienceNames) {
		return audienceNames[a]
	}
	return fmt.Sprintf("audience(%d)", uint8(a))
}

// parseAudience parses a name as String returns it. Other input gives a
// [*ParseError].
func parseAudience(s string) (Audience, error) {
	for i, n := range audienceNames {
		if n == s {
			return Audience(i), nil
		}
	}
	return 0, &ParseError{Kind: "audience", Input: s}
}

// MarshalText implements encoding.TextMarshaler.
func (a Audience) MarshalText() ([]byte, error) {
	if int(a) >= len(audienceNames) {
		return nil, fmt.Errorf("levels: cannot marshal invalid audience %d", uint8(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts the names
// String returns; other input gives a [*ParseError].
func (a *Audience) UnmarshalText(b []byte) error {
	v, err := parseAudience(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
