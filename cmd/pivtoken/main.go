// Command pivtoken uses a PIV token (a YubiKey or another NIST SP 800-73
// card) as a digital key: it lists readers, shows a token's status,
// enrols a slot with a CA, verifies the token's attestation of a slot key,
// signs, and logs in to an HTTPS server that asks for a client
// certificate.
//
// Usage:
//
//	pivtoken list [-json]
//	pivtoken status [-reader NAME] [-retired] [-json]
//	pivtoken enroll [-reader NAME] -slot 9a -ca DIR -mgm-key HEX|default [-alg P-256] [-pin-policy once] [-touch-policy never] [-subject CN] [-roots FILE.pem] [-out FILE]
//	pivtoken attest [-reader NAME] -slot 9a [-roots FILE.pem] [-json]
//	pivtoken sign [-reader NAME] -slot 9a [-in FILE] [-out FILE]
//	pivtoken login [-reader NAME] [-slot 9a] [-cacert FILE.pem] URL
//	pivtoken key [-reader NAME] -slot 9a -ca-roots FILE.pem [-roots FILE.pem] [-accepted] [-soft-fail]
//
// Without -reader the first reader holding a PIV token is used. Operations
// that need the PIN read it from the environment variable PIVTOKEN_PIN, or
// else from the first line of standard input; a wrong PIN is reported with
// the tries left and never retried.
//
// A file flag (-roots, -cacert, -ca-roots, -in) may name "-", standard
// input, with the same bound as a file (4 MiB of certificates, 64 MiB for
// -in); standard input then carries no PIN (set PIVTOKEN_PIN), and a
// second "-" is refused. pivtoken -version prints the version.
//
// enroll generates a key in the slot on the token (management key
// authentication; -mgm-key default names the factory key), verifies the
// token's attestation of it against -roots (default: Yubico's PIV
// attestation roots), has the CA in DIR certify it through a CSR signed on
// the token (DIR holds an `openssl ca` configuration, ca.cnf, run there as
// `openssl ca -batch -config ca.cnf`) and installs the certificate.
//
// attest verifies the slot's attestation (slot attestation certificate →
// device attestation certificate → a root of -roots) and that the slot's
// certificate, if any, certifies the attested key, then prints serial,
// firmware, form factor, PIN and touch policies and slot.
//
// sign signs the SHA-256 digest of the input (standard input by default)
// with the slot key (ECDSA and RSA PKCS #1 v1.5; Ed25519 signs the input
// itself) and writes the signature, base64 on standard output or raw to
// -out.
//
// login fetches URL over TLS with the slot's certificate and key as client
// certificate (mutual TLS) and prints the response status and body.
//
// key prints the slot's key as an access decision sees it (the JSON of a
// levels.PresentedKey, the "key" of a keymatrix -decide request): key type
// piv-token, the certificate's status from x509check against the roots of
// -ca-roots (offline; -soft-fail accepts a certificate whose revocation
// cannot be checked; -accepted says its CA is on the list of accepted
// certificates of art. 7), and the attribute key-attested-non-exportable
// when the attestation verifies against -roots and certifies the
// certificate's key. Its exit status is 0 even when the certificate is not
// valid: the decision says so.
//
// Exit status: 0 done; 1 the operation failed (attestation not verified,
// certificate refused, server answer not 2xx, ...); 2 bad usage; 3 no
// token (no PC/SC, no reader holding a PIV token, token busy or removed); 4 PIN
// refused or blocked.
package main

