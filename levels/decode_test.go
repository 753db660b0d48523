package levels_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/csam-go/csam/levels"
)

// resolve stands in for a key registry in these tests.
func resolve(id string) (levels.PresentedKey, bool) {
	switch id {
	case "totp-app":
		return keyTOTP, true
	case "eid-signature":
		return keySig, true
	case "x509-qualified":
		return keyX509, true
	}
	return levels.PresentedKey{}, false
}

func TestDecodeRequest(t *testing.T) {
	in := `{
		"application": "Dimona (sécurisé)",
		"portal": "securitesociale.be",
		"user": "alice",
		"roles": ["designated-user"],
		"designated_by": {"manager": "bob", "roles": ["access-manager"], "authorised": ["dimona (sécurisé)", "DRS"]},
		"key": {"type": "totp-app", "level": "column3", "channels": ["portal"], "holder": "alice"}
	}`
	req, err := levels.DecodeRequest(strings.NewReader(in), levels.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := levels.Request{
		Application: "Dimona (sécurisé)",
		Portal:      levels.PortalSocialSecurity,
		User:        "alice",
		Roles:       levels.RolesOf(levels.RoleDesignatedUser),
		DesignatedBy: &levels.Designation{Manager: "bob", Roles: levels.RolesOf(levels.RoleAccessManager),
			Authorised: []string{"Dimona (sécurisé)", "DRS - Déclarations de risques sociaux"}},
		Key: levels.PresentedKey{Type: "totp-app", Level: levels.Column3, Channels: portalOnly, Holder: "alice", State: levels.KeyActive},
	}
	if !reflect.DeepEqual(req, want) {
		t.Fatalf("DecodeRequest =\n%+v\nwant\n%+v", req, want)
	}
	if d, err := levels.Decide(req); err != nil || !d.Allowed {
		t.Errorf("decoded request denied:\n%s", reasonsText(d))
	}
	// The Request type round-trips through encoding/json too.
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var back levels.Request
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("json round trip of %s = %+v, %v", b, back, err)
	}
}

