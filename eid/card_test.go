package eid_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

var profiles = []struct {
	name string
	ec   bool
}{{"applet 1.7 RSA", false}, {"applet 1.8 P-384", true}}

// expectedReads is the fewest READ BINARY commands that read a file of n
// bytes in 256-byte chunks when its length is not known beforehand: a file
// ending on a chunk boundary needs one more READ BINARY (answered 6B00), and
// a card that answers an over-long Le with 6Cxx needs one resend for the
// last chunk. Certificates are read up to their DER length, known from the
// first chunk.
func expectedReads(id eid.FileID, file []byte, shortReads bool) int {
	n := len(file)
	isCert := id >= eid.FileAuthCert && id <= eid.FileRRNCert
	if isCert {
		n = 4 + (int(file[2])<<8 | int(file[3]))
		return (n + 255) / 256
	}
	reads := n/256 + 1
	if n%256 != 0 && !shortReads {
		reads++ // 6Cxx, then the resend with the right Le
	}
	return reads + 1 // the end confirmed: 6B00 after a short chunk, or twice
}

// A full read costs the fewest APDUs, on a card answering 6Cxx and on one
// answering short chunks (vcard.ShortReads); a second read costs none.
func TestFullReadAPDUCount(t *testing.T) {
	ctx := context.Background()
	for _, p := range vcardProfiles {
		for _, short := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/short reads %v", p.name, short), func(t *testing.T) {
				vc := newVCard(t, p.profile)
				var tr vcard.Transmitter = vc
				if short {
					tr = vcard.ShortReads(vc)
				}
				ct := &countingTransport{t: tr}
				card := eid.New(ct, nil)
				c, err := eid.ReadContents(ctx, card, nil)
				if err != nil {
					t.Fatal(err)
				}
				files := fullReadFiles(p.ec)
				wantReads := 0
				for _, id := range files {
					wantReads += expectedReads(id, vc.File(uint16(id)), short)
				}
				if ct.byINS[0xA4] != len(files) {
					t.Errorf("%d SELECT for %d files", ct.byINS[0xA4], len(files))
				}
				if ct.byINS[0xB0] != wantReads {
					t.Errorf("%d READ BINARY, want %d", ct.byINS[0xB0], wantReads)
				}
				if ct.byINS[0xE4] != 1 || ct.byINS[0xC0] != 0 {
					t.Errorf("GET CARD DATA %d, GET RESPONSE %d", ct.byINS[0xE4], ct.byINS[0xC0])
				}
				if ct.total != card.APDUCount() {
					t.Errorf("card counted %d APDUs, transport saw %d", card.APDUCount(), ct.total)
				}
				t.Logf("full read: %d APDUs = 1 GET CARD DATA + %d SELECT + %d READ BINARY (%d files)",
					ct.total, ct.byINS[0xA4], ct.byINS[0xB0], len(files))
				for _, id := range files {
					want := vc.File(uint16(id))
					if id >= eid.FileAuthCert && id <= eid.FileRRNCert {
						want = bytes.TrimRight(want, "\x00")
					}
					if !bytes.Equal(c.Raw[id], want) {
						t.Errorf("file %s: read %d bytes, card has %d", id, len(c.Raw[id]), len(want))
					}
				}
				// Files are read once per session.
				before := ct.total
				if _, err := eid.ReadContents(ctx, card, nil); err != nil {
					t.Fatal(err)
				}
				if ct.total != before {
					t.Errorf("second read sent %d APDUs", ct.total-before)
				}
			})
		}
	}
}

