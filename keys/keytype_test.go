package keys_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

// TestBuiltins checks each built-in key type against the règlement: its
// column in the annex tables, its channels (arts. 3.4 and 11) and the FAS and
// eIDAS levels of the public documentation.
func TestBuiltins(t *testing.T) {
	portal := []levels.Channel{levels.ChannelPortal}
	files := []levels.Channel{levels.ChannelFTP, levels.ChannelMQSeries}
	tests := []struct {
		id       keys.ID
		level    levels.Level
		fas      string
		eidas    string
		channels []levels.Channel
		sig      bool
		cert     bool
		factors  []keys.Factor
	}{
		{keys.IDPassword, levels.Column1, "urn:be:fedict:iam:fas:Level200", "http://eidas.europa.eu/LoA/low", portal, false, false,
			[]keys.Factor{keys.FactorUsername, keys.FactorPassword}},
		{keys.IDTokenPassword, levels.Column2, "", "", portal, false, false,
			[]keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorToken}},
		{keys.IDSMS, levels.Column1, "", "http://eidas.europa.eu/LoA/substantial", portal, false, false,
			[]keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorSMSCode}},
		{keys.IDTOTPApp, levels.Column3, "urn:be:fedict:iam:fas:Level400", "http://eidas.europa.eu/LoA/substantial", portal, false, false,
			[]keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorTOTPApp}},
		{keys.IDItsme, levels.Column3, "urn:be:fedict:iam:fas:Level450", "http://eidas.europa.eu/LoA/high", portal, false, false,
			[]keys.Factor{keys.FactorItsmeApp, keys.FactorPIN}},
		{keys.IDEID, levels.Column3, "urn:be:fedict:iam:fas:Level500", "http://eidas.europa.eu/LoA/high", portal, false, true,
			[]keys.Factor{keys.FactorEIDCard, keys.FactorCardReader, keys.FactorPIN, keys.FactorEIDAuthCertificate}},
		{keys.IDEIDSignature, levels.Column3, "", "", files, true, true,
			[]keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorEIDCard, keys.FactorCardReader, keys.FactorPIN, keys.FactorEIDSignatureCertificate}},
		{keys.IDQualifiedCertificate, levels.Column3, "", "", []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries}, false, true,
			[]keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorCertificate, keys.FactorPrivateKey}},
		{keys.IDPIVToken, levels.Column3, "", "", []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries}, false, true,
			[]keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorCertificate, keys.FactorPrivateKey, keys.FactorPIVToken, keys.FactorPIN}},
	}
	reg := keys.NewRegistry()
	all := reg.All()
	if len(all) != len(tests) {
		t.Fatalf("NewRegistry holds %d key types, want %d", len(all), len(tests))
	}
	for i, tt := range tests {
		t.Run(string(tt.id), func(t *testing.T) {
			if all[i].ID != tt.id {
				t.Fatalf("All()[%d] = %q, want %q (stable order)", i, all[i].ID, tt.id)
			}
			k, ok := reg.Lookup(tt.id)
			if !ok {
				t.Fatalf("Lookup(%q) not found", tt.id)
			}
			if err := k.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if k.Level != tt.level {
				t.Errorf("Level = %v, want %v", k.Level, tt.level)
			}
			if got := k.FAS.ACR(); got != tt.fas {
				t.Errorf("FAS ACR = %q, want %q", got, tt.fas)
			}
			if got := k.EIDAS.URI(); got != tt.eidas {
				t.Errorf("eIDAS URI = %q, want %q", got, tt.eidas)
			}
			if !slices.Equal(k.Channels, tt.channels) {
				t.Errorf("Channels = %v, want %v", k.Channels, tt.channels)
			}
			if !slices.Equal(k.Factors, tt.factors) {
				t.Errorf("Factors = %v, want %v", k.Factors, tt.factors)
			}
			if k.UsesCertificate() != tt.cert {
				t.Errorf("UsesCertificate = %v, want %v", k.UsesCertificate(), tt.cert)
			}
			for _, lang := range []string{"fr", "nl", "en", "de"} {
				if k.Names.In(lang) == "" {
					t.Errorf("no %s name", lang)
				}
			}
			p := k.Presented()
			if p.Type != string(tt.id) || p.Level != tt.level || p.EIDSignature != tt.sig || p.UsesCertificate != tt.cert ||
				p.Certificate != nil || p.State != levels.KeyActive {
				t.Errorf("Presented() = %+v", p)
			}
			if !slices.Equal(p.Channels, tt.channels) {
				t.Errorf("Presented().Channels = %v, want %v", p.Channels, tt.channels)
			}
			for _, c := range []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries} {
				if got, want := k.WorksOn(c), slices.Contains(tt.channels, c); got != want {
					t.Errorf("WorksOn(%v) = %v, want %v", c, got, want)
				}
			}
		})
	}
}

