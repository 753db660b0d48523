package pcsc_test

// Tests through the real stack: pcscd with the vpcd driver, the virtual
// card attached over TCP, this package's PC/SC transport. scripts/test.sh
// starts pcscd and sets CSAM_PCSC=1. All pcscd tests of the module live in
// this package and run one after the other: they share the vpcd reader.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/pinblock"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/vpcdtest"
)

const (
	vpcdAddr   = vpcdtest.Addr0
	readerName = vpcdtest.Reader0
	otherAddr  = vpcdtest.Addr1
	otherName  = vpcdtest.Reader1
)

var (
	cardsMu sync.Mutex
)

func newCard(t testing.TB, p vcard.Profile) *vcard.Card {
	t.Helper()
	cardsMu.Lock()
	defer cardsMu.Unlock()
	c, err := vcard.New(vcard.Options{Profile: p, Seed: []byte("pcsc stack tests")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// attach puts card, served with options o, into the vpcd reader at addr
// (vpcdtest.Attach).
func attach(t testing.TB, pc *pcsc.Context, card *vcard.Card, addr, reader string, o vcard.VPCDOptions) {
	t.Helper()
	vpcdtest.Attach(t, pc, vpcdtest.CardFunc(func(ctx context.Context, addr string) error {
		return card.ServeVPCDWith(ctx, addr, o)
	}), addr, reader)
}

func connect(t testing.TB, pc *pcsc.Context, reader string) *pcsc.Card {
	t.Helper()
	c, err := pc.Connect(reader)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func send(t testing.TB, c *pcsc.Card, apdu ...byte) ([]byte, uint16) {
	t.Helper()
	r, err := c.Transmit(context.Background(), apdu)
	if err != nil {
		t.Fatalf("transmit % X: %v", apdu, err)
	}
	n := len(r) - 2
	return r[:n], uint16(r[n])<<8 | uint16(r[n+1])
}

// readFile selects a file by path and reads it whole in 256-byte chunks,
// following 6Cxx and stopping at 6B00, counting the APDUs.
func readFile(ctx context.Context, c *pcsc.Card, path []byte, apdus *int) ([]byte, error) {
	tx := func(apdu []byte) ([]byte, uint16, error) {
		*apdus++
		r, err := c.Transmit(ctx, apdu)
		if err != nil {
			return nil, 0, err
		}
		n := len(r) - 2
		return r[:n], uint16(r[n])<<8 | uint16(r[n+1]), nil
	}
	_, sw, err := tx(append([]byte{0x00, 0xA4, 0x08, 0x0C, byte(len(path))}, path...))
	if err != nil {
		return nil, err
	}
	if sw != 0x9000 {
		return nil, fmt.Errorf("select % X: %04X", path, sw)
	}
	var out []byte
	for {
		apdu := []byte{0x00, 0xB0, byte(len(out) >> 8), byte(len(out)), 0x00}
		d, sw, err := tx(apdu)
		if err != nil {
			return nil, err
		}
		switch {
		case sw == 0x9000:
			out = append(out, d...)
			continue
		case sw>>8 == 0x6C:
			apdu[4] = byte(sw)
			d, sw, err = tx(apdu)
			if err != nil {
				return nil, err
			}
			if sw != 0x9000 {
				return nil, fmt.Errorf("read % X after 6C: %04X", path, sw)
			}
			return append(out, d...), nil
		case sw == 0x6B00:
			return out, nil
		}
		return nil, fmt.Errorf("read % X at %d: %04X", path, len(out), sw)
	}
}

// cardFiles are the files of a full read: identity, address, photo and
// the five certificates (and their signatures).
var cardFiles = []struct {
	id   uint16
	path []byte
}{
	{uint16(eid.FileIdentity), []byte{0x3F, 0x00, 0xDF, 0x01, 0x40, 0x31}},
	{uint16(eid.FileIdentitySignature), []byte{0x3F, 0x00, 0xDF, 0x01, 0x40, 0x32}},
	{uint16(eid.FileAddress), []byte{0x3F, 0x00, 0xDF, 0x01, 0x40, 0x33}},
	{uint16(eid.FileAddressSignature), []byte{0x3F, 0x00, 0xDF, 0x01, 0x40, 0x34}},
	{uint16(eid.FilePhoto), []byte{0x3F, 0x00, 0xDF, 0x01, 0x40, 0x35}},
	{uint16(eid.FileAuthCert), []byte{0x3F, 0x00, 0xDF, 0x00, 0x50, 0x38}},
	{uint16(eid.FileSigningCert), []byte{0x3F, 0x00, 0xDF, 0x00, 0x50, 0x39}},
	{uint16(eid.FileCACert), []byte{0x3F, 0x00, 0xDF, 0x00, 0x50, 0x3A}},
	{uint16(eid.FileRootCert), []byte{0x3F, 0x00, 0xDF, 0x00, 0x50, 0x3B}},
	{uint16(eid.FileRRNCert), []byte{0x3F, 0x00, 0xDF, 0x00, 0x50, 0x3C}},
}

// rawFullRead reads the card data and every file of cardFiles in one
// transaction.
func rawFullRead(ctx context.Context, c *pcsc.Card) (map[uint16][]byte, int, error) {
	if err := c.BeginTransaction(); err != nil {
		return nil, 0, err
	}
	defer c.EndTransaction()
	apdus := 1
	r, err := c.Transmit(ctx, []byte{0x80, 0xE4, 0x00, 0x00, 0x1C})
	if err != nil {
		return nil, apdus, err
	}
	if len(r) != 30 {
		return nil, apdus, fmt.Errorf("card data: % X", r)
	}
	out := map[uint16][]byte{}
	for _, f := range cardFiles {
		b, err := readFile(ctx, c, f.path, &apdus)
		if err != nil {
			return nil, apdus, err
		}
		out[f.id] = b
	}
	return out, apdus, nil
}

func TestReaders(t *testing.T) {
	pc := vpcdtest.Establish(t)
	readers, err := pc.Readers()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{readerName, otherName} {
		found := false
		for _, r := range readers {
			found = found || r == want
		}
		if !found {
			t.Errorf("reader %q not in %q (is the vpcd driver configured?)", want, readers)
		}
	}
}

func TestReadBothProfiles(t *testing.T) {
	pc := vpcdtest.Establish(t)
	for _, p := range []vcard.Profile{vcard.Applet17, vcard.Applet18} {
		t.Run(p.String(), func(t *testing.T) {
			card := newCard(t, p)
			attach(t, pc, card, vpcdAddr, readerName, vcard.VPCDOptions{})
			c := connect(t, pc, readerName)
			if !bytes.Equal(c.ATR(), card.ATR()) {
				t.Errorf("ATR % X, want % X", c.ATR(), card.ATR())
			}
			if c.Reader() != readerName {
				t.Errorf("reader %q", c.Reader())
			}
			files, n, err := rawFullRead(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range cardFiles {
				if !bytes.Equal(files[f.id], card.File(f.id)) {
					t.Errorf("file %04X: read %d bytes through pcscd, card has %d", f.id, len(files[f.id]), len(card.File(f.id)))
				}
			}
			t.Logf("full raw read: %d APDUs", n)

			// A case-4 command through pcscd: 61xx, then GET RESPONSE.
			var sw uint16
			if p == vcard.Applet18 {
				_, sw = send(t, c, append([]byte{0x00, 0x88, 0x02, 0x81, 0x32, 0x94, 0x30}, make([]byte, 48)...)...)
			} else {
				send(t, c, append([]byte{0x00, 0x20, 0x00, 0x01, 0x08}, pinBlock(t, "1234")...)...)
				send(t, c, 0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, 0x08, 0x84, 0x82)
				_, sw = send(t, c, append([]byte{0x00, 0x2A, 0x9E, 0x9A, 0x20}, make([]byte, 32)...)...)
			}
			if sw>>8 != 0x61 {
				t.Fatalf("case-4 command: SW %04X, want 61xx", sw)
			}
			d, sw := send(t, c, 0x00, 0xC0, 0x00, 0x00, byte(sw))
			if sw != 0x9000 || (len(d) != 96 && len(d) != 256) {
				t.Fatalf("GET RESPONSE: %d bytes, SW %04X", len(d), sw)
			}
			if p == vcard.Applet18 {
				d, sw = send(t, c, 0x80, 0xE4, 0x00, 0x01, 0x1F)
				if sw != 0x9000 || len(d) != 31 || d[28] != 3 {
					t.Fatalf("GET CARD DATA P2=01: % X %04X", d, sw)
				}
			}
		})
	}
}

func pinBlock(t testing.TB, pin string) []byte {
	var b [8]byte
	if !pinblock.Encode(&b, []byte(pin)) {
		t.Fatalf("PIN %q is not 4 to 12 digits", pin)
	}
	return b[:]
}

func TestWrongPINToBlocked(t *testing.T) {
	pc := vpcdtest.Establish(t)
	card := newCard(t, vcard.Applet18)
	attach(t, pc, card, vpcdAddr, readerName, vcard.VPCDOptions{})
	c := connect(t, pc, readerName)
	verify := func(pin string) uint16 {
		_, sw := send(t, c, append([]byte{0x00, 0x20, 0x00, 0x01, 0x08}, pinBlock(t, pin)...)...)
		return sw
	}
	status := func() uint16 { _, sw := send(t, c, 0x00, 0x20, 0x00, 0x01); return sw }
	if sw := status(); sw != 0x63C3 {
		t.Fatalf("status %04X", sw)
	}
	for _, want := range []uint16{0x63C2, 0x63C1, 0x63C0} {
		if sw := verify("0000"); sw != want {
			t.Fatalf("wrong PIN: %04X, want %04X", sw, want)
		}
	}
	if sw := verify("1234"); sw != 0x6983 {
		t.Fatalf("right PIN on a blocked card: %04X, want 6983", sw)
	}
	if sw := status(); sw != 0x6983 {
		t.Fatalf("status of a blocked PIN: %04X", sw)
	}
	if d, _ := send(t, c, 0x80, 0xE4, 0x00, 0x01, 0x1F); d[28] != 0 {
		t.Fatalf("tries left %d", d[28])
	}
}

func TestRemovedMidRead(t *testing.T) {
	pc := vpcdtest.Establish(t)
	for _, after := range []int{3, 9, 25} {
		t.Run(fmt.Sprint("after ", after, " APDUs"), func(t *testing.T) {
			card := newCard(t, vcard.Applet18)
			attach(t, pc, card, vpcdAddr, readerName, vcard.VPCDOptions{})
			c := connect(t, pc, readerName)
			card.RemoveAfter(after)
			files, n, err := rawFullRead(context.Background(), c)
			if err == nil {
				t.Fatalf("full read of a card pulled out after %d APDUs succeeded (%d files)", after, len(files))
			}
			if files != nil {
				t.Error("partial data returned with the error")
			}
			// pcsc-lite answers the exchange that lost the card with an
			// empty success; the transport asks the card status and says
			// the card was removed.
			if !errors.Is(err, pcsc.ErrCardRemoved) || strings.Contains(err.Error(), "still in the reader") {
				t.Errorf("error %v: want ErrCardRemoved", err)
			}
			if n != after {
				t.Errorf("failed at APDU %d, want %d", n, after)
			}
			var pe *pcsc.Error
			if !errors.As(err, &pe) || pe.Op != "transmit" {
				t.Errorf("error %#v: want a *pcsc.Error from transmit", err)
			}
			t.Logf("error: %v", err)
			// pcscd notices the removal.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := pc.WaitForRemoval(ctx, readerName); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Transmit(ctx, []byte{0x80, 0xE4, 0x00, 0x00, 0x1C}); !errors.Is(err, pcsc.ErrCardRemoved) && !errors.Is(err, pcsc.ErrNoCard) {
				t.Errorf("after removal: %v", err)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	pc := vpcdtest.Establish(t)
	t.Run("no card", func(t *testing.T) {
		_, err := pc.Connect(otherName)
		if !errors.Is(err, pcsc.ErrNoCard) {
			t.Fatalf("connect to an empty reader: %v, want ErrNoCard", err)
		}
	})
	t.Run("no reader", func(t *testing.T) {
		_, err := pc.Connect("No Such Reader 00 00")
		var pe *pcsc.Error
		if !errors.Is(err, pcsc.ErrNoCard) || !errors.As(err, &pe) || pe.Code != 0x80100009 {
			t.Fatalf("connect to a missing reader: %v, want ErrNoCard, SCARD_E_UNKNOWN_READER", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := pc.WaitForCard(ctx, "No Such Reader 00 00"); !errors.Is(err, pcsc.ErrNoCard) {
			t.Fatalf("wait on a missing reader: %v", err)
		}
	})
	t.Run("wait cancelled", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := pc.WaitForCard(ctx, otherName)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("wait: %v", err)
		}
		// A wait that ignored its context would never return; 20 s
		// leaves a loaded machine's slow wake-ups far inside the bound.
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("cancelled wait returned after %v", d)
		}
	})
	t.Run("second reader", func(t *testing.T) {
		card := newCard(t, vcard.Applet17)
		attach(t, pc, card, otherAddr, otherName, vcard.VPCDOptions{})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		name, err := pc.WaitForCard(ctx, "")
		if err != nil || name != otherName {
			t.Fatalf("wait for any reader: %q, %v", name, err)
		}
		c := connect(t, pc, otherName)
		if !bytes.Equal(c.ATR(), vcard.ATR17) {
			t.Errorf("ATR % X", c.ATR())
		}
	})
	t.Run("transaction", func(t *testing.T) {
		card := newCard(t, vcard.Applet18)
		attach(t, pc, card, vpcdAddr, readerName, vcard.VPCDOptions{})
		a := connect(t, pc, readerName)
		b := connect(t, pc, readerName) // shared mode: two connections
		if err := a.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		got := make(chan error, 1)
		go func() {
			_, err := b.Transmit(context.Background(), []byte{0x80, 0xE4, 0x00, 0x00, 0x1C})
			got <- err
		}()
		select {
		case err := <-got:
			t.Fatalf("the other connection got through during a transaction: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
		send(t, a, 0x80, 0xE4, 0x00, 0x00, 0x1C)
		if err := a.EndTransaction(); err != nil {
			t.Fatal(err)
		}
		if err := <-got; err != nil {
			t.Fatalf("after the transaction: %v", err)
		}
	})
	t.Run("cancelled transmit", func(t *testing.T) {
		card := newCard(t, vcard.Applet18)
		attach(t, pc, card, vpcdAddr, readerName, vcard.VPCDOptions{})
		c := connect(t, pc, readerName)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Transmit(ctx, []byte{0x80, 0xE4, 0x00, 0x00, 0x1C}); !errors.Is(err, context.Canceled) {
			t.Fatalf("transmit with a cancelled context: %v", err)
		}
	})
}

// TestOpenSC cross-checks the applet 1.7 virtual card with OpenSC, which no
// one here wrote: its belpic driver must recognise the card, pkcs15-tool
// must list the four certificates of EF(CDF) and read them byte for byte as
// package eid reads them, and its PKCS#11 module must sign with the card.
func TestOpenSC(t *testing.T) {
	pc := vpcdtest.Establish(t)
	openscTool := testenv.Tool(t, "opensc-tool")
	pkcs15Tool := testenv.Tool(t, "pkcs15-tool")
	card := newCard(t, vcard.Applet17)
	attach(t, pc, card, vpcdAddr, readerName, vcard.VPCDOptions{})

	run := func(name string, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := run(openscTool, "--reader", readerName, "--name"); strings.TrimSpace(out) != "Belpic cards" {
		t.Fatalf("opensc-tool --name: %q, want \"Belpic cards\"", out)
	}
	list := run(pkcs15Tool, "--reader", readerName, "--list-certificates")
	for _, want := range []string{"[Authentication]", "[Signature]", "[CA]", "[Root]", "3f00df005038", "3f00df00503b"} {
		if !strings.Contains(list, want) {
			t.Errorf("pkcs15-tool --list-certificates lacks %q:\n%s", want, list)
		}
	}
	keys := run(pkcs15Tool, "--reader", readerName, "--list-keys")
	if !strings.Contains(keys, "ModLength      : 2048") || !strings.Contains(keys, "Key ref        : 131 (0x83)") {
		t.Errorf("pkcs15-tool --list-keys:\n%s", keys)
	}

	// OpenSC's PKCS#11 module signs with the card's authentication key
	// (VERIFY, MSE SET alg 01, PSO with a DigestInfo, GET RESPONSE): the
	// signature verifies with the certificate on the card.
	pkcs11Tool := testenv.Tool(t, "pkcs11-tool")
	dir := t.TempDir()
	msg := []byte("signed by OpenSC with the virtual card")
	if err := os.WriteFile(filepath.Join(dir, "msg"), msg, 0o600); err != nil {
		t.Fatal(err)
	}
	run(pkcs11Tool, "--slot-index", "0", "--login", "--pin", vcard.DefaultPIN, "--sign", "--id", "02",
		"--mechanism", "SHA256-RSA-PKCS", "--input-file", filepath.Join(dir, "msg"), "--output-file", filepath.Join(dir, "sig"))
	sig, err := os.ReadFile(filepath.Join(dir, "sig"))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(card.PKI().Auth.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
		t.Errorf("signature made by OpenSC through the virtual card: %v", err)
	}
	if card.PINTriesLeft() != 3 {
		t.Errorf("PIN tries left %d after OpenSC's login", card.PINTriesLeft())
	}

	// What our reader (package eid over this transport) reads.
	c := connect(t, pc, readerName)
	contents, err := eid.ReadContents(context.Background(), eid.New(c, nil), &eid.ReadOptions{SkipPhoto: true})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	certs := contents.Certificates
	for id, ours := range map[string]*x509.Certificate{"02": certs.Authentication, "03": certs.Signing, "04": certs.CA, "06": certs.Root} {
		out := run(pkcs15Tool, "--reader", readerName, "--read-certificate", id)
		blk, _ := pem.Decode([]byte(out))
		if blk == nil {
			t.Fatalf("certificate %s: no PEM in %q", id, out)
		}
		if ours == nil || !bytes.Equal(ours.Raw, blk.Bytes) {
			t.Errorf("certificate %s: OpenSC read %d bytes that differ from what package eid read", id, len(blk.Bytes))
		}
	}
}

// BenchmarkFullRead reads the card data, identity, address, photo, their
// signatures and the five certificates through pcscd and vpcd, with and
// without TCP_QUICKACK on the virtual card's socket.
func BenchmarkFullRead(b *testing.B) {
	pc := vpcdtest.Establish(b)
	for _, bc := range []struct {
		name string
		o    vcard.VPCDOptions
	}{{"quickack", vcard.VPCDOptions{}}, {"no-quickack", vcard.VPCDOptions{NoQuickAck: true}}} {
		for _, p := range []vcard.Profile{vcard.Applet17, vcard.Applet18} {
			b.Run(bc.name+"/"+strings.ReplaceAll(p.String(), " ", "-"), func(b *testing.B) {
				card := newCard(b, p)
				attach(b, pc, card, vpcdAddr, readerName, bc.o)
				c := connect(b, pc, readerName)
				n := 0
				b.ResetTimer()
				for b.Loop() {
					var err error
					if _, n, err = rawFullRead(context.Background(), c); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n), "APDUs/read")
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/APDU")
			})
		}
	}
}

// BenchmarkEIDFullRead is a full read with package eid (card data,
// identity, address, photo, the five certificates) through pcscd and vpcd.
func BenchmarkEIDFullRead(b *testing.B) {
	pc := vpcdtest.Establish(b)
	for _, p := range []vcard.Profile{vcard.Applet17, vcard.Applet18} {
		b.Run(strings.ReplaceAll(p.String(), " ", "-"), func(b *testing.B) {
			vc := newCard(b, p)
			attach(b, pc, vc, vpcdAddr, readerName, vcard.VPCDOptions{})
			c := connect(b, pc, readerName)
			n := 0
			for b.Loop() {
				rec := vcard.Record(c)
				card := eid.New(rec, nil)
				if _, err := eid.ReadContents(context.Background(), card, nil); err != nil {
					b.Fatal(err)
				}
				n = rec.Len()
			}
			b.ReportMetric(float64(n), "APDUs/read")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/APDU")
		})
	}
}