func TestVerifyFakeCard(t *testing.T) {
	ctx := context.Background()
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			fc := newFakeCard(t, p.ec)
			card := eid.New(fc, nil)
			in, err := eid.Verify(ctx, card, nil, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{fc.pki.root}})
			if err != nil {
				t.Fatal(err)
			}
			if !in.OK() {
				t.Fatal(in.Err())
			}
			want := map[string]eid.CheckStatus{"photo": eid.CheckPassed, "identity signature": eid.CheckPassed,
				"address signature": eid.CheckPassed, "RRN certificate": eid.CheckPassed, "root": eid.CheckPassed,
				"basic key": eid.CheckSkipped, "internal authenticate": eid.CheckSkipped, "certificates": eid.CheckPassed}
			if p.ec {
				want["basic key"], want["internal authenticate"] = eid.CheckPassed, eid.CheckPassed
			}
			for _, c := range in.Checks() {
				if c.Status != want[c.Name] {
					t.Errorf("%v, want %v", c, want[c.Name])
				}
			}
			// A copy of the files (a dump) cannot answer the challenge.
			dir := t.TempDir()
			if err := eid.WriteDump(ctx, card, dir); err != nil {
				t.Fatal(err)
			}
			d, err := eid.OpenDump(dir)
			if err != nil {
				t.Fatal(err)
			}
			in, err = eid.Verify(ctx, d, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !in.OK() || in.InternalAuthenticate.Status != eid.CheckSkipped || (p.ec && (in.InternalAuthenticate.Err == nil || !strings.Contains(in.InternalAuthenticate.Err.Error(), "not a card"))) {
				t.Errorf("dump: %v; %v", in.Err(), in.InternalAuthenticate)
			}
			cd, err := d.CardData(ctx)
			if err != nil || cd.AppletVersion != fc.pki.applet {
				t.Errorf("dump card data: %v %+v", err, cd)
			}
		})
	}
}

func TestInternalAuthenticateDetectsCopy(t *testing.T) {
	fc := newFakeCard(t, true)
	other := newFakeCard(t, true)
	other.pki = buildPKI(t, true) // a different basic key
	card := eid.New(fc, nil)
	c, err := eid.ReadContents(context.Background(), card, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Same files, another chip.
	in, err := eid.Verify(context.Background(), eid.New(other, nil), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if in.InternalAuthenticate.Status != eid.CheckFailed || !in.BasicKey.OK() {
		t.Errorf("%v; %v", in.InternalAuthenticate, in.BasicKey)
	}
}

func TestSelectFallbacks(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name         string
		decorate     func(vcard.Transmitter) vcard.Transmitter
		firstSelects int // SELECTs for the first file
		laterSelects int // SELECTs for a file in the same DF, then in the other DF
	}{
		{"path without MF", func(t vcard.Transmitter) vcard.Transmitter { return t }, 1, 2},
		{"path with MF", vcard.SelectPathWithMFOnly, 2, 2},
		{"walk by file ID", vcard.SelectByIDOnly, 5, 1 + 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vc := newVCard(t, vcard.Applet17)
			ct := &countingTransport{t: tc.decorate(vc)}
			card := eid.New(ct, nil)
			if _, err := card.ReadFile(ctx, eid.FileIdentity); err != nil {
				t.Fatal(err)
			}
			if ct.byINS[0xA4] != tc.firstSelects {
				t.Errorf("first file: %d SELECT, want %d", ct.byINS[0xA4], tc.firstSelects)
			}
			ct.byINS[0xA4] = 0
			if _, err := card.ReadFile(ctx, eid.FileAddress); err != nil {
				t.Fatal(err)
			}
			if _, err := card.ReadFile(ctx, eid.FileRRNCert); err != nil {
				t.Fatal(err)
			}
			if ct.byINS[0xA4] != tc.laterSelects {
				t.Errorf("later files: %d SELECT, want %d", ct.byINS[0xA4], tc.laterSelects)
			}
			if tc.firstSelects == 5 {
				// A reset loses the card's selection: the walk starts again
				// from the MF.
				vc.Reset()
				ct.byINS[0xA4] = 0
				if _, err := card.ReadFile(ctx, eid.FileRootCert); err != nil {
					t.Fatalf("after a reset: %v", err)
				}
				if ct.byINS[0xA4] != 4 {
					t.Errorf("after a reset: %d SELECT, want 4", ct.byINS[0xA4])
				}
			}
			_, err := card.ReadFile(ctx, eid.FileID(0x4099))
			if !errors.Is(err, eid.ErrFileNotFound) {
				t.Errorf("missing file: %v", err)
			}
		})
	}
}