// TestArt11 checks that the eID signature certificate is kept off the
// portals and that nothing else is flagged as it.
func TestArt11(t *testing.T) {
	for _, k := range keys.Builtins() {
		p := k.Presented()
		if p.EIDSignature != (k.ID == keys.IDEIDSignature) {
			t.Errorf("%s: EIDSignature = %v", k.ID, p.EIDSignature)
		}
		if p.EIDSignature && slices.Contains(p.Channels, levels.ChannelPortal) {
			t.Errorf("%s: works on the portal, art. 11 forbids it", k.ID)
		}
	}
}

func TestPresentedDefaultChannels(t *testing.T) {
	k := keys.KeyType{ID: "x", Names: keys.Names{EN: "X"}, Level: levels.Column2, Factors: []keys.Factor{"y"}}
	p := k.Presented()
	if !slices.Equal(p.Channels, []levels.Channel{levels.ChannelPortal}) {
		t.Fatalf("nil Channels presented as %v, want the portal only (never nil: nil means every channel to levels)", p.Channels)
	}
	p.Channels[0] = levels.ChannelFTP
	if q := k.Presented(); !slices.Equal(q.Channels, []levels.Channel{levels.ChannelPortal}) || !k.WorksOn(levels.ChannelPortal) || k.WorksOn(levels.ChannelFTP) {
		t.Fatal("Presented shares the default channels with the caller")
	}
}

func TestNamesIn(t *testing.T) {
	n := keys.Names{FR: "Clé", NL: "Sleutel"}
	tests := []struct{ lang, want string }{
		{"fr", "Clé"}, {"nl", "Sleutel"}, {"en", "Clé"}, {"de", "Clé"}, {"xx", "Clé"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := n.In(tt.lang); got != tt.want {
				t.Errorf("In(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

// TestValidate lists one bad key type per problem, with the field and
// problem the error must report.
func TestValidate(t *testing.T) {
	good := keys.KeyType{ID: "passkey", Names: keys.Names{EN: "Passkey"}, Level: levels.Column3,
		Factors: []keys.Factor{"passkey-device"}}
	if err := good.Validate(); err != nil {
		t.Fatalf("good key type: %v", err)
	}
	tests := []struct {
		name   string
		edit   func(*keys.KeyType)
		field  string
		target any // see isProblem
	}{
		{"no id", func(k *keys.KeyType) { k.ID = "" }, "id", "missing field"},
		{"bad id", func(k *keys.KeyType) { k.ID = "Pass Key" }, "id", "invalid value"},
		{"no names", func(k *keys.KeyType) { k.Names = keys.Names{} }, "names", "missing field"},
		{"level none", func(k *keys.KeyType) { k.Level = levels.None }, "level", "invalid value"},
		{"level 7", func(k *keys.KeyType) { k.Level = 7 }, "level", kind("level")},
		{"fas 250", func(k *keys.KeyType) { k.FAS = 250 }, "fas", "unknown FAS level"},
		{"eidas 9", func(k *keys.KeyType) { k.EIDAS = 9 }, "eidas", "unknown eIDAS level"},
		{"empty channels", func(k *keys.KeyType) { k.Channels = []levels.Channel{} }, "channels", "invalid value"},
		{"channel 5", func(k *keys.KeyType) { k.Channels = []levels.Channel{levels.ChannelPortal, 5} }, "channels[1]", kind("channel")},
		{"channel twice", func(k *keys.KeyType) {
			k.Channels = []levels.Channel{levels.ChannelFTP, levels.ChannelFTP}
		}, "channels[1]", "invalid value"},
		{"no factors", func(k *keys.KeyType) { k.Factors = nil }, "factors", "missing field"},
		{"bad factor", func(k *keys.KeyType) { k.Factors = []keys.Factor{"pin", "PIN!"} }, "factors[1]", "invalid value"},
		{"factor twice", func(k *keys.KeyType) { k.Factors = []keys.Factor{"pin", "pin"} }, "factors[1]", "invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := good.Clone()
			tt.edit(&k)
			err := k.Validate()
			if !isProblem(err, tt.target) {
				t.Fatalf("Validate() = %v, want errors.Is %v", err, tt.target)
			}
			var de *keys.DefinitionError
			if !errors.As(err, &de) || de.Field != tt.field {
				t.Fatalf("Validate() = %v, want a *DefinitionError on field %q", err, tt.field)
			}
			if err := keys.NewRegistry().Register(k); !isProblem(err, tt.target) {
				t.Fatalf("Register() = %v, want errors.Is %v", err, tt.target)
			}
		})
	}
}

// TestValidateAllProblems checks that every problem is reported, not only
// the first.
func TestValidateAllProblems(t *testing.T) {
	err := keys.KeyType{Level: 9, FAS: 1}.Validate()
	for _, target := range []any{"missing field", kind("level"), "unknown FAS level"} {
		if !isProblem(err, target) {
			t.Errorf("Validate() = %v; does not report %v", err, target)
		}
	}
	fields := map[string]bool{}
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var de *keys.DefinitionError
		if errors.As(e, &de) {
			fields[de.Field] = true
		}
	}
	for _, f := range []string{"id", "names", "level", "fas", "factors"} {
		if !fields[f] {
			t.Errorf("no error for field %q in %v", f, err)
		}
	}
}
