package main

import (
	"bufio"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/csam-go/csam/internal/cliversion"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/internal/tlfile"
	"github.com/csam-go/csam/journal"
	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/ocsp"
)

// Exit statuses.
const (
	exitValid    = 0
	exitNotValid = 1
	exitBadInput = 2
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

type cli struct {
	in             *fileinput.Inputs
	pinStdin       *bufio.Reader // standard input once a PIN took it
	stdout, stderr io.Writer
}

// Bounds of the files signmsg reads (standard input included).
const (
	maxMessage      = sign.DefaultMaxSize
	maxSignature    = sign.DefaultMaxSize
	maxOCSPResponse = 1 << 20
)

func (c *cli) bad(format string, a ...any) int {
	fmt.Fprintf(c.stderr, "signmsg: "+format+"\n", a...)
	return exitBadInput
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{in: &fileinput.Inputs{Stdin: stdin}, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: signmsg sign|verify|submit|prove|audit [flags] ARG (signmsg CMD -h for the flags)")
		return exitBadInput
	}
	switch args[0] {
	case "sign":
		return c.sign(ctx, args[1:])
	case "verify":
		return c.verify(ctx, args[1:], false)
	case "submit":
		return c.verify(ctx, args[1:], true)
	case "prove":
		return c.prove(ctx, args[1:])
	case "audit":
		return c.audit(ctx, args[1:])
	case "-version", "--version":
		cliversion.Print(stdout, "signmsg")
		return exitValid
	}
	return c.bad("unknown command %q", args[0])
}

func (c *cli) flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("signmsg "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: signmsg "+name+" "+usage)
		fs.PrintDefaults()
	}
	return fs
}

func (c *cli) sign(ctx context.Context, args []string) int {
	fs := c.flags("sign", "[-card | -piv [-slot 9c] | -key FILE -cert FILE] [-chain FILE] [-detached] [-tsa URL] MESSAGE")
	card := fs.Bool("card", false, "sign with the Belgian eID card in a PC/SC reader")
	pivToken := fs.Bool("piv", false, "sign with a PIV token (YubiKey or compatible) in a PC/SC reader")
	slot := fs.String("slot", "9c", "PIV key slot: 9a, 9c (digital signature), 9d, 9e, or a retired slot 82-95")
	reader := fs.String("reader", "", "PC/SC reader of the card or token (default: the first with one)")
	cardKey := fs.String("card-key", "sign", "card key: sign (the signature key) or auth (refused: art. 7)")
	keyPath := fs.String("key", "", "private key file (PEM, PKCS #8, PKCS #1 or SEC 1)")
	certPath := fs.String("cert", "", "the key's certificate")
	chain := fs.String("chain", "", "intermediate certificates to include")
	detached := fs.Bool("detached", false, "leave the message out of the signature")
	tsa := fs.String("tsa", "", "RFC 3161 time-stamping authority URL (CAdES-T)")
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	sources := 0
	for _, set := range []bool{*card, *pivToken, *keyPath != ""} {
		if set {
			sources++
		}
	}
	if fs.NArg() != 1 || sources != 1 {
		fs.Usage()
		return exitBadInput
	}
	msg, err := c.in.Read(fs.Arg(0), maxMessage)
	if err != nil {
		return c.bad("%v", err)
	}
	var o sign.Options
	o.Detached = *detached
	if *chain != "" {
		if o.Chain, err = c.in.Certificates(*chain); err != nil {
			return c.bad("%v", err)
		}
	}
	if *tsa != "" {
		o.Timestamper = &sign.TSAClient{URL: *tsa}
	}
	var signer crypto.Signer
	if *card {
		s, release, err := openCardKey(ctx, *reader, *cardKey, func() ([]byte, error) { return c.pin("EID_PIN", "eID PIN") })
		if err != nil {
			return c.bad("%v", err)
		}
		defer release()
		signer = s
	} else if *pivToken {
		s, cert, release, err := openPIVKey(ctx, *reader, *slot, func() ([]byte, error) { return c.pin("PIV_PIN", "PIV PIN") })
		if err != nil {
			return c.bad("%v", err)
		}
		defer release()
		signer, o.Certificate = s, cert
	} else {
		if *certPath == "" {
			return c.bad("-key needs -cert")
		}
		if signer, o.Certificate, err = loadKeyPair(c.in, *keyPath, *certPath); err != nil {
			return c.bad("%v", err)
		}
	}
	sig, err := sign.Sign(ctx, msg, signer, o)
	if err != nil {
		fmt.Fprintf(c.stderr, "signmsg: not signed (%s): %v\n", sign.Code(err), err)
		if errors.Is(err, &sign.Error{Code: "authentication-key"}) || errors.Is(err, &sign.Error{Code: "key-mismatch"}) {
			return exitNotValid
		}
		return exitBadInput
	}
	if _, err := c.stdout.Write(sig); err != nil {
		return c.bad("%v", err)
	}
	return exitValid
}

