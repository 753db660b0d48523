package keys_test

import (
	"encoding/json"
	"testing"

	"github.com/csam-go/csam/keys"
)

func TestParseFASLevel(t *testing.T) {
	tests := []struct {
		in   string
		want keys.FASLevel
		err  bool
	}{
		{"urn:be:fedict:iam:fas:Level100", keys.FAS100, false},
		{"urn:be:fedict:iam:fas:Level200", keys.FAS200, false},
		{"urn:be:fedict:iam:fas:Level300", keys.FAS300, false},
		{"urn:be:fedict:iam:fas:Level350", keys.FAS350, false},
		{"urn:be:fedict:iam:fas:Level400", keys.FAS400, false},
		{"urn:be:fedict:iam:fas:citizen:Level450", keys.FAS450, false},
		{"urn:be:fedict:iam:fas:enterprise:Level500", keys.FAS500, false},
		{"Level400", keys.FAS400, false},
		{"500", keys.FAS500, false},
		{" 200 ", keys.FAS200, false},
		{"urn:be:fedict:iam:fas:Level250", 0, true},
		{"urn:be:fedict:iam:fas:other:Level400", 0, true},
		{"urn:be:fedict:iam:fas:", 0, true},
		{"0400", 0, true},
		{"0", 0, true},
		{"-400", 0, true},
		{"level400", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := keys.ParseFASLevel(tt.in)
			if tt.err {
				if !isProblem(err, "unknown FAS level") {
					t.Fatalf("ParseFASLevel(%q) = %v, %v; want ErrUnknownFAS", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFASLevel(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			back, err := keys.ParseFASLevel(got.ACR())
			if err != nil || back != got {
				t.Fatalf("ACR round trip: %v, %v", back, err)
			}
		})
	}
}

func TestFASJSON(t *testing.T) {
	tests := []struct {
		in   string
		want keys.FASLevel
		err  bool
	}{
		{`400`, keys.FAS400, false},
		{`"urn:be:fedict:iam:fas:Level450"`, keys.FAS450, false},
		{`"500"`, keys.FAS500, false},
		{`""`, keys.FASUnknown, false},
		{`401`, 0, true},
		{`4e2`, 0, true},
		{`true`, 0, true},
		{`[400]`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got keys.FASLevel
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.err {
				if !isProblem(err, "unknown FAS level") {
					t.Fatalf("Unmarshal(%s) = %v, %v; want ErrUnknownFAS", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Unmarshal(%s) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	b, err := json.Marshal(keys.FAS400)
	if err != nil || string(b) != `"urn:be:fedict:iam:fas:Level400"` {
		t.Fatalf("Marshal(FAS400) = %s, %v", b, err)
	}
}

func TestParseEIDASLevel(t *testing.T) {
	tests := []struct {
		in   string
		want keys.EIDASLevel
		uri  string
		err  bool
	}{
		{"low", keys.EIDASLow, "http://eidas.europa.eu/LoA/low", false},
		{"Substantial", keys.EIDASSubstantial, "http://eidas.europa.eu/LoA/substantial", false},
		{"HIGH", keys.EIDASHigh, "http://eidas.europa.eu/LoA/high", false},
		{"http://eidas.europa.eu/LoA/substantial", keys.EIDASSubstantial, "http://eidas.europa.eu/LoA/substantial", false},
		{"none", keys.EIDASNone, "", false},
		{"http://eidas.europa.eu/LoA/none", 0, "", true},
		{"http://eidas.europa.eu/LoA/High", 0, "", true},
		{"medium", 0, "", true},
		{"", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := keys.ParseEIDASLevel(tt.in)
			if tt.err {
				if !isProblem(err, "unknown eIDAS level") {
					t.Fatalf("ParseEIDASLevel(%q) = %v, %v; want ErrUnknownEIDAS", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want || got.URI() != tt.uri {
				t.Fatalf("ParseEIDASLevel(%q) = %v (%q), %v; want %v (%q)", tt.in, got, got.URI(), err, tt.want, tt.uri)
			}
		})
	}
}