import (
	"bufio"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/csam-go/csam/internal/cliversion"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/x509check"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitNoToken = 3
	exitPIN     = 4
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type env struct {
	in             *fileinput.Inputs
	pinStdin       io.Reader // standard input once the PIN took it
	stdout, stderr io.Writer
}

const usage = `usage:
  pivtoken list [-json]
  pivtoken status [-reader NAME] [-retired] [-json]
  pivtoken enroll [-reader NAME] -slot 9a -ca DIR -mgm-key HEX|default [-alg P-256] [-pin-policy once] [-touch-policy never] [-subject CN] [-roots FILE.pem] [-out FILE]
  pivtoken attest [-reader NAME] -slot 9a [-roots FILE.pem] [-json]
  pivtoken sign [-reader NAME] -slot 9a [-in FILE] [-out FILE]
  pivtoken login [-reader NAME] [-slot 9a] [-cacert FILE.pem] URL
  pivtoken key [-reader NAME] -slot 9a -ca-roots FILE.pem [-roots FILE.pem] [-accepted] [-soft-fail]
  pivtoken -version
A FILE may be "-", standard input (which then carries no PIN: set PIVTOKEN_PIN).
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{in: &fileinput.Inputs{Stdin: stdin}, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func(context.Context, []string) int{
		"list": e.list, "status": e.status, "enroll": e.enroll,
		"attest": e.attest, "sign": e.sign, "login": e.login, "key": e.key,
	}
	f, ok := cmds[args[0]]
	if !ok {
		if args[0] == "-version" || args[0] == "--version" {
			cliversion.Print(stdout, "pivtoken")
			return exitOK
		}
		if args[0] == "-h" || args[0] == "-help" || args[0] == "help" {
			fmt.Fprint(stdout, usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "pivtoken: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
	return f(ctx, args[1:])
}

// flags makes a flag set for a command; parse reports usage errors.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("pivtoken "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string, nargs int) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() != nargs {
		fmt.Fprintf(fs.Output(), "%s: wrong number of arguments\n", fs.Name())
		return exitUsage, false
	}
	return 0, true
}

// fail prints err and returns the exit status it calls for.
func (e *env) fail(err error) int {
	fmt.Fprintln(e.stderr, "pivtoken:", err)
	var pe *piv.PINError
	switch {
	case errors.As(err, &pe): // wrong, blocked or missing PIN
		return exitPIN
	case errors.Is(err, piv.ErrNoService), errors.Is(err, piv.ErrNoToken), errors.Is(err, piv.ErrRemoved):
		return exitNoToken
	}
	return exitFailed
}

func (e *env) pin(ctx context.Context, slot piv.Slot) (string, error) {
	if p := os.Getenv("PIVTOKEN_PIN"); p != "" {
		return p, nil
	}
	if e.pinStdin == nil {
		r, err := e.in.TakeStdin()
		if err != nil || r == nil {
			return "", errors.New("no PIN in PIVTOKEN_PIN, and standard input is read as a file (-)")
		}
		e.pinStdin = r
	}
	line, err := bufio.NewReader(io.LimitReader(e.pinStdin, 64)).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no PIN in PIVTOKEN_PIN or on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (e *env) open(ctx context.Context, reader string) (*piv.Token, int) {
	tk, err := piv.Open(ctx, piv.Options{Reader: reader, PIN: e.pin})
	if err != nil {
		return nil, e.fail(err)
	}
	return tk, exitOK
}

func slotFlag(fs *flag.FlagSet, def string) *string {
	return fs.String("slot", def, "PIV slot: 9a, 9c, 9d, 9e or 82 to 95")
}

func (e *env) list(ctx context.Context, args []string) int {
	fs := e.flags("list")
	asJSON := fs.Bool("json", false, "print JSON")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	infos, err := piv.Readers(ctx)
	if err != nil {
		return e.fail(err)
	}
	if *asJSON {
		if infos == nil {
			infos = []piv.ReaderInfo{}
		}
		return e.printJSON(infos)
	}
	for _, ri := range infos {
		what := "no card"
		switch {
		case ri.PIV:
			what = "PIV token"
		case ri.Busy:
			what = "card in exclusive use by another program"
		case ri.Card:
			what = "card (not PIV, or in use)"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\n", ri.Reader, what)
	}
	return exitOK
}

func (e *env) printJSON(v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return e.fail(err)
	}
	return exitOK
}

type certJSON struct {
	Slot      piv.Slot  `json:"slot"`
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"`
}

