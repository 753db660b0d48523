package keys_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

func appIDs(apps []levels.Application) []string {
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	return ids
}

// TestFutureKeysUnlock registers the example future key types and checks
// that each unlocks exactly what its level allows (art. 3.1.e, 3.2.f,
// 3.3.d), the same entries as the built-in key of that level and channels,
// while the catalog stays as it was.
func TestFutureKeysUnlock(t *testing.T) {
	before := levels.Catalog()
	reg := keys.NewRegistry()
	future, err := reg.LoadJSON(bytes.NewReader(futureKeysFile(t)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(levels.Catalog(), before) {
		t.Fatal("registering key types changed the catalog")
	}
	twin := map[keys.ID]keys.ID{
		"email-otp":             keys.IDPassword,
		"hardware-token":        keys.IDTokenPassword,
		"passkey":               keys.IDTOTPApp,
		"smartcard-certificate": keys.IDQualifiedCertificate,
	}
	for _, k := range future {
		t.Run(string(k.ID), func(t *testing.T) {
			got := levels.UnlockedBy(k.Presented())
			// On the portal: exactly the annex entries its level suffices for.
			var portal []levels.Application
			for _, a := range got {
				if a.OnChannel(levels.ChannelPortal) {
					portal = append(portal, a)
				}
			}
			if want := levels.ForLevel(k.Level); !reflect.DeepEqual(appIDs(portal), appIDs(want)) {
				t.Errorf("portal entries unlocked: %d, want the %d of ForLevel(%v)", len(portal), len(want), k.Level)
			}
			// Beyond the portal: the art. 3.4 transfers only for a
			// certificate-based key working over (S)FTP or MQSeries.
			transfers := len(got) - len(portal)
			if wantAny := k.UsesCertificate() && (k.WorksOn(levels.ChannelFTP) || k.WorksOn(levels.ChannelMQSeries)); wantAny != (transfers > 0) {
				t.Errorf("%d art. 3.4 entries unlocked; certificate-based key on (S)FTP/MQSeries: %v", transfers, wantAny)
			}
			// And exactly what the built-in key of the same level and channels unlocks.
			b, _ := reg.Lookup(twin[k.ID])
			if b.Level != k.Level {
				t.Fatalf("bad test: twin %s is at %v", b.ID, b.Level)
			}
			if want := levels.UnlockedBy(b.Presented()); !reflect.DeepEqual(appIDs(got), appIDs(want)) {
				t.Errorf("unlocks %d entries, built-in %s %d", len(got), b.ID, len(want))
			}
		})
	}
	// Levels differ: column3 unlocks strictly more than column1.
	p, _ := reg.Lookup("passkey")
	e, _ := reg.Lookup("email-otp")
	if np, ne := len(levels.UnlockedBy(p.Presented())), len(levels.UnlockedBy(e.Presented())); np <= ne {
		t.Fatalf("passkey (column3) unlocks %d entries, email-otp (column1) %d", np, ne)
	}
}

// TestFTPKeyWithoutCertificate registers a future key that works over
// (S)FTP but rests on no certificate: art. 3.4 admits only username,
// password, private key and qualified certificate there, so it unlocks no
// declaration and Decide refuses it, while a certificate key type on the
// same channels files them all.
func TestFTPKeyWithoutCertificate(t *testing.T) {
	reg := keys.NewRegistry()
	files := []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries}
	otp := keys.KeyType{ID: "sftp-otp", Names: keys.Names{EN: "One-time code over SFTP"}, Level: levels.Column3,
		Channels: files, Factors: []keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorTOTPApp}}
	cert := keys.KeyType{ID: "hsm-certificate", Names: keys.Names{EN: "Qualified certificate in an HSM"}, Level: levels.Column3,
		Channels: files, Factors: []keys.Factor{keys.FactorUsername, keys.FactorPassword, keys.FactorCertificate, keys.FactorPrivateKey}}
	for _, k := range []keys.KeyType{otp, cert} {
		if err := reg.Register(k); err != nil {
			t.Fatal(err)
		}
	}
	transfers := func(k keys.KeyType) int {
		n := 0
		for _, a := range levels.UnlockedBy(k.Presented()) {
			if a.Channels != nil {
				n++
			}
		}
		return n
	}
	if n := transfers(otp); n != 0 {
		t.Errorf("%s unlocks %d art. 3.4 declarations, want 0", otp.ID, n)
	}
	if n, want := transfers(cert), len(levels.Transfers()); n != want {
		t.Errorf("%s unlocks %d art. 3.4 declarations, want %d", cert.ID, n, want)
	}
	req := levels.Request{Application: "DmfA", Channel: levels.ChannelFTP,
		Roles: levels.RolesOf(levels.RoleMainAccessManager), Key: otp.Presented()}
	if d, err := levels.Decide(req); err != nil || d.Allowed {
		t.Errorf("%s over (S)FTP allowed: %v", otp.ID, d.Reasons)
	}
	req.Key = cert.Presented()
	if d, err := levels.Decide(req); err != nil || !d.Allowed {
		t.Errorf("%s over (S)FTP denied: %v", cert.ID, d.Reasons)
	}
}