// scripted answers each APDU with the next canned response.
type scripted struct {
	resp [][]byte
	sent [][]byte
}

func (s *scripted) Transmit(_ context.Context, apdu []byte) ([]byte, error) {
	s.sent = append(s.sent, append([]byte(nil), apdu...))
	if len(s.resp) == 0 {
		return nil, io.ErrUnexpectedEOF
	}
	r := s.resp[0]
	s.resp = s.resp[1:]
	return r, nil
}

// TestStatusWords maps every status word of the status tables of the
// applet 1.8 reference manual (Tables 20, 23, 29, 32, 37, 40, 44, 48) to its
// meaning, and to ErrFileNotFound for 6A82; a response without a status word
// matches ErrMalformed.
func TestStatusWords(t *testing.T) {
	cases := []struct {
		sw      []byte
		want    error  // sentinel matched, or nil
		meaning string // StatusError.Meaning
	}{
		{[]byte{0x6A, 0x82}, eid.ErrFileNotFound, "file not found"},
		{[]byte{0x69, 0x82}, nil, "security status not satisfied"},
		{[]byte{0x69, 0x83}, nil, "PIN blocked"},
		{[]byte{0x63, 0xC2}, nil, "wrong PIN"},
		{[]byte{0x69, 0x85}, nil, "conditions of use not satisfied"},
		{[]byte{0x69, 0x86}, nil, "conditions of use not satisfied"},
		{[]byte{0x67, 0x00}, nil, "wrong length"},
		{[]byte{0x6A, 0x86}, nil, "wrong parameters P1-P2"},
		{[]byte{0x6A, 0x87}, nil, "wrong parameters P1-P2"},
		{[]byte{0x6B, 0x00}, nil, "wrong parameters P1-P2"},
		{[]byte{0x6A, 0x80}, nil, "incorrect data"},
		{[]byte{0x6A, 0x88}, nil, "referenced data not found"},
		{[]byte{0x64, 0x00}, nil, "card failure"},
		{[]byte{0x65, 0x81}, nil, "card failure"},
		{[]byte{0x6D, 0x00}, nil, "command not supported"},
		{[]byte{0x6E, 0x00}, nil, "command not supported"},
		{[]byte{0x68, 0x81}, nil, "command not supported"},
		{[]byte{0x6F, 0x00}, nil, ""},
		{[]byte{}, eid.ErrMalformed, ""},
		{[]byte{0x90}, eid.ErrMalformed, ""},
	}
	sentinels := []error{eid.ErrFileNotFound, eid.ErrMalformed}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%X", tc.sw), func(t *testing.T) {
			card := eid.New(&scripted{resp: [][]byte{tc.sw}}, nil)
			_, err := card.CardData(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), "eid: ") {
				t.Fatalf("message %v", err)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tc.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, s, got)
				}
			}
			if len(tc.sw) != 2 {
				return
			}
			var se *eid.StatusError
			if !errors.As(err, &se) || se.SW != uint16(tc.sw[0])<<8|uint16(tc.sw[1]) {
				t.Fatalf("not a StatusError: %v", err)
			}
			if se.Meaning() != tc.meaning {
				t.Errorf("Meaning() = %q, want %q", se.Meaning(), tc.meaning)
			}
			if tc.meaning != "" && !strings.Contains(err.Error(), "("+tc.meaning+")") {
				t.Errorf("message %q does not give the meaning", err)
			}
		})
	}
}

