package keystest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/keys/keystest"
	"github.com/csam-go/csam/levels"
)

// TestBuiltins runs the kit on every built-in key type.
func TestBuiltins(t *testing.T) {
	reg := keys.NewRegistry()
	for _, k := range keys.Builtins() {
		t.Run(string(k.ID), func(t *testing.T) {
			keystest.TestKeyType(t, reg, k)
			if err := keystest.Check(nil, k); err != nil {
				t.Errorf("Check(nil, %s): %v", k.ID, err)
			}
		})
	}
}

// TestFutureKeys runs the kit on the example definition file, as an
// integrator would.
func TestFutureKeys(t *testing.T) {
	f, err := os.Open(filepath.Join(testenv.ModuleRoot(), "testdata", "keys", "future-keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reg := keys.NewRegistry()
	kts, err := reg.LoadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kts {
		t.Run(string(k.ID), func(t *testing.T) { keystest.TestKeyType(t, reg, k) })
	}
}

// TestBroken gives the kit deliberately broken key types and registries;
// each must fail with the checks named.
func TestBroken(t *testing.T) {
	good := keys.KeyType{ID: "passkey", Names: keys.Names{EN: "Passkey"}, Level: levels.Column3,
		FAS: keys.FAS400, EIDAS: keys.EIDASSubstantial, Factors: []keys.Factor{"passkey-device", "pin"}}
	if err := keystest.Check(nil, good); err != nil {
		t.Fatalf("good key type: %v", err)
	}
	tests := []struct {
		name  string
		reg   func() *keys.Registry
		kt    func() keys.KeyType
		wants []string
		// notWants are texts the error must not contain.
		notWants []string
	}{
		{
			name:  "column 3 with FAS 200 and eIDAS low",
			kt:    func() keys.KeyType { k := good; k.FAS, k.EIDAS = keys.FAS200, keys.EIDASLow; return k },
			wants: []string{"keystest: levels: level column3 with FAS urn:be:fedict:iam:fas:Level200", "keystest: levels: level column3 with eIDAS low"},
		},
		{
			name: "FAS 500 with eIDAS low",
			kt: func() keys.KeyType {
				k := good
				k.Level, k.FAS, k.EIDAS = levels.Column1, keys.FAS500, keys.EIDASLow
				return k
			},
			wants: []string{"keystest: levels: FAS urn:be:fedict:iam:fas:Level500 with eIDAS low"},
		},
		{
			name: "self-registration",
			kt: func() keys.KeyType {
				k := good
				k.Level, k.FAS, k.EIDAS = levels.Column1, keys.FAS100, keys.EIDASLow
				return k
			},
			wants: []string{"keystest: levels: FAS urn:be:fedict:iam:fas:Level100 is self-registration"},
		},
		{
			name: "password alone at column 2",
			kt: func() keys.KeyType {
				k := good
				k.Level, k.FAS, k.EIDAS = levels.Column2, 0, 0
				k.Factors = []keys.Factor{keys.FactorUsername, keys.FactorPassword}
				return k
			},
			wants: []string{"keystest: levels: level column2 for a key of only"},
		},
		{
			name: "FTP without a certificate",
			kt: func() keys.KeyType {
				k := good
				k.Channels = []levels.Channel{levels.ChannelPortal, levels.ChannelFTP}
				return k
			},
			// The channels check refuses it; levels does not count a key
			// as certificate-based for the channels it works on, so the
			// art. 3.4 transfers stay locked and the unlocks check passes.
			wants:    []string{"keystest: channels: works on ftp without a certificate"},
			notWants: []string{"keystest: unlocks:"},
		},
		{
			name: "eID signature on the portal",
			kt: func() keys.KeyType {
				k := good
				k.Factors = []keys.Factor{keys.FactorEIDCard, keys.FactorPIN, keys.FactorEIDSignatureCertificate}
				return k
			},
			wants: []string{"keystest: channels: the eID signature certificate works on the portal"},
		},
		{
			name:  "invalid definition",
			reg:   func() *keys.Registry { return &keys.Registry{} },
			kt:    func() keys.KeyType { k := good; k.Names = keys.Names{}; return k },
			wants: []string{"keystest: definition: keys: definition \"passkey\": field \"names\": missing field", "keystest: registry: \"passkey\" is not registered"},
		},
		{
			name: "registry holds another definition",
			reg: func() *keys.Registry {
				r := keys.NewRegistry()
				k := good
				k.Level = levels.Column1
				if err := r.Register(k); err != nil {
					t.Fatal(err)
				}
				return r
			},
			kt:    func() keys.KeyType { return good },
			wants: []string{"keystest: registry: the registry holds a different key type"},
		},
		{
			name: "invalid FAS cannot round trip",
			reg:  func() *keys.Registry { return &keys.Registry{} },
			kt:   func() keys.KeyType { k := good; k.FAS = 250; return k },
			wants: []string{"keystest: definition: keys: definition \"passkey\": field \"fas\": unknown FAS level 250",
				"keystest: round-trip: encoding:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reg *keys.Registry
			if tt.reg != nil {
				reg = tt.reg()
			}
			err := keystest.Check(reg, tt.kt())
			if err == nil {
				t.Fatal("Check accepted a broken key type")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			for _, w := range tt.notWants {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error holds %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestCheckLevelsPlausible checks that the built-in key types pass the
// plausibility rules.
func TestCheckLevelsPlausible(t *testing.T) {
	for _, k := range keys.Builtins() {
		t.Run(string(k.ID), func(t *testing.T) {
			if err := keystest.CheckLevels(k); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCheckLevelsMessages checks that CheckLevels reports each broken rule
// in its own error, named after the package.
func TestCheckLevelsMessages(t *testing.T) {
	k := keys.KeyType{ID: "k", Names: keys.Names{EN: "K"}, Level: levels.Column3, FAS: keys.FAS200, EIDAS: keys.EIDASLow,
		Factors: []keys.Factor{keys.FactorUsername, keys.FactorPassword}}
	err := keystest.CheckLevels(k)
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("CheckLevels = %v, want joined errors", err)
	}
	if n := len(j.Unwrap()); n != 3 {
		t.Errorf("%d errors, want 3 (FAS, eIDAS, password alone): %v", n, err)
	}
	for _, e := range j.Unwrap() {
		if !strings.HasPrefix(e.Error(), "keystest: ") {
			t.Errorf("%q does not start with keystest: ", e)
		}
	}
}
