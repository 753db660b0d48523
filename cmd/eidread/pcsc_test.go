package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/checkreport"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/vpcdtest"
)

const readerName = vpcdtest.Reader0

// TestReadThroughPCSC runs eidread on the virtual card in a pcscd reader
// (vpcd driver), by name and as the first reader with a card.
func TestReadThroughPCSC(t *testing.T) {
	for _, tc := range []struct {
		p        vcard.Profile
		version  string
		basicKey bool
	}{{vcard.Applet17, "1.7", false}, {vcard.Applet18, "1.8", true}} {
		t.Run(tc.version, func(t *testing.T) {
			vc, err := vcard.New(vcard.Options{Profile: tc.p, Seed: []byte("eidread tests")})
			if err != nil {
				t.Fatal(err)
			}
			vpcdtest.Insert(t, vc)
			roots := pemFile(t, vc.PKI().Root.Raw)
			dump := t.TempDir()
			code, out, stderr := runEidread(t, "-reader", readerName, "-json", "-verify", "-offline", "-roots", roots, "-write-dump", dump)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "eidread: reading photo (4035)") {
				t.Errorf("no progress on stderr: %s", stderr)
			}
			// The dump it wrote reads the same, but for INTERNAL
			// AUTHENTICATE, which a dump cannot answer.
			code, again, stderr := runEidread(t, "-dump", dump, "-json", "-verify", "-offline", "-roots", roots)
			if code != 0 {
				t.Errorf("dump written by eidread: exit %d: %s", code, stderr)
			}
			type output struct {
				Card         map[string]string
				Checks       []checkreport.Check
				Identity     map[string]string
				Address      map[string]string
				Certificates map[string]jsonCertificate
			}
			var got, fromDump output
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(again), &fromDump); err != nil {
				t.Fatal(err)
			}
			for i, c := range fromDump.Checks {
				if c.Name == "internal authenticate" && c.Status == checkreport.Skipped {
					fromDump.Checks[i] = got.Checks[i]
				}
			}
			if !reflect.DeepEqual(got, fromDump) {
				t.Errorf("the dump reads differently:\n%s\n%s", out, again)
			}
			if got.Card["applet_version"] != tc.version || got.Identity["national_number"] == "" {
				t.Errorf("card %v, identity %v", got.Card, got.Identity)
			}
			for _, c := range got.Checks {
				want := checkreport.Passed
				if !tc.basicKey && (c.Name == "basic key" || c.Name == "internal authenticate") {
					want = checkreport.Skipped
				}
				if c.Status != want {
					t.Errorf("check %+v, want %s", c, want)
				}
			}
			// The first reader with a card, text output.
			code, out, stderr = runEidread(t, "-verify", "-offline", "-roots", roots)
			if code != 0 || len(out) == 0 {
				t.Errorf("first reader: exit %d: %s", code, stderr)
			}
		})
	}
	// No card in the named reader: exit 3.
	testenv.PCSC(t)
	testenv.LockVPCD(t)
	if code, _, stderr := runEidread(t, "-reader", readerName); code != 3 {
		t.Errorf("empty reader: exit %d: %s", code, stderr)
	}
}