func certInfo(s piv.Slot, c *x509.Certificate) certJSON {
	sum := sha256.Sum256(c.Raw)
	return certJSON{Slot: s, Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: c.SerialNumber.Text(16),
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), SHA256: hex.EncodeToString(sum[:])}
}

func (e *env) status(ctx context.Context, args []string) int {
	fs := e.flags("status")
	reader := fs.String("reader", "", "reader name (default: the first holding a PIV token)")
	retired := fs.Bool("retired", false, "also read the retired slots 82 to 95")
	asJSON := fs.Bool("json", false, "print JSON")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	tk, code := e.open(ctx, *reader)
	if tk == nil {
		return code
	}
	defer tk.Close()
	st, err := tk.Status(ctx, piv.StatusOptions{Retired: *retired})
	if err != nil {
		return e.fail(err)
	}
	certs := []certJSON{}
	for _, s := range st.Slots {
		certs = append(certs, certInfo(s.Slot, s.Certificate))
	}
	if *asJSON {
		return e.printJSON(struct {
			*piv.Status
			Certificates []certJSON `json:"certificates"`
		}{st, certs})
	}
	fmt.Fprintf(e.stdout, "reader:\t%s\nserial:\t%d\nfirmware:\t%s\n", st.Reader, st.Serial, st.Firmware)
	if st.PINRetries < 0 {
		fmt.Fprintln(e.stdout, "PIN tries left:\tunknown (PIN verified in this session)")
	} else {
		fmt.Fprintf(e.stdout, "PIN tries left:\t%d\n", st.PINRetries)
	}
	for _, c := range certs {
		fmt.Fprintf(e.stdout, "slot %s:\n\tsubject:\t%s\n\tissuer:\t%s\n\tvalid:\t%s to %s\n\tSHA-256:\t%s\n",
			c.Slot, c.Subject, c.Issuer, c.NotBefore.Format(time.DateOnly), c.NotAfter.Format(time.DateOnly), c.SHA256)
	}
	if len(certs) == 0 {
		fmt.Fprintln(e.stdout, "no certificate in the slots read")
	}
	return exitOK
}

// maxRootsFile bounds a PEM file of roots.
const maxRootsFile = 4 << 20

// readRoots reads a PEM file of roots ("-": standard input); "" means
// Yubico's attestation roots.
func (e *env) readRoots(file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	b, err := e.in.Read(file, maxRootsFile)
	if err != nil {
		return nil, err
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s: no PEM certificate", file)
	}
	return p, nil
}

func parseMgmKey(s string) ([]byte, error) {
	if s == "default" {
		return piv.DefaultManagementKey, nil
	}
	k, err := hex.DecodeString(s)
	if err != nil || (len(k) != 16 && len(k) != 24 && len(k) != 32) {
		return nil, errors.New("-mgm-key: want 32, 48 or 64 hex digits, or default")
	}
	return k, nil
}