func TestT0Handling(t *testing.T) {
	data := bytes.Repeat([]byte{0x42}, 28)
	// 6C1C: resend with Le=1C; then 61 10 / 61 0C: GET RESPONSE twice.
	s := &scripted{resp: [][]byte{
		{0x6C, 0x1C},
		append(append([]byte(nil), data[:10]...), 0x61, 0x0A),
		append(append([]byte(nil), data[10:20]...), 0x61, 0x08),
		append(append([]byte(nil), data[20:]...), 0x90, 0x00),
	}}
	card := eid.New(s, nil)
	cd, err := card.CardData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cd.Raw, data) {
		t.Errorf("data %X", cd.Raw)
	}
	want := [][]byte{{0x80, 0xE4, 0, 0, 0x1C}, {0x80, 0xE4, 0, 0, 0x1C}, {0, 0xC0, 0, 0, 0x0A}, {0, 0xC0, 0, 0, 0x08}}
	for i := range want {
		if i >= len(s.sent) || !bytes.Equal(s.sent[i], want[i]) {
			t.Fatalf("APDUs sent %X, want %X", s.sent, want)
		}
	}
	// A card that never stops asking for GET RESPONSE.
	endless := &endless61{}
	_, err = eid.New(endless, nil).CardData(context.Background())
	if !errors.Is(err, eid.ErrMalformed) {
		t.Errorf("endless 61xx: %v", err)
	}
}

// TestHostileLengths: a card (or reader) that claims a huge file or never
// ends one is cut off with ErrMalformed after a bounded number of APDUs,
// and no data come back.
func TestHostileLengths(t *testing.T) {
	ctx := context.Background()
	full := append(bytes.Repeat([]byte{0x42}, 256), 0x90, 0x00)
	for _, tc := range []struct {
		name string
		file eid.FileID
		card *countingCard
	}{
		// Every READ BINARY answers a full 256-byte chunk.
		{"endless file", eid.FilePhoto, &countingCard{answer: func([]byte) []byte { return full }}},
		// A certificate whose DER header claims 65535 bytes.
		{"certificate claiming 64 KiB", eid.FileRRNCert, &countingCard{answer: func([]byte) []byte {
			b := append([]byte{0x30, 0x82, 0xFF, 0xFF}, full[4:]...)
			return b
		}}},
		// More data than the Le asked for.
		{"chunk longer than Le", eid.FilePhoto, &countingCard{answer: func([]byte) []byte {
			return append(bytes.Repeat([]byte{1}, 300), 0x90, 0x00)
		}}},
		// Endless GET RESPONSE after a READ BINARY.
		{"endless 61xx", eid.FilePhoto, &countingCard{answer: func([]byte) []byte { return []byte{1, 2, 0x61, 0xFF} }}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := eid.New(tc.card, nil).ReadFile(ctx, tc.file)
			if !errors.Is(err, eid.ErrMalformed) || b != nil {
				t.Fatalf("ReadFile: %d bytes, %v; want ErrMalformed and no data", len(b), err)
			}
			if !strings.HasPrefix(err.Error(), "eid: ") {
				t.Errorf("message %q", err)
			}
			// One SELECT and at most 32 KiB / 256 = 128 READ BINARY, or
			// 64 GET RESPONSE rounds.
			if tc.card.n > 1+128+1 {
				t.Errorf("%d APDUs sent", tc.card.n)
			}
		})
	}
}

// countingCard answers SELECT with 9000 and every other command with
// answer, counting the APDUs.
type countingCard struct {
	n      int
	answer func(apdu []byte) []byte
}

func (c *countingCard) Transmit(_ context.Context, apdu []byte) ([]byte, error) {
	c.n++
	if apdu[1] == 0xA4 {
		return []byte{0x90, 0x00}, nil
	}
	return c.answer(apdu), nil
}

type endless61 struct{}

func (endless61) Transmit(context.Context, []byte) ([]byte, error) { return []byte{1, 0x61, 0x01}, nil }

