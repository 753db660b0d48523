package levels

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Application is one entry of the catalog: an application as one group of
// the règlement's annexes lists it, for one audience and with one
// requirement. The same application may have several entries (for
// instance "Identification des employeurs (WIDE)" for curators under
// art. 3.1.b and for access managers under art. 3.1.c): entries are never
// merged.
//
// The slices of an Application returned by this package are shared: do not
// modify them.
type Application struct {
	// ID identifies the entry: its group and its 1-based row in the group,
	// e.g. "1.cd.column3/1".
	ID string `json:"id"`
	// Portal is the portal of the annex (NoPortal for art. 3.4 entries).
	Portal Portal `json:"portal,omitempty"`
	// Name is the application's name as printed in the règlement.
	Name string `json:"application"`
	// Aliases are other names the application is looked up by.
	Aliases []string `json:"aliases,omitempty"`
	// Articles are the clauses of art. 3 that grant the application to its
	// audience, e.g. ["3.1.c", "3.1.d"].
	Articles []string `json:"articles"`
	// Audience is who the clause opens the application to.
	Audience Audience `json:"audience"`
	// Requirement is the lowest key level that suffices (None: no key).
	Requirement Level `json:"requirement"`
	// Group identifies the annex group, e.g. "1.cd.column1".
	Group string `json:"group"`
	// Channels lists the channels of an art. 3.4 entry ((S)FTP, MQSeries);
	// nil for annex entries, which are reached on their portal.
	Channels []Channel `json:"channels,omitempty"`
	// Certificate marks entries that need a certificate-based key (art. 3.4).
	Certificate bool `json:"certificate,omitempty"`
}

// OnChannel reports whether the entry is reached on channel c: annex entries
// on the portal, art. 3.4 entries on the channels they list.
func (a *Application) OnChannel(c Channel) bool {
	if a.Channels == nil {
		return c == ChannelPortal
	}
	return slices.Contains(a.Channels, c)
}

//go:embed catalog.json
var catalogJSON []byte

type catalogFile struct {
	Groups []struct {
		ID           string              `json:"id"`
		Portal       Portal              `json:"portal"`
		Channels     []Channel           `json:"channels"`
		Audience     Audience            `json:"audience"`
		Articles     []string            `json:"articles"`
		Requirement  Level               `json:"requirement"`
		Certificate  bool                `json:"certificate"`
		Applications []string            `json:"applications"`
		Aliases      map[string][]string `json:"aliases"`
	} `json:"groups"`
}

// catalog holds the parsed entries and their indexes, built once.
type catalog struct {
	all    []Application // annex entries first, then art. 3.4 entries
	annex  int           // len of the annex part of all
	byName map[string][]int32
	byNorm map[string][]int32
	formID int32 // the "Formulaire électronique de demande d'accès" entry (art. 11)
}

var cat = mustLoadCatalog(catalogJSON)

func mustLoadCatalog(b []byte) *catalog {
	c, err := loadCatalog(b)
	if err != nil {
		panic(err)
	}
	return c
}

func loadCatalog(b []byte) (*catalog, error) {
	var f catalogFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("levels: embedded catalog: %w", err)
	}
	c := &catalog{byName: map[string][]int32{}, byNorm: map[string][]int32{}, formID: -1}
	transfers := false
	for _, g := range f.Groups {
		if len(g.Applications) == 0 || len(g.Articles) == 0 || !g.Requirement.Valid() {
			return nil, fmt.Errorf("levels: embedded catalog: bad group %q", g.ID)
		}
		if (g.Portal == NoPortal) == (g.Channels == nil) {
			return nil, fmt.Errorf("levels: embedded catalog: group %q needs a portal or channels", g.ID)
		}
		if g.Channels == nil && transfers {
			return nil, fmt.Errorf("levels: embedded catalog: portal group %q after art. 3.4 groups", g.ID)
		}
		transfers = transfers || g.Channels != nil
		for i, name := range g.Applications {
			c.all = append(c.all, Application{
				ID:          fmt.Sprintf("%s/%d", g.ID, i+1),
				Portal:      g.Portal,
				Name:        name,
				Aliases:     g.Aliases[name],
				Articles:    g.Articles,
				Audience:    g.Audience,
				Requirement: g.Requirement,
				Group:       g.ID,
				Channels:    g.Channels,
				Certificate: g.Certificate,
			})
		}
		if g.Channels == nil {
			c.annex = len(c.all)
		}
	}
	for i := range c.all {
		a := &c.all[i]
		for _, n := range append([]string{a.Name}, a.Aliases...) {
			c.byName[n] = append(c.byName[n], int32(i))
			k := normName(n)
			if !slices.Contains(c.byNorm[k], int32(i)) {
				c.byNorm[k] = append(c.byNorm[k], int32(i))
			}
		}
		if a.Portal == PortalSocialSecurity && normName(a.Name) == normName(formulaireDemandeAcces) {
			c.formID = int32(i)
		}
	}
	if c.formID < 0 {
		return nil, fmt.Errorf("levels: embedded catalog: %q missing", formulaireDemandeAcces)
	}
	return c, nil
}