func (e *env) enroll(ctx context.Context, args []string) int {
	fs := e.flags("enroll")
	reader := fs.String("reader", "", "reader name")
	slotS := slotFlag(fs, "")
	caDir := fs.String("ca", "", "`openssl ca` directory holding ca.cnf")
	mgm := fs.String("mgm-key", "", "management key in hex, or default for the factory key")
	algS := fs.String("alg", "P-256", "key algorithm: P-256, P-384, Ed25519, RSA-2048")
	ppS := fs.String("pin-policy", "default", "PIN policy: default, never, once, always")
	tpS := fs.String("touch-policy", "default", "touch policy: default, never, always, cached")
	subject := fs.String("subject", "", "certificate subject common name (default: PIV token SERIAL slot SLOT)")
	rootsFile := fs.String("roots", "", "attestation roots, PEM (default: Yubico's)")
	out := fs.String("out", "", "also write the certificate (PEM) to this file")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	slot, err := piv.ParseSlot(*slotS)
	if err != nil || *caDir == "" || *mgm == "" {
		fmt.Fprintln(e.stderr, "pivtoken enroll: -slot, -ca and -mgm-key are required")
		return exitUsage
	}
	key, err := parseMgmKey(*mgm)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken enroll:", err)
		return exitUsage
	}
	alg, err := piv.ParseAlgorithm(*algS)
	pp, perr := parsePolicy(*ppS, []string{"default", "never", "once", "always"})
	tp, terr := parsePolicy(*tpS, []string{"default", "never", "always", "cached"})
	if err = errors.Join(err, perr, terr); err != nil {
		fmt.Fprintln(e.stderr, "pivtoken enroll:", err)
		return exitUsage
	}
	roots, err := e.readRoots(*rootsFile)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken enroll:", err)
		return exitUsage
	}
	if _, err := os.Stat(filepath.Join(*caDir, "ca.cnf")); err != nil {
		fmt.Fprintln(e.stderr, "pivtoken enroll: -ca:", err)
		return exitUsage
	}
	tk, code := e.open(ctx, *reader)
	if tk == nil {
		return code
	}
	defer tk.Close()
	cn := *subject
	if cn == "" {
		serial, err := tk.Serial()
		if err != nil {
			return e.fail(err)
		}
		cn = fmt.Sprintf("PIV token %d slot %s", serial, slot)
	}
	en, err := tk.Enroll(ctx, piv.EnrollRequest{
		Slot:          slot,
		ManagementKey: key,
		Key:           piv.KeySpec{Algorithm: alg, PINPolicy: piv.PINPolicy(pp), TouchPolicy: piv.TouchPolicy(tp)},
		Subject:       pkix.Name{CommonName: cn},
		Issue:         func(ctx context.Context, csr []byte) (*x509.Certificate, error) { return opensslCA(ctx, *caDir, csr) },
		Verify:        &piv.VerifyOptions{Roots: roots},
	})
	if err != nil {
		return e.fail(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: en.Certificate.Raw})
	if *out != "" {
		if err := os.WriteFile(*out, certPEM, 0o644); err != nil {
			return e.fail(err)
		}
	}
	a := en.Attestation
	fmt.Fprintf(e.stdout, "enrolled slot %s: %s\nattested: serial %d, firmware %s, PIN policy %s, touch policy %s\n",
		slot, en.Certificate.Subject, a.Serial, a.Firmware, a.PINPolicy, a.TouchPolicy)
	return exitOK
}

func parsePolicy(s string, names []string) (int, error) {
	for i, n := range names {
		if s == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("policy %q: want one of %s", s, strings.Join(names, ", "))
}

// opensslCA has `openssl ca` in dir certify the DER CSR.
func opensslCA(ctx context.Context, dir string, csr []byte) (*x509.Certificate, error) {
	tmp, err := os.MkdirTemp("", "pivtoken")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	req, crt := filepath.Join(tmp, "req.pem"), filepath.Join(tmp, "cert.pem")
	if err := os.WriteFile(req, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "openssl", "ca", "-batch", "-config", "ca.cnf", "-in", req, "-out", crt, "-notext")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("openssl ca: %v: %s", err, strings.TrimSpace(string(out)))
	}
	b, err := os.ReadFile(crt)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("openssl ca wrote no certificate")
	}
	return x509.ParseCertificate(blk.Bytes)
}

type attestJSON struct {
	*piv.Attestation
	Verified    bool      `json:"verified"`
	Certificate *certJSON `json:"certificate,omitempty"`
	Device      string    `json:"device_certificate"`
}

