package eid_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

// pad returns b followed by n zero bytes, as card files are padded.
func pad(b []byte, n int) []byte { return append(append([]byte(nil), b...), make([]byte, n)...) }

// appletVersion is the applet version byte of GET CARD DATA for p (0x17,
// 0x18).
func appletVersion(p vcard.Profile) byte { return byte(p/10)<<4 | byte(p%10) }

// fullReadFiles lists the files a full read (ReadContents) selects: the
// basic key file 4040 only on EC (applet 1.8) cards.
func fullReadFiles(ec bool) []eid.FileID {
	files := []eid.FileID{eid.FileIdentity, eid.FileIdentitySignature, eid.FileAddress,
		eid.FileAddressSignature, eid.FilePhoto, eid.FileAuthCert, eid.FileSigningCert,
		eid.FileCACert, eid.FileRootCert, eid.FileRRNCert}
	if ec {
		files = append(files, eid.FileBasicKey)
	}
	return files
}

// verifyFiles writes files as a dump folder (one file per file ID) and
// runs eid.Verify on it without trusted roots.
func verifyFiles(t testing.TB, files map[eid.FileID][]byte) *eid.Integrity {
	t.Helper()
	dir := t.TempDir()
	for id, b := range files {
		if err := os.WriteFile(filepath.Join(dir, id.String()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := eid.OpenDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	in, err := eid.Verify(context.Background(), d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// checkSignedFiles fails t unless the photo hash and the identity and
// address signatures verified.
func checkSignedFiles(t testing.TB, in *eid.Integrity) {
	t.Helper()
	for _, c := range []eid.Check{in.Photo, in.IdentitySignature, in.AddressSignature} {
		if !c.OK() {
			t.Errorf("%v", c)
		}
	}
}