// pin reads a PIN from the environment variable env or, when it is
// empty, a line of standard input after prompt.
func (c *cli) pin(env, prompt string) ([]byte, error) {
	if p := os.Getenv(env); p != "" {
		return []byte(p), nil
	}
	if c.pinStdin == nil {
		r, err := c.in.TakeStdin()
		if err != nil || r == nil {
			return nil, fmt.Errorf("no PIN in $%s, and standard input is read as a file (-)", env)
		}
		c.pinStdin = bufio.NewReader(r)
	}
	fmt.Fprint(c.stderr, prompt+": ")
	line, err := c.pinStdin.ReadString('\n')
	if err != nil && line == "" {
		return nil, fmt.Errorf("no PIN: %w", err)
	}
	return []byte(strings.TrimSpace(line)), nil
}

// verifyFlags are the validation flags shared by verify and submit.
type verifyFlags struct {
	roots, inters, crls, resps, tsaRoots multi
	offline, soft, trustClaimed, asJSON  *bool
	at, revocation, content, ocspServer  *string
	tlPath, tlSigner                     *string
	tlExpired                            *bool
}

func addVerifyFlags(fs *flag.FlagSet) *verifyFlags {
	f := &verifyFlags{}
	fs.Var(&f.roots, "roots", "trusted roots, file or folder (repeatable)")
	fs.Var(&f.inters, "intermediates", "intermediate certificates, file or folder (repeatable)")
	fs.Var(&f.crls, "crl", "CRL to use instead of fetching, PEM or DER (repeatable)")
	fs.Var(&f.resps, "ocsp-response", "OCSP response (DER) to use instead of fetching (repeatable)")
	fs.Var(&f.tsaRoots, "tsa-roots", "trusted roots of time-stamping authorities (repeatable)")
	f.offline = fs.Bool("offline", false, "never fetch over the network")
	f.soft = fs.Bool("soft-fail", false, "accept a certificate whose revocation status cannot be determined")
	f.trustClaimed = fs.Bool("trust-claimed-time", false, "take the signing-time attribute as proven when there is no timestamp")
	f.asJSON = fs.Bool("json", false, "print one JSON object")
	f.at = fs.String("at", "", "verification time, RFC 3339 (default now)")
	f.revocation = fs.String("revocation", "ocsp-first", "revocation policy: ocsp-first, crl-first, ocsp, crl or none")
	f.content = fs.String("content", "", "the signed message, for a detached signature")
	f.ocspServer = fs.String("ocsp-server", "", "OCSP responder to ask instead of the certificate's address")
	f.tlPath = fs.String("trusted-list", "", "ETSI TS 119 612 trusted list (XML): source of trust, qualification and QTST services")
	f.tlSigner = fs.String("tl-signer", "", "the trusted list's signer certificate(s), PEM or DER, pinned")
	f.tlExpired = fs.Bool("tl-allow-expired", false, "accept a trusted list past its next update")
	return f
}

func (f *verifyFlags) options(in *fileinput.Inputs) (sign.VerifyOptions, error) {
	var o sign.VerifyOptions
	if len(f.roots) == 0 && *f.tlPath == "" {
		return o, errors.New("-roots or -trusted-list is required (trust is never taken from the signature)")
	}
	v := &o.Validation
	var err error
	if v.Revocation, err = x509check.ParseRevocationPolicy(*f.revocation); err != nil {
		return o, err
	}
	if *f.at != "" {
		if v.CurrentTime, err = time.Parse(time.RFC3339, *f.at); err != nil {
			return o, fmt.Errorf("-at: %v", err)
		}
	}
	v.Offline, v.SoftFail = *f.offline, *f.soft
	oopts := ocsp.Options{Server: *f.ocspServer, Offline: *f.offline}
	for _, p := range f.resps {
		b, err := in.Read(p, maxOCSPResponse)
		if err != nil {
			return o, err
		}
		oopts.Responses = append(oopts.Responses, b)
	}
	if oopts.Server != "" || len(oopts.Responses) > 0 {
		v.OCSP = ocsp.NewChecker(oopts)
	}
	copts := x509check.CRLOptions{Offline: *f.offline}
	for _, p := range f.crls {
		b, err := in.Read(p, crl.DefaultMaxBytes)
		if err != nil {
			return o, err
		}
		copts.CRLs = append(copts.CRLs, b)
	}
	if v.CRL, err = x509check.NewCRLChecker(copts); err != nil {
		return o, err
	}
	if len(f.tsaRoots) > 0 {
		if o.TSARoots, err = in.Certificates(f.tsaRoots...); err != nil {
			return o, err
		}
	}
	o.TrustClaimedTime = *f.trustClaimed
	if *f.tlPath != "" {
		if o.TrustedList, err = tlfile.Load(in, *f.tlPath, *f.tlSigner, v.CurrentTime, *f.tlExpired); err != nil {
			return o, err
		}
	}
	return o, applyTrust(in, v, f.roots, f.inters, o.TrustedList)
}