func (e *env) attest(ctx context.Context, args []string) int {
	fs := e.flags("attest")
	reader := fs.String("reader", "", "reader name")
	slotS := slotFlag(fs, "")
	rootsFile := fs.String("roots", "", "attestation roots, PEM (default: Yubico's)")
	asJSON := fs.Bool("json", false, "print JSON")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	slot, err := piv.ParseSlot(*slotS)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken attest:", err)
		return exitUsage
	}
	roots, err := e.readRoots(*rootsFile)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken attest:", err)
		return exitUsage
	}
	tk, code := e.open(ctx, *reader)
	if tk == nil {
		return code
	}
	defer tk.Close()
	ac, dev, err := tk.Attest(slot)
	if err != nil {
		return e.fail(err)
	}
	cert, err := tk.Certificate(slot)
	if err != nil && !errors.Is(err, piv.ErrNotFound) {
		return e.fail(err)
	}
	a, err := piv.VerifyAttestation(ac, dev, piv.VerifyOptions{Roots: roots, Slot: slot})
	if err == nil && cert != nil {
		err = a.CheckCertificate(cert)
	}
	if err != nil {
		return e.fail(err)
	}
	if *asJSON {
		out := attestJSON{Attestation: a, Verified: true, Device: dev.Subject.String()}
		if cert != nil {
			ci := certInfo(slot, cert)
			out.Certificate = &ci
		}
		return e.printJSON(out)
	}
	fmt.Fprintf(e.stdout, "attestation verified\nslot:\t%s\nserial:\t%d\nfirmware:\t%s\nform factor:\t%s\nPIN policy:\t%s\ntouch policy:\t%s\n",
		a.Slot, a.Serial, a.Firmware, a.FormFactor, a.PINPolicy, a.TouchPolicy)
	if cert != nil {
		fmt.Fprintf(e.stdout, "certificate:\t%s (certifies the attested key)\n", cert.Subject)
	}
	return exitOK
}

// maxSignInput bounds what sign reads.
const maxSignInput = 64 << 20

func (e *env) sign(ctx context.Context, args []string) int {
	fs := e.flags("sign")
	reader := fs.String("reader", "", "reader name")
	slotS := slotFlag(fs, "")
	in := fs.String("in", "-", "input file (-: standard input)")
	out := fs.String("out", "", "write the raw signature here (default: base64 on standard output)")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	slot, err := piv.ParseSlot(*slotS)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken sign:", err)
		return exitUsage
	}
	if *in == "" {
		*in = "-"
	}
	if *in == "-" && os.Getenv("PIVTOKEN_PIN") == "" {
		fmt.Fprintln(e.stderr, "pivtoken sign: without -in, set the PIN in PIVTOKEN_PIN (standard input is the data)")
		return exitUsage
	}
	data, err := e.in.Read(*in, maxSignInput)
	if err != nil {
		return e.fail(err)
	}
	tk, code := e.open(ctx, *reader)
	if tk == nil {
		return code
	}
	defer tk.Close()
	s, err := tk.Signer(ctx, slot)
	if err != nil {
		return e.fail(err)
	}
	var sig []byte
	if _, ok := s.Public().(ed25519.PublicKey); ok {
		sig, err = s.Sign(nil, data, crypto.Hash(0))
	} else {
		d := sha256.Sum256(data)
		sig, err = s.Sign(nil, d[:], crypto.SHA256)
	}
	if err != nil {
		return e.fail(err)
	}
	if *out != "" {
		if err := os.WriteFile(*out, sig, 0o644); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintln(e.stdout, base64.StdEncoding.EncodeToString(sig))
	return exitOK
}

