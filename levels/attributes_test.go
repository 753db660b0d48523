package levels_test

import (
	"strings"
	"testing"

	"github.com/csam-go/csam/levels"
)

func TestRequireKeyAttributes(t *testing.T) {
	status := &levels.CertificateStatus{Valid: true, Qualified: true}
	base := levels.Request{
		Application: "Dimona (sécurisé)",
		Portal:      levels.PortalSocialSecurity,
		Roles:       levels.RolesOf(levels.RoleDesignatedUser),
		DesignatedBy: &levels.Designation{
			Roles:      levels.RolesOf(levels.RoleAccessManager),
			Authorised: []string{"Dimona (sécurisé)"},
		},
	}
	attested := levels.PresentedKey{Type: "piv-token", Level: levels.Column3, State: levels.KeyActive, UsesCertificate: true, Certificate: status,
		Attributes: []string{levels.AttrAttestedNonExportable}}
	plain := attested
	plain.Attributes = nil
	for _, tc := range []struct {
		name    string
		key     levels.PresentedKey
		require []string
		allowed bool
		reason  string
	}{
		{"attested, required", attested, []string{levels.AttrAttestedNonExportable}, true, "key attested non-exportable"},
		{"not attested, required", plain, []string{levels.AttrAttestedNonExportable}, false, "requires a key attested non-exportable"},
		{"not attested, not required", plain, nil, true, ""},
		{"other attribute required", attested, []string{"fido-certified"}, false, "fido-certified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := base
			req.Key = tc.key
			req.RequireKeyAttributes = tc.require
			d, err := levels.Decide(req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tc.allowed {
				t.Fatalf("allowed %v, want %v: %+v", d.Allowed, tc.allowed, d.Reasons)
			}
			found := tc.reason == ""
			for _, r := range d.Reasons {
				if tc.reason != "" && strings.Contains(r.String(), tc.reason) && strings.HasPrefix(r.String(), "art. 7:") {
					found = true
				}
			}
			if !found {
				t.Errorf("no art. 7 reason %q in %+v", tc.reason, d.Reasons)
			}
		})
	}
}

func TestDecodeKeyAttributes(t *testing.T) {
	req, err := levels.DecodeRequest(strings.NewReader(`{"application": "Dimona (sécurisé)", "portal": "securitesociale",
	 "roles": ["designated-user"],
	 "designated_by": {"roles": ["access-manager"], "authorised": ["Dimona (sécurisé)"]},
	 "require_key_attributes": ["key-attested-non-exportable"],
	 "key": {"type": "piv-token", "level": "column3", "uses_certificate": true,
	         "certificate": {"valid": true, "qualified": true}, "attributes": ["key-attested-non-exportable"]}}`), levels.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(req.RequireKeyAttributes) != 1 || !req.Key.HasAttribute(levels.AttrAttestedNonExportable) {
		t.Fatalf("decoded %+v", req)
	}
	if d, err := levels.Decide(req); err != nil || !d.Allowed {
		t.Fatalf("denied: %+v", d.Reasons)
	}
}