// output is the JSON output of verify (and the verdict part of submit).
type output struct {
	*sign.Result
	Errors  []outputError    `json:"errors"`
	Receipt *journal.Receipt `json:"receipt,omitempty"`
	Chain   []string         `json:"chain,omitempty"`
}

type outputError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (c *cli) verify(ctx context.Context, args []string, submit bool) int {
	name, usage := "verify", "-roots FILE [flags] SIGNATURE"
	if submit {
		name, usage = "submit", "-journal DIR|mysql:DSN -roots FILE [flags] SIGNATURE"
	}
	fs := c.flags(name, usage)
	vf := addVerifyFlags(fs)
	var jf *journalFlags
	var app, decision *string
	if submit {
		jf = addJournalFlags(fs)
		app = fs.String("application", "dimona", "the application the message concerns")
		decision = fs.String("decision", "accepted", "the decision taken on the message")
	}
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitBadInput
	}
	o, err := vf.options(c.in)
	if err != nil {
		return c.bad("%v", err)
	}
	sig, err := c.in.Read(fs.Arg(0), maxSignature)
	if err != nil {
		return c.bad("%v", err)
	}
	var content []byte
	if *vf.content != "" {
		if content, err = c.in.Read(*vf.content, maxMessage); err != nil {
			return c.bad("%v", err)
		}
	}
	v, err := sign.NewVerifier(o)
	if err != nil {
		return c.bad("%v", err)
	}
	res, verr := v.Verify(ctx, sig, content)
	out := output{Result: res, Errors: []outputError{}}
	if res.Certificate != nil {
		out.Chain = res.Certificate.Subjects()
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, outputError{Code: sign.Code(e), Message: e.Error()})
	}
	code := exitValid
	switch {
	case verr != nil && errors.Is(verr, &sign.Error{Code: "malformed"}):
		code = exitBadInput
	case verr != nil:
		code = exitNotValid
	}
	if submit && code == exitValid {
		r, err := jf.append(ctx, journal.NewEntry(sig, res, *app, *decision, time.Now()))
		if err != nil {
			return c.bad("%v", err)
		}
		out.Receipt = r
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return c.bad("%v", err)
		}
		fmt.Fprintf(c.stderr, "signmsg: %s signature by %s recorded as entry %d\n", res.Verdict, res.SignerSubject, r.Index)
		return exitValid
	}
	if *vf.asJSON || submit {
		w := c.stdout
		if submit {
			w = c.stderr
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return c.bad("%v", err)
		}
		return code
	}
	printText(c.stdout, out)
	return code
}

func printText(w io.Writer, out output) {
	r := out.Result
	if r.Valid {
		fmt.Fprintf(w, "valid: %s signature\n", r.Verdict)
	} else {
		fmt.Fprintln(w, "NOT VALID")
	}
	if r.SignerSubject != "" {
		fmt.Fprintf(w, "signer: %s\n", r.SignerSubject)
	}
	if !r.SigningTime.IsZero() {
		fmt.Fprintf(w, "signing time: %s (%s)\n", r.SigningTime.UTC().Format(time.RFC3339), r.TimeSource)
	}
	if r.Timestamp != nil {
		q := ""
		if r.Timestamp.Qualified {
			q = ", qualified (" + r.Timestamp.Service + ")"
		}
		fmt.Fprintf(w, "timestamp: %s by %s%s\n", r.Timestamp.Time.UTC().Format(time.RFC3339), r.Timestamp.TSA, q)
	}
	for i, s := range out.Chain {
		fmt.Fprintf(w, "  %s%s\n", strings.Repeat("  ", i), s)
	}
	fmt.Fprintf(w, "revocation: %s\n", r.Revocation)
	for _, why := range r.Reasons {
		fmt.Fprintf(w, "- %s\n", why)
	}
	for _, e := range out.Errors {
		fmt.Fprintf(w, "error [%s]: %s\n", e.Code, e.Message)
	}
}

// journalFlags locate the journal and its checkpoint keys.
type journalFlags struct {
	location, key, vkey *string
}

func addJournalFlags(fs *flag.FlagSet) *journalFlags {
	return &journalFlags{
		location: fs.String("journal", "", "the journal: a folder, or mysql:DSN"),
		key:      fs.String("journal-key", "", "checkpoint signing key file (default: DIR/journal.key, made if missing)"),
		vkey:     fs.String("journal-vkey", "", "checkpoint verifier key file (default: DIR/journal.vkey)"),
	}
}