func TestPIN(t *testing.T) {
	ctx := context.Background()
	fc := newFakeCard(t, true)
	card := eid.New(fc, nil)
	st, err := card.PINStatus(ctx)
	if err != nil || st.Verified || st.TriesLeft != 3 {
		t.Fatalf("status %+v %v", st, err)
	}
	if n, err := card.PINTriesLeft(ctx); err != nil || n != 3 {
		t.Fatalf("tries left %d %v", n, err)
	}
	for _, bad := range []string{"12", "1234567890123", "12a4", ""} {
		before := len(fc.log)
		if err := card.VerifyPIN(ctx, []byte(bad)); err == nil || !strings.Contains(err.Error(), "4 to 12 digits") || errors.As(err, new(*eid.PINError)) {
			t.Errorf("PIN %q: %v", bad, err)
		}
		if len(fc.log) != before {
			t.Errorf("PIN %q was sent to the card", bad)
		}
	}
	// VERIFY block: nibble 2, length, BCD digits, F padding.
	if err := card.VerifyPIN(ctx, []byte("1234")); err != nil {
		t.Fatal(err)
	}
	last := fc.log[len(fc.log)-1]
	if !bytes.Equal(last, []byte{0x00, 0x20, 0x00, 0x01, 0x08, 0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}) {
		t.Errorf("VERIFY APDU %X", last)
	}
	if st, _ := card.PINStatus(ctx); !st.Verified {
		t.Error("not verified after VERIFY")
	}
	if err := card.ChangePIN(ctx, []byte("1234"), []byte("987654")); err != nil {
		t.Fatal(err)
	}
	if err := card.LogOff(ctx); err != nil {
		t.Fatal(err)
	}
	// Wrong PINs down to blocked, one VERIFY each, never retried.
	for left := 2; left >= 0; left-- {
		before := len(fc.log)
		err := card.VerifyPIN(ctx, []byte("1234"))
		if len(fc.log)-before != 1 {
			t.Errorf("%d APDUs for one wrong PIN", len(fc.log)-before)
		}
		var pe *eid.PINError
		if !errors.As(err, &pe) || pe.TriesLeft != left {
			t.Fatalf("wrong PIN: %v, want %d tries left", err, left)
		}
		if pe.Blocked() != (left == 0) {
			t.Errorf("%v: Blocked() = %v", err, pe.Blocked())
		}
		if strings.Contains(err.Error(), "1234") {
			t.Errorf("error shows the PIN: %v", err)
		}
	}
	st, err = card.PINStatus(ctx)
	if err != nil || !st.Blocked() {
		t.Errorf("status after blocking: %+v %v", st, err)
	}
	if err := card.VerifyPIN(ctx, []byte("987654")); !pinBlocked(err) {
		t.Errorf("right PIN on a blocked card: %v", err)
	}
	if n, err := card.PINTriesLeft(ctx); err != nil || n != 0 {
		t.Errorf("tries left %d %v", n, err)
	}
}

func TestPINTriesLeftApplet17(t *testing.T) {
	fc := newFakeCard(t, false)
	ct := &countingTransport{t: fc}
	card := eid.New(ct, nil)
	n, err := card.PINTriesLeft(context.Background())
	if err != nil || n != 3 {
		t.Fatalf("%d %v", n, err)
	}
	// Applet 1.7: no GET CARD DATA P2=01; VERIFY Lc=0 instead.
	if ct.byINS[0x20] != 1 || ct.byINS[0xE4] != 1 {
		t.Errorf("APDUs %v", ct.byINS)
	}
}

func verifySig(t *testing.T, pub crypto.PublicKey, digest, sig []byte, h crypto.Hash) {
	t.Helper()
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(k, h, digest, sig); err != nil {
			t.Errorf("RSA signature: %v", err)
		}
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, digest, sig) {
			t.Error("ECDSA signature does not verify")
		}
	}
}