func TestDecodeRequestKeyType(t *testing.T) {
	in := `{"application": "Dimona", "channel": "sftp", "roles": ["main-access-manager"],
		"key_type": "eid-signature", "key": {"certificate": {"valid": true, "qualified": true, "expired": true}}}`
	req, err := levels.DecodeRequest(strings.NewReader(in), levels.DecodeOptions{ResolveKey: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if req.Application != "Déclarations Dimona" || req.Channel != levels.ChannelFTP || !req.Key.EIDSignature ||
		req.Key.Certificate == nil || !req.Key.Certificate.Expired {
		t.Fatalf("request = %+v", req)
	}
	d, err := levels.Decide(req)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || !slicesContainsReason(d, "7", levels.Deny) {
		t.Errorf("expired certificate allowed:\n%s", reasonsText(d))
	}
}

// TestDecodeRequestKeyTypeFlags checks that inline flags agreeing with the
// key type are accepted.
func TestDecodeRequestKeyTypeFlags(t *testing.T) {
	in := `{"application": "Dimona", "channel": "ftp", "roles": ["main-access-manager"], "key_type": "eid-signature",
		"key": {"eid_signature": true, "uses_certificate": true}}`
	req, err := levels.DecodeRequest(strings.NewReader(in), levels.DecodeOptions{ResolveKey: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := levels.Decide(req); err != nil || !req.Key.EIDSignature || !req.Key.UsesCertificate || !d.Allowed {
		t.Fatalf("request = %+v", req)
	}
}

func slicesContainsReason(d levels.Decision, art string, e levels.Effect) bool {
	for _, r := range d.Reasons {
		if r.Article == art && r.Effect == e {
			return true
		}
	}
	return false
}

func TestDecodeRequestErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		field string
		err   any // see isProblem
	}{
		{"empty", ``, "", "malformed request"},
		{"not json", `{"application": `, "", "malformed request"},
		{"syntax", `{"application" "x"}`, "", "malformed request"},
		{"array", `[]`, "(top level)", "malformed request"},
		{"trailing", `{"application": "eCUR"} {}`, "", "malformed request"},
		{"wrong type", `{"application": 3}`, "application", "malformed request"},
		{"unknown field", `{"application": "eCUR", "rôle": "x"}`, "rôle", "unknown field"},
		{"missing application", `{"roles": []}`, "application", "missing field"},
		{"unknown application", `{"application": "Dimona (pas sécurisée)"}`, "application", levels.ErrUnknownApplication},
		{"application on another portal", `{"application": "eCUR", "portal": "ehealth"}`, "application", levels.ErrUnknownApplication},
		{"portal application over ftp", `{"application": "eCUR", "channel": "ftp"}`, "application", levels.ErrUnknownApplication},
		{"unknown portal", `{"application": "eCUR", "portal": "fedweb"}`, "portal", kind("portal")},
		{"unknown channel", `{"application": "eCUR", "channel": "x400"}`, "channel", kind("channel")},
		{"portal with ftp", `{"application": "Dimona", "channel": "ftp", "portal": "belgium"}`, "portal", "conflicting fields"},
		{"unknown role", `{"application": "eCUR", "roles": ["curator", "boss"]}`, "roles[1]", kind("role")},
		{"designated without manager", `{"application": "eCUR", "roles": ["designated-user"]}`, "designated_by", "missing field"},
		{"manager without designated role", `{"application": "eCUR", "designated_by": {"roles": ["curator"]}}`, "designated_by", "conflicting fields"},
		{"unknown manager role", `{"application": "eCUR", "roles": ["designated-user"], "designated_by": {"roles": ["chief"]}}`, "designated_by.roles[0]", kind("role")},
		{"unknown authorised application", `{"application": "eCUR", "roles": ["designated-user"], "designated_by": {"roles": ["curator"], "authorised": ["eCUR", "eCURE"]}}`, "designated_by.authorised[1]", levels.ErrUnknownApplication},
		{"bad level", `{"application": "eCUR", "key": {"type": "k", "level": "column4"}}`, "key.level", kind("level")},
		{"missing level", `{"application": "eCUR", "key": {"type": "k"}}`, "key.level", "missing field"},
		{"bad key channel", `{"application": "eCUR", "key": {"type": "k", "level": "column1", "channels": ["portal", "fax"]}}`, "key.channels[1]", kind("channel")},
		{"bad key state", `{"application": "eCUR", "key": {"type": "k", "level": "column1", "state": "asleep"}}`, "key.state", kind("key state")},
		{"bad certificate field", `{"application": "eCUR", "key": {"type": "k", "level": "column3", "certificate": {"valid": "yes"}}}`, "key.certificate.valid", "malformed request"},
		{"unknown key type", `{"application": "eCUR", "key_type": "telepathy"}`, "key_type", "unknown key type"},
		{"key type conflicting level", `{"application": "eCUR", "key_type": "totp-app", "key": {"level": "column1"}}`, "key.level", "conflicting fields"},
		{"key type without a certificate said to use one", `{"application": "Belcotax-on-web", "key_type": "totp-app", "key": {"uses_certificate": true}}`, "key.uses_certificate", "conflicting fields"},
		{"key type said to be the eID signature", `{"application": "eCUR", "key_type": "x509-qualified", "key": {"eid_signature": true}}`, "key.eid_signature", "conflicting fields"},
		{"key type conflicting type", `{"application": "eCUR", "key_type": "totp-app", "key": {"type": "eid"}}`, "key.type", "conflicting fields"},
		{"field name case", `{"Application": "eCUR"}`, "Application", "unknown field"},
		{"field twice", `{"application": "eCUR", "roles": ["designated-user"], "roles": []}`, "roles", "given twice"},
		{"nested unknown field", `{"application": "eCUR", "key": {"type": "k", "level": "column1", "colour": 1}}`, "key.colour", "unknown field"},
		{"wrong type in an array", `{"application": "eCUR", "roles": ["curator", 3]}`, "roles[1]", "malformed request"},
		{"unknown enterprise role", `{"application": "eCUR", "enterprise": {"managers": [{"user": "a", "role": "owner"}]}}`, "enterprise.managers[0].role", kind("role")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := levels.DecodeRequest(strings.NewReader(tt.in), levels.DecodeOptions{ResolveKey: resolve})
			var re *levels.RequestError
			if !errors.As(err, &re) || !isProblem(err, tt.err) {
				t.Fatalf("error = %v, want *RequestError with %v", err, tt.err)
			}
			if re.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", re.Field, tt.field, err)
			}
			if !strings.HasPrefix(err.Error(), "levels: ") {
				t.Errorf("message %q does not start with the package name", err)
			}
		})
	}
	// Without a registry, key_type cannot be resolved.
	_, err := levels.DecodeRequest(strings.NewReader(`{"application": "eCUR", "key_type": "totp-app"}`), levels.DecodeOptions{})
	if !isProblem(err, "unknown key type") {
		t.Errorf("key_type without a resolver: %v", err)
	}
	// Oversized input.
	big := `{"application": "eCUR", "user": "` + strings.Repeat("a", 1<<20) + `"}`
	if _, err := levels.DecodeRequest(strings.NewReader(big), levels.DecodeOptions{}); !isProblem(err, "malformed request") {
		t.Errorf("oversized request: %v", err)
	}
}