func (jf *journalFlags) paths() (loc, key, vkey string, err error) {
	loc, key, vkey = *jf.location, *jf.key, *jf.vkey
	if loc == "" {
		return "", "", "", errors.New("-journal is required")
	}
	folder := !strings.HasPrefix(loc, "mysql:")
	if key == "" && folder {
		key = filepath.Join(loc, "journal.key")
	}
	if vkey == "" && folder {
		vkey = filepath.Join(loc, "journal.vkey")
	}
	if vkey == "" {
		return "", "", "", errors.New("-journal-vkey is required with a MySQL journal")
	}
	return loc, key, vkey, nil
}

// append opens the journal (making its keys on first use), appends e and
// closes it.
func (jf *journalFlags) append(ctx context.Context, e journal.Entry) (*journal.Receipt, error) {
	loc, keyPath, vkeyPath, err := jf.paths()
	if err != nil {
		return nil, err
	}
	if keyPath == "" {
		return nil, errors.New("-journal-key is required with a MySQL journal")
	}
	skey, err := os.ReadFile(keyPath)
	if errors.Is(err, os.ErrNotExist) {
		s, v, gerr := journal.GenerateKey("csam.example/journal")
		if gerr != nil {
			return nil, gerr
		}
		if err := os.MkdirAll(filepath.Dir(keyPath), 0o750); err != nil {
			return nil, err
		}
		if err := os.WriteFile(keyPath, []byte(s+"\n"), 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(vkeyPath, []byte(v+"\n"), 0o644); err != nil {
			return nil, err
		}
		skey, err = []byte(s), nil
	}
	if err != nil {
		return nil, err
	}
	j, err := journal.Open(ctx, loc, journal.Options{Key: strings.TrimSpace(string(skey))})
	if err != nil {
		return nil, err
	}
	r, err := j.Append(ctx, e)
	if cerr := j.Close(ctx); err == nil {
		err = cerr
	}
	return r, err
}

func (jf *journalFlags) verifierKey() (string, error) {
	_, _, vkeyPath, err := jf.paths()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(vkeyPath)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func (c *cli) prove(ctx context.Context, args []string) int {
	fs := c.flags("prove", "-journal DIR|mysql:DSN [-journal-vkey FILE] [-offline] RECEIPT")
	jf := addJournalFlags(fs)
	offline := fs.Bool("offline", false, "check the receipt alone, not against the journal's latest checkpoint")
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitBadInput
	}
	vkey, err := jf.verifierKey()
	if err != nil {
		return c.bad("%v", err)
	}
	b, err := c.in.Read(fs.Arg(0), journal.MaxReceiptSize)
	if err != nil {
		return c.bad("%v", err)
	}
	r, err := journal.ParseReceipt(b)
	if err != nil {
		return c.bad("%v", err)
	}
	cp, e, err := journal.VerifyReceipt(r, vkey)
	if err != nil {
		fmt.Fprintf(c.stdout, "receipt NOT VALID: %v\n", err)
		return exitNotValid
	}
	fmt.Fprintf(c.stdout, "receipt valid: entry %d of %s (checkpoint of %d entries)\n%s: %s, %s signature by %s, %s\n",
		r.Index, cp.Origin, cp.Size, e.Type, e.Digest, e.Verdict, e.Signer, e.Decision)
	if *offline {
		return exitValid
	}
	latest, err := journal.CheckReceipt(ctx, *jf.location, vkey, r)
	if err != nil {
		fmt.Fprintf(c.stdout, "journal NOT CONSISTENT with the receipt: %v\n", err)
		return exitNotValid
	}
	fmt.Fprintf(c.stdout, "the journal's latest checkpoint (%d entries) extends the receipt's, and still holds the entry\n", latest.Size)
	return exitValid
}

func (c *cli) audit(ctx context.Context, args []string) int {
	fs := c.flags("audit", "-journal DIR|mysql:DSN [-journal-vkey FILE]")
	jf := addJournalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitBadInput
	}
	vkey, err := jf.verifierKey()
	if err != nil {
		return c.bad("%v", err)
	}
	rep, err := journal.AuditLog(ctx, *jf.location, vkey)
	var te *journal.TamperedError
	switch {
	case errors.As(err, &te):
		fmt.Fprintf(c.stdout, "journal NOT INTACT: first bad entry %d: %s\n", te.Index, te.Reason)
		return exitNotValid
	case errors.Is(err, journal.ErrTampered):
		fmt.Fprintf(c.stdout, "journal NOT INTACT: %v\n", err)
		return exitNotValid
	case err != nil:
		return c.bad("%v", err)
	}
	fmt.Fprintf(c.stdout, "journal intact: %d entries (%d messages, %d rectifications), root %x\n",
		rep.Size, rep.Messages, rep.Rectifications, rep.Root)
	return exitValid
}