func TestSigning(t *testing.T) {
	ctx := context.Background()
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			fc := newFakeCard(t, p.ec)
			card := eid.New(fc, nil)
			prompts := 0
			auth := eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) {
				prompts++
				return []byte("1234"), nil
			}}
			h, digest := crypto.SHA256, sha256.Sum256([]byte("hello"))
			d := digest[:]
			if p.ec {
				h384 := sha512.Sum384([]byte("hello"))
				h, d = crypto.SHA384, h384[:]
			}
			ak, err := card.PrivateKey(ctx, eid.AuthenticationKey, auth)
			if err != nil {
				t.Fatal(err)
			}
			var signer crypto.Signer = ak
			for i := range 2 {
				sig, err := signer.Sign(nil, d, h)
				if err != nil {
					t.Fatal(err)
				}
				verifySig(t, ak.Public(), d, sig, h)
				if prompts != 1 {
					t.Errorf("signature %d: %d PIN prompts, want 1 (PIN once)", i, prompts)
				}
			}
			sk, err := card.PrivateKey(ctx, eid.SigningKey, auth)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				before := len(fc.log)
				sig, err := sk.SignContext(ctx, d, h)
				if err != nil {
					t.Fatal(err)
				}
				verifySig(t, sk.Public(), d, sig, h)
				if prompts != 2+i {
					t.Errorf("signing key: %d prompts, want one per signature", prompts)
				}
				// MSE SET, VERIFY, PSO: VERIFY right before PSO.
				var ins []byte
				for _, a := range fc.log[before:] {
					ins = append(ins, a[1])
				}
				if !bytes.HasPrefix(ins, []byte{0x22, 0x20, 0x2A}) {
					t.Errorf("signing sequence %X", ins)
				}
			}
			// A wrong PIN is returned, not retried.
			fc.pin = []byte("999999")
			fc.verified = false
			prompts = 0
			_, err = sk.SignContext(ctx, d, h)
			var pe *eid.PINError
			if !errors.As(err, &pe) || pe.TriesLeft != 2 || prompts != 1 {
				t.Errorf("wrong PIN: %v, %d prompts", err, prompts)
			}
			// No prompt: a PINError with TriesLeft -1, nothing verified.
			noPrompt, _ := card.PrivateKey(ctx, eid.SigningKey, eid.KeyAuth{})
			if _, err := noPrompt.SignContext(ctx, d, h); !errors.As(err, &pe) || pe.TriesLeft != -1 {
				t.Errorf("no prompt: %v", err)
			}
		})
	}
}

// TestTLSClientCertificate uses the card's authentication key as the client
// certificate of a TLS connection to a local server that requires one.
func TestTLSClientCertificate(t *testing.T) {
	for _, p := range profiles {
		for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			t.Run(fmt.Sprintf("%s/%s", p.name, tls.VersionName(v)), func(t *testing.T) {
				fc := newFakeCard(t, p.ec)
				card := eid.New(fc, nil)
				key, err := card.PrivateKey(context.Background(), eid.AuthenticationKey, eid.KeyAuth{
					PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) { return []byte("1234"), nil },
				})
				if err != nil {
					t.Fatal(err)
				}
				pool := x509.NewCertPool()
				pool.AddCert(fc.pki.ca)
				srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprintf(w, "hello %s", r.TLS.PeerCertificates[0].Subject.CommonName)
				}))
				srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MinVersion: v, MaxVersion: v}
				srv.StartTLS()
				defer srv.Close()
				client := srv.Client()
				tr := client.Transport.(*http.Transport)
				tr.TLSClientConfig.Certificates = []tls.Certificate{key.TLSCertificate(fc.pki.ca)}
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if string(body) != "hello Test Holder (Authentication)" {
					t.Errorf("server said %q", body)
				}
				// The card made the signature: a first PSO refused for
				// lack of PIN (6982), one VERIFY, the PSO again.
				var pso, verify int
				for _, a := range fc.log {
					switch a[1] {
					case 0x2A:
						pso++
					case 0x20:
						verify++
					}
				}
				if pso != 2 || verify != 1 {
					t.Errorf("%d PSO and %d VERIFY commands", pso, verify)
				}
			})
		}
	}
}

// TestLoggerNeverShowsPIN: the debug log names commands and status words,
// never the PIN or its block.
func TestLoggerNeverShowsPIN(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fc := newFakeCard(t, true)
	fc.pin = []byte("97531")
	card := eid.New(fc, &eid.Options{Logger: logger})
	_ = card.VerifyPIN(context.Background(), []byte("86420"))
	_ = card.VerifyPIN(context.Background(), []byte("97531"))
	_ = card.ChangePIN(context.Background(), []byte("97531"), []byte("86420"))
	out := buf.String()
	if !strings.Contains(out, "VERIFY") || !strings.Contains(out, "63C2") {
		t.Errorf("log lacks the commands: %s", out)
	}
	for _, secret := range []string{"86420", "97531", "258642", "259753"} {
		if strings.Contains(strings.ReplaceAll(out, " ", ""), secret) {
			t.Errorf("log shows %s: %s", secret, out)
		}
	}
}