// TestDecodeRequestOffsets checks that an error names the byte offset of
// the field at fault.
func TestDecodeRequestOffsets(t *testing.T) {
	for _, tt := range []struct{ in, at string }{
		{`{"application": "eCUR", "roles": ["curator", "boss"]}`, `"boss"`},
		{`{"application": "eCUR",` + "\n" + ` "rôle": "x"}`, `"rôle"`},
		{`{"application": "eCUR", "key": {"type": "k", "level": "column4"}}`, `"column4"`},
		{`{"application": "eCUR", "roles": [] "x"}`, `"x"`},
	} {
		_, err := levels.DecodeRequest(strings.NewReader(tt.in), levels.DecodeOptions{ResolveKey: resolve})
		var re *levels.RequestError
		if !errors.As(err, &re) || re.Offset != int64(strings.Index(tt.in, tt.at)) {
			t.Errorf("%s: error %v; want the offset of %s, %d", tt.in, err, tt.at, strings.Index(tt.in, tt.at))
		}
	}
}

var fuzzSeeds = []string{
	`{"application": "Dimona (sécurisé)", "portal": "securitesociale", "roles": ["designated-user"], "designated_by": {"roles": ["access-manager"], "authorised": ["Dimona (sécurisé)"]}, "key": {"type": "totp-app", "level": "column3", "channels": ["portal"]}}`,
	`{"application": "Dimona", "channel": "ftp", "roles": ["main-access-manager"], "key_type": "eid-signature", "key": {"certificate": {"valid": true, "qualified": true}}}`,
	`{"application": "Tax-on-web (TOW)", "roles": ["access-manager"], "tax_on_web": {"repertory_number": "1", "acting_for": "m", "mandates": [{"mandator": "m", "filed": true}]}, "key": {"type": "password", "level": "column1"}}`,
	`{"application": "eHealth box", "roles": ["ehealth-habilitated"], "key": {"type": "eid", "level": "3", "state": "blocked", "holder": "x"}, "user": "y"}`,
	`{"application": "Belcotax-on-web", "holds_certificate": true, "enterprise": {"managers": [{"user": "a", "role": "main-access-manager"}]}, "roles": ["co-main-access-manager"], "key": {"type": "itsme", "level": "column3"}}`,
	`{"application": "eCUR", "key": {"type": "k", "level": "column4"}}`,
	`{"application": "DRS", "channel": "mqseries", "roles": ["designated-user"], "designated_by": {"roles": ["access-manager"]}, "key_type": "x509-qualified", "key": {"uses_certificate": true, "eid_signature": true, "state": "must-change"}}`,
	`{"application": "Rina", "key": {"type": "f", "level": "column3", "channels": ["ftp", "portal"], "uses_certificate": true, "eid_signature": true}}`,
	`{"application": 1}`,
	`[]`,
	``,
}

// FuzzDecodeRequest checks that the decoder never panics, reports every
// failure as a *RequestError, and that a decoded request re-encodes to JSON
// that decodes to the same request and decision.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := levels.DecodeOptions{ResolveKey: resolve}
		req, err := levels.DecodeRequest(bytes.NewReader(data), opts)
		if err != nil {
			var re *levels.RequestError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a *RequestError", err, err)
			}
			if re.Offset < 0 || re.Offset > int64(len(data)) {
				t.Fatalf("error %v at offset %d of an input of %d bytes", err, re.Offset, len(data))
			}
			return
		}
		d, derr := levels.Decide(req)
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("marshal decoded request: %v", err)
		}
		req2, err := levels.DecodeRequest(bytes.NewReader(b), opts)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if d2, derr2 := levels.Decide(req2); !reflect.DeepEqual(d, d2) || fmt.Sprint(derr) != fmt.Sprint(derr2) {
			t.Fatalf("decision changed after a round trip through %s:\n%+v\n%+v", b, d, d2)
		}
	})
}
