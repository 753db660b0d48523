package levels

import (
	"fmt"
	"strings"
)

// Portal is the web portal an annex application is reached through
// (art. 3.1, 3.2 and 3.3). The zero value, NoPortal, means "no portal": an
// application of art. 3.4 reached over (S)FTP or MQSeries, or, in a
// Request, "any portal".
type Portal uint8

const (
	// NoPortal: not a portal application, or any portal in a request.
	NoPortal Portal = iota
	// PortalSocialSecurity: www.securitesociale.be (art. 3.1, annex 1).
	PortalSocialSecurity
	// PortalBelgium: www.belgium.be, the federal authority (art. 3.2, annex 2).
	PortalBelgium
	// PortalEHealth: www.ehealth.fgov.be (art. 3.3, annex 3).
	PortalEHealth
)

var portalNames = [...]string{"", "securitesociale", "belgium", "ehealth"}

// String returns "securitesociale", "belgium", "ehealth", or "" for
// NoPortal.
func (p Portal) String() string {
	if int(p) < len(portalNames) {
		return portalNames[p]
	}
	return fmt.Sprintf("portal(%d)", uint8(p))
}

// Host returns the portal's host name ("www.securitesociale.be", ...), or ""
// for NoPortal.
func (p Portal) Host() string {
	switch p {
	case PortalSocialSecurity:
		return "www.securitesociale.be"
	case PortalBelgium:
		return "www.belgium.be"
	case PortalEHealth:
		return "www.ehealth.fgov.be"
	}
	return ""
}

// parsePortal parses a portal name as String returns it. It also accepts the
// host names ("securitesociale.be", "www.belgium.be", "ehealth.fgov.be"),
// "esante"/"esanté" and "socialsecurity", case-insensitively. The empty
// string parses as NoPortal. Other input gives a [*ParseError].
func parsePortal(s string) (Portal, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "www.")
	switch t {
	case "":
		return NoPortal, nil
	case "securitesociale", "securitesociale.be", "sécuritésociale", "socialsecurity", "social-security":
		return PortalSocialSecurity, nil
	case "belgium", "belgium.be":
		return PortalBelgium, nil
	case "ehealth", "ehealth.fgov.be", "esante", "esanté":
		return PortalEHealth, nil
	}
	return 0, &ParseError{Kind: "portal", Input: s}
}

// MarshalText implements encoding.TextMarshaler.
func (p Portal) MarshalText() ([]byte, error) {
	if int(p) >= len(portalNames) {
		return nil, fmt.Errorf("levels: cannot marshal invalid portal %d", uint8(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts the names
// String returns, the host names ("securitesociale.be", "www.belgium.be",
// "ehealth.fgov.be"), "esante"/"esanté" and "socialsecurity",
// case-insensitively; the empty text is NoPortal. Other input gives a
// [*ParseError].
func (p *Portal) UnmarshalText(b []byte) error {
	v, err := parsePortal(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// levelArticle is the clause of art. 3 that ties a portal's applications to
// key levels (3.1.e, 3.2.f, 3.3.d).
func (p Portal) levelArticle() string {
	switch p {
	case PortalBelgium:
		return "3.2.f"
	case PortalEHealth:
		return "3.3.d"
	case PortalSocialSecurity:
		return "3.1.e"
	}
	return "3.4"
}

// designationArticle is the clause that limits users designated by an
// access manager (3.1.d, 3.2.d); "3.4" over (S)FTP and MQSeries.
func (p Portal) designationArticle() string {
	switch p {
	case PortalSocialSecurity:
		return "3.1.d"
	case PortalBelgium:
		return "3.2.d"
	}
	return "3.4"
}