// formulaireDemandeAcces is the one portal application open to the eID
// signature certificate (art. 11).
const formulaireDemandeAcces = "Formulaire électronique de demande d’accès"

// normName folds a name for lookup: lower case, typographic apostrophes and
// dashes to ASCII, quotes dropped, spaces collapsed.
func normName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case '’', '‘', '`':
			r = '\''
		case '–', '—':
			r = '-'
		case '«', '»', '“', '”', '"':
			continue
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// lookup returns the indexes of the entries named name (or by an alias),
// exactly or after folding.
func (c *catalog) lookup(name string) []int32 {
	if ix, ok := c.byName[name]; ok {
		return ix
	}
	return c.byNorm[normName(name)]
}

// Catalog returns every entry of annexes 1, 2 and 3, in the order of the
// règlement (132 entries).
func Catalog() []Application {
	return slices.Clone(cat.all[:cat.annex])
}

// Transfers returns the declarations of art. 3.4 that access managers and
// their designated users file over (S)FTP or MQSeries with a qualified
// certificate: Dimona, DmfA, DmfAPPL, modifications of a declaration to the
// ONSS, modifications of a DmfAPPL declaration, DRS.
func Transfers() []Application {
	return slices.Clone(cat.all[cat.annex:])
}

// Lookup returns the entries named name (or known by that alias) reached on
// channel c: on the portal, annex entries of portal p (of every portal when
// p is NoPortal); on (S)FTP or MQSeries, art. 3.4 entries. Names match
// exactly or, failing that, ignoring case, quotes, spacing and the kind of
// apostrophe or dash. It returns nil when nothing matches.
func Lookup(name string, p Portal, c Channel) []Application {
	var out []Application
	for _, i := range cat.lookup(name) {
		if a := &cat.all[i]; a.matches(p, c) {
			out = append(out, *a)
		}
	}
	return out
}

func (a *Application) matches(p Portal, c Channel) bool {
	if !a.OnChannel(c) {
		return false
	}
	return c != ChannelPortal || p == NoPortal || a.Portal == p
}

// ForLevel returns the annex entries a key of level l unlocks by its level
// alone (art. 3.1.e, 3.2.f, 3.3.d): those whose requirement l suffices for.
// Audience, channel and certificate rules are not considered: see
// UnlockedBy and Decide.
func ForLevel(l Level) []Application {
	var out []Application
	for _, a := range cat.all[:cat.annex] {
		if l.Suffices(a.Requirement) {
			out = append(out, a)
		}
	}
	return out
}

// UnlockedBy returns the entries (annex and art. 3.4) a key unlocks as far as
// the key itself goes, whoever holds it: its level suffices, it works on
// the entry's channel (art. 5 bis: some keys are not available for every
// application), the eID signature certificate reaches no portal application
// but the "Formulaire électronique de demande d'accès" (art. 11), and art.
// 3.4 entries need a certificate-based key (PresentedKey.UsesCertificate,
// EIDSignature or a Certificate status; never the channels alone). Entries
// needing no key are always unlocked. Audience rules (who the user is) are
// left to Decide.
func UnlockedBy(k PresentedKey) []Application {
	var out []Application
	for i := range cat.all {
		a := &cat.all[i]
		if cat.keyUnlocks(int32(i), &k) {
			out = append(out, *a)
		}
	}
	return out
}

func (c *catalog) keyUnlocks(i int32, k *PresentedKey) bool {
	a := &c.all[i]
	if a.Requirement == None {
		return true
	}
	if !k.Level.Suffices(a.Requirement) {
		return false
	}
	if a.Channels == nil { // portal entry
		if k.EIDSignature { // art. 11: only over (S)FTP, MQSeries, ...
			return i == c.formID
		}
		return k.worksOn(ChannelPortal)
	}
	if a.Certificate && !k.certificateBased() {
		return false
	}
	for _, ch := range a.Channels {
		if k.worksOn(ch) {
			return true
		}
	}
	return false
}
