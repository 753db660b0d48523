package levels

import (
	"strings"
	"testing"
)

const formGroup = `{"id": "f", "portal": "securitesociale", "audience": "everyone", "articles": ["3.1.a"],
	"requirement": "none", "applications": ["Formulaire électronique de demande d’accès"]}`

func TestLoadCatalogErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not JSON", `{`, "embedded catalog"},
		{"empty group", `{"groups": [{"id": "x", "portal": "belgium", "articles": ["3.2.a"], "requirement": "none"}]}`, `bad group "x"`},
		{"no articles", `{"groups": [{"id": "x", "portal": "belgium", "requirement": "none", "applications": ["a"]}]}`, `bad group "x"`},
		{"neither portal nor channels", `{"groups": [{"id": "x", "articles": ["3.4"], "requirement": "none", "applications": ["a"]}]}`, "needs a portal or channels"},
		{"both portal and channels", `{"groups": [{"id": "x", "portal": "belgium", "channels": ["ftp"], "articles": ["3.4"], "requirement": "none", "applications": ["a"]}]}`, "needs a portal or channels"},
		{"unknown requirement", `{"groups": [{"id": "x", "portal": "belgium", "articles": ["3"], "requirement": "column7", "applications": ["a"]}]}`, "column7"},
		{"no Formulaire", `{"groups": [{"id": "x", "portal": "belgium", "articles": ["3.2.a"], "requirement": "none", "applications": ["a"]}]}`, "missing"},
		{"portal group after transfers", `{"groups": [` + formGroup + `,
			{"id": "t", "channels": ["ftp"], "articles": ["3.4"], "requirement": "column3", "applications": ["a"]},
			{"id": "p", "portal": "belgium", "articles": ["3.2.a"], "requirement": "none", "applications": ["b"]}]}`, "after art. 3.4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadCatalog([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "levels: ") {
				t.Fatalf("loadCatalog error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestColumn2Requirement checks the "Non Oui Oui" requirement no annex row
// uses today: a token suffices, UID/PWD does not, column 3 does.
func TestColumn2Requirement(t *testing.T) {
	c, err := loadCatalog([]byte(`{"groups": [` + formGroup + `,
		{"id": "n", "portal": "securitesociale", "audience": "access-managers", "articles": ["3.1.c", "3.1.d"],
		 "requirement": "column2", "applications": ["Nouvelle application"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	saved := cat
	cat = c
	defer func() { cat = saved }()
	for _, tt := range []struct {
		level Level
		want  bool
	}{{Column1, false}, {Column2, true}, {Column3, true}} {
		d, err := Decide(Request{Application: "Nouvelle application", Roles: RolesOf(RoleAccessManager),
			Key: PresentedKey{Type: "k", Level: tt.level, State: KeyActive}})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != tt.want || d.Entry != "n/1" {
			t.Errorf("key at %v: allowed=%v entry=%q, want %v: %+v", tt.level, d.Allowed, d.Entry, tt.want, d.Reasons)
		}
		if n := len(UnlockedBy(PresentedKey{Type: "k", Level: tt.level})); n != map[bool]int{false: 1, true: 2}[tt.want] {
			t.Errorf("key at %v unlocks %d entries", tt.level, n)
		}
	}
}