// TestPromptMayAskTheCard: the PIN prompt can query the card (to show the
// tries left) without a deadlock.
func TestPromptMayAskTheCard(t *testing.T) {
	ctx := context.Background()
	fc := newFakeCard(t, true)
	card := eid.New(fc, nil)
	shown := -1
	auth := eid.KeyAuth{PINPrompt: func(ctx context.Context, _ eid.KeyRole) ([]byte, error) {
		n, err := card.PINTriesLeft(ctx)
		shown = n
		return []byte("1234"), err
	}}
	for _, role := range []eid.KeyRole{eid.AuthenticationKey, eid.SigningKey} {
		key, err := card.PrivateKey(ctx, role, auth)
		if err != nil {
			t.Fatal(err)
		}
		d := sha512.Sum384([]byte("x"))
		sig, err := key.SignContext(ctx, d[:], crypto.SHA384)
		if err != nil {
			t.Fatalf("%v: %v", role, err)
		}
		verifySig(t, key.Public(), d[:], sig, crypto.SHA384)
		if shown != 3 {
			t.Errorf("%v: prompt saw %d tries left", role, shown)
		}
	}
}

// TestPromptPINZeroed: the PIN the prompt returns is overwritten once the
// card has seen it, whether it was right or wrong, while a PIN passed to
// VerifyPIN stays the caller's.
func TestPromptPINZeroed(t *testing.T) {
	ctx := context.Background()
	fc := newFakeCard(t, true)
	card := eid.New(fc, nil)
	var given [][]byte
	auth := eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) {
		pin := []byte("1234")
		given = append(given, pin)
		return pin, nil
	}}
	key, err := card.PrivateKey(ctx, eid.SigningKey, auth)
	if err != nil {
		t.Fatal(err)
	}
	d := sha512.Sum384([]byte("x"))
	if _, err := key.SignContext(ctx, d[:], crypto.SHA384); err != nil {
		t.Fatal(err)
	}
	fc.pin = []byte("5678")
	var pe *eid.PINError
	if _, err := key.SignContext(ctx, d[:], crypto.SHA384); !errors.As(err, &pe) || pe.TriesLeft <= 0 {
		t.Fatalf("wrong PIN: %v", err)
	}
	if len(given) != 2 {
		t.Fatalf("%d prompts, want 2", len(given))
	}
	for i, pin := range given {
		if !bytes.Equal(pin, make([]byte, 4)) {
			t.Errorf("PIN %d not zeroed after use: %q", i, pin)
		}
	}
	mine := []byte("5678")
	if err := card.VerifyPIN(ctx, mine); err != nil || string(mine) != "5678" {
		t.Errorf("VerifyPIN: %v, caller's PIN now %q", err, mine)
	}
}

// TestDumpFileTooLarge: a dump file larger than a card file can be (32 KiB)
// is refused, not read whole.
func TestDumpFileTooLarge(t *testing.T) {
	dir := t.TempDir()
	id := identityFile(eid.TLV{Tag: 0x01, Value: []byte("591234567890")})
	if err := os.WriteFile(filepath.Join(dir, "4031"), id, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "4035"), make([]byte, 0x8001), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "4033"), make([]byte, 0x8000), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := eid.OpenDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.ReadFile(context.Background(), eid.FilePhoto)
	if !errors.Is(err, eid.ErrMalformed) || b != nil || !strings.HasPrefix(err.Error(), "eid: ") {
		t.Errorf("photo of 32 KiB + 1: %d bytes, %v; want ErrMalformed", len(b), err)
	}
	if b, err := d.ReadFile(context.Background(), eid.FileAddress); err != nil || len(b) != 0x8000 {
		t.Errorf("file of 32 KiB: %d bytes, %v", len(b), err)
	}
}

// pinBlocked reports whether err is a *eid.PINError for a blocked PIN.
func pinBlocked(err error) bool {
	var pe *eid.PINError
	return errors.As(err, &pe) && pe.Blocked()
}