func (e *env) login(ctx context.Context, args []string) int {
	fs := e.flags("login")
	reader := fs.String("reader", "", "reader name")
	slotS := slotFlag(fs, "9a")
	cacert := fs.String("cacert", "", "CA certificates (PEM) to verify the server with (default: the system's)")
	if code, ok := parse(fs, args, 1); !ok {
		return code
	}
	slot, err := piv.ParseSlot(*slotS)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken login:", err)
		return exitUsage
	}
	url := fs.Arg(0)
	if !strings.HasPrefix(url, "https://") {
		fmt.Fprintln(e.stderr, "pivtoken login: URL must be https://")
		return exitUsage
	}
	var pool *x509.CertPool
	if *cacert != "" {
		if pool, err = e.readRoots(*cacert); err != nil {
			fmt.Fprintln(e.stderr, "pivtoken login:", err)
			return exitUsage
		}
	}
	tk, code := e.open(ctx, *reader)
	if tk == nil {
		return code
	}
	defer tk.Close()
	cert, err := tk.Certificate(slot)
	if err != nil {
		return e.fail(err)
	}
	s, err := tk.Signer(ctx, slot)
	if err != nil {
		return e.fail(err)
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs:      pool,
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{{Certificate: [][]byte{cert.Raw}, PrivateKey: s, Leaf: cert}},
		}},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken login:", err)
		return exitUsage
	}
	resp, err := client.Do(req)
	if err != nil {
		var pe *piv.PINError
		if errors.As(err, &pe) {
			return e.fail(err)
		}
		return e.fail(fmt.Errorf("login: %w", err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	fmt.Fprintf(e.stdout, "%s\n%s", resp.Status, body)
	if len(body) > 0 && body[len(body)-1] != '\n' {
		fmt.Fprintln(e.stdout)
	}
	if resp.StatusCode/100 != 2 {
		return exitFailed
	}
	return exitOK
}

func (e *env) key(ctx context.Context, args []string) int {
	fs := e.flags("key")
	reader := fs.String("reader", "", "reader name")
	slotS := slotFlag(fs, "")
	caRoots := fs.String("ca-roots", "", "roots (PEM) to validate the slot certificate against")
	rootsFile := fs.String("roots", "", "attestation roots, PEM (default: Yubico's)")
	accepted := fs.Bool("accepted", false, "the certificate's CA is on the list of accepted certificates (art. 7)")
	softFail := fs.Bool("soft-fail", false, "accept a certificate whose revocation status cannot be determined")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	slot, err := piv.ParseSlot(*slotS)
	if err != nil || *caRoots == "" {
		fmt.Fprintln(e.stderr, "pivtoken key: -slot and -ca-roots are required")
		return exitUsage
	}
	roots, err := e.readRoots(*rootsFile)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken key:", err)
		return exitUsage
	}
	caCerts, err := e.in.Certificates(*caRoots)
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken key: -ca-roots:", err)
		return exitUsage
	}
	v, err := x509check.NewValidator(x509check.Options{Roots: caCerts, Offline: true, SoftFail: *softFail,
		Usage: x509check.UsageAuthentication, Logger: slog.New(slog.NewTextHandler(e.stderr, nil))})
	if err != nil {
		fmt.Fprintln(e.stderr, "pivtoken key:", err)
		return exitUsage
	}
	tk, code := e.open(ctx, *reader)
	if tk == nil {
		return code
	}
	defer tk.Close()
	cert, err := tk.Certificate(slot)
	if err != nil {
		return e.fail(err)
	}
	var att *piv.Attestation
	if ac, dev, err := tk.Attest(slot); err != nil {
		fmt.Fprintln(e.stderr, "pivtoken key: no attestation:", err)
	} else if att, err = piv.VerifyAttestation(ac, dev, piv.VerifyOptions{Roots: roots, Slot: slot}); err != nil {
		fmt.Fprintln(e.stderr, "pivtoken key: attestation not verified:", err)
		att = nil
	}
	res, err := v.Validate(ctx, cert)
	if err != nil {
		return e.fail(err)
	}
	st := res.CertificateStatus()
	st.Accepted = *accepted
	return e.printJSON(piv.PresentedKey(cert, att, &st))
}
