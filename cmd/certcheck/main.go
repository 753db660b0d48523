// Command certcheck validates an X.509 certificate with package x509check:
// path to trusted roots, validity, key usage, revocation by OCSP and CRL,
// qualified status, and the digital key type and level it stands for.
//
//	certcheck [flags] CERT            CERT: PEM or DER, may also hold the chain; "-" reads standard input
//	  -roots PATH            trusted roots, file or folder (repeatable)
//	  -belgian-roots         trust the Belgian eID roots that ship with x509check (Root CA2 to CA6)
//	  -belgian-pin HEX       SPKI SHA-256 of a further root counted as Belgian eID (test PKIs; repeatable)
//	  -intermediates PATH    (repeatable)
//	  -crl PATH              CRL to use instead of fetching, PEM or DER (repeatable)
//	  -ocsp-response PATH    OCSP response to use instead of fetching, DER or base64 (repeatable)
//	  -offline               never fetch over the network
//	  -at TIME               validation time, RFC 3339 (default now)
//	  -usage auth|sign|any   auth: digitalSignature, EKU clientAuth (or none) on the path;
//	                         sign: nonRepudiation, EKU emailProtection or document signing (or none)
//	  -strict-eku            the leaf must state the EKU (TLS client authentication)
//	  -revocation ocsp-first|crl-first|ocsp|crl|none
//	  -soft-fail
//	  -allow-sha1            accept SHA-1 RSA signatures on the path (old eID cards; insecure)
//	  -trusted-list FILE      ETSI TS 119 612 trusted list as the source of trust and qualification
//	  -tl-signer PEM          the list's signer certificate(s), pinned (required with -trusted-list)
//	  -tl-allow-expired       accept a list past its next update
//	  -policy OID            an acceptable certificate policy (repeatable; default: any)
//	  -explicit-policy       the path must be valid for a policy of -policy
//	  -inhibit-policy-mapping  refuse policy mappings
//	  -inhibit-any-policy    anyPolicy in a certificate matches no policy
//	  -json
//	  -v                     with the text output, the certificate's full text
//	  -version               print the version and exit
//
// Every file is size-checked before it is read, and only regular files are
// read (a FIFO or a device such as /dev/zero is refused at once): a
// certificate file or -roots/-intermediates/-tl-signer file at most 4 MiB,
// a -crl 10 MiB, an -ocsp-response 1 MiB, a -trusted-list 32 MiB. Any one
// of them, CERT included, may be "-": standard input, with the same bound
// (a second "-" is refused).
//
// With -trusted-list tl.xml -tl-signer operator.pem, trust and
// qualification come from the list (instead of, or besides, -roots), and
// certcheck prints the list's verdict at issuance and at validation
// (service, status, qualifiers, reason); with -json it is the
// "qualification" field ("at_issuance", "at_validation"). -belgian-roots
// trusts the Belgian eID roots that ship with x509check without any root
// file. The "checks" objects of -json have the shape of
// internal/checkreport, as eidread prints them.
//
// Exit status: 0 valid, 1 not valid, 2 bad usage or unreadable input
// (oversize or not a regular file included).
//
// # Conformance
//
// NIST PKITS, every case (the policy cases with their initial parameters;
// CRLs given, validation time 2020-01-01), passes per validator:
//
//	section  cases  x509check/path  certcheck  OpenSSL  crypto/x509
//	4.1          6               4          4        5            4
//	4.2          8               8          8        8            8
//	4.3         11              11         11       11            6
//	4.4         21              21         21       20           19
//	4.5          8               8          8        6            5
//	4.6         17              17         17       16           15
//	4.7          5               5          5        5            5
//	4.8         35              35         35       29           31
//	4.9          8               8          8        7            7
//	4.10        20              20         20       16           18
//	4.11        11              11         11        8           10
//	4.12        11              11         11        7            8
//	4.13        38              38         38       38           26
//	4.14        35              35         35       26           20
//	4.15        10              10         10        7            6
//	4.16         2               2          2        2            2
//	all        246             244        244      211          190
//
// The table comes from
//
//	go test -run TestPKITSInterop -v ./cmd/certcheck | sed -n 's/^ *pkits_test.go:[0-9]*: //p'
//
// (OpenSSL: openssl verify -x509_strict -crl_check_all -policy_check with
// the case's -policy, -explicit_policy, -inhibit_map, -inhibit_any;
// crypto/x509: Verify with the initial policy set, then each certificate
// looked up in a current CRL of its issuer). DSA is not supported (the two
// DSA cases of 4.1).
package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/csam-go/csam/internal/checkreport"
	"github.com/csam-go/csam/internal/cliversion"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/internal/tlfile"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/certtext"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/ocsp"
	"github.com/csam-go/csam/x509check/tl"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

// Output is the JSON object certcheck prints with -json.
type Output struct {
	Valid bool `json:"valid"`
	// Checks are the checks behind Valid, one object each, in the shape
	// eidread reports its own: path, usage, revocation.
	Checks     []checkreport.Check   `json:"checks"`
	Revocation string                `json:"revocation"`
	Policies   []string              `json:"policies"`
	Errors     []OutputError         `json:"errors"`
	Chain      []string              `json:"chain"`
	Qualified  *x509check.Qualified  `json:"qualified"`
	KeyType    string                `json:"key_type"`
	Level      string                `json:"level"`
	Belgian    x509check.BelgianKind `json:"belgian"`
	Sources    []x509check.Source    `json:"sources"`
	At         time.Time             `json:"at"`

	// Qualification is the trusted list's verdict at issuance and at
	// validation, with the deciding service and qualifiers (with
	// -trusted-list only).
	Qualification *x509check.TrustedListDecision `json:"qualification,omitempty"`
	// TrustedList summarizes the list used (with -trusted-list only).
	TrustedList string `json:"trusted_list,omitempty"`
}

// OutputError is one failed check.
type OutputError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("certcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var roots, inters, crls, resps, pins multi
	fs.Var(&roots, "roots", "trusted roots, file or folder (repeatable)")
	fs.Var(&pins, "belgian-pin", "SPKI SHA-256 pin (hex) of a further root whose paths may be Belgian eID (test PKIs; repeatable)")
	fs.Var(&inters, "intermediates", "intermediate certificates, file or folder (repeatable)")
	fs.Var(&crls, "crl", "CRL to use instead of fetching, PEM or DER (repeatable)")
	fs.Var(&resps, "ocsp-response", "OCSP response to use instead of fetching, DER or base64 (repeatable)")
	belgian := fs.Bool("belgian-roots", false, "trust the Belgian eID roots that ship with x509check (Root CA2, CA3, CA4, CA6), checked against their pins")
	offline := fs.Bool("offline", false, "never fetch over the network")
	at := fs.String("at", "", "validation time, RFC 3339 (default now)")
	usage := fs.String("usage", "any", "intended usage: auth (digitalSignature; EKU clientAuth or none on the path), sign (nonRepudiation; EKU emailProtection, a document-signing EKU or none) or any")
	strictEKU := fs.Bool("strict-eku", false, "with -usage auth or sign, require the leaf to state an allowing extended key usage")
	revocation := fs.String("revocation", "ocsp-first", "revocation policy: ocsp-first, crl-first, ocsp, crl or none")
	soft := fs.Bool("soft-fail", false, "accept a certificate whose revocation status cannot be determined")
	sha1 := fs.Bool("allow-sha1", false, "accept SHA-1 RSA signatures on the certificate path (Root CA2-era eID cards; SHA-1 is broken: use for old cards only)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	verbose := fs.Bool("v", false, "print the certificate's full text")
	tlPath := fs.String("trusted-list", "", "ETSI TS 119 612 trusted list (XML) as the source of trust and qualification")
	tlSigner := fs.String("tl-signer", "", "the trusted list's signer certificate(s), PEM or DER, pinned")
	tlExpired := fs.Bool("tl-allow-expired", false, "accept a trusted list past its next update")
	var policies multi
	fs.Var(&policies, "policy", "an acceptable certificate policy, dotted OID (repeatable; the initial policy set of RFC 5280; default any)")
	explicitPolicy := fs.Bool("explicit-policy", false, "require the path to be valid for a policy of -policy (initial-explicit-policy)")
	inhibitMapping := fs.Bool("inhibit-policy-mapping", false, "refuse policy mappings (initial-policy-mapping-inhibit)")
	inhibitAny := fs.Bool("inhibit-any-policy", false, "anyPolicy in a certificate matches no policy (initial-any-policy-inhibit)")
	showVersion := cliversion.Flag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: certcheck [flags] CERT (\"-\": standard input)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		cliversion.Print(stdout, "certcheck")
		return 0
	}
	in := &fileinput.Inputs{Stdin: stdin}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certcheck: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	if len(roots) == 0 && !*belgian && *tlPath == "" {
		return bad("-roots, -belgian-roots or -trusted-list is required (trust is never taken from the certificate file)")
	}
	var o x509check.Options
	var err error
	if o.Usage, err = x509check.ParseUsage(*usage); err != nil {
		return bad("%v", err)
	}
	if o.Revocation, err = x509check.ParseRevocationPolicy(*revocation); err != nil {
		return bad("%v", err)
	}
	if *at != "" {
		if o.CurrentTime, err = time.Parse(time.RFC3339, *at); err != nil {
			return bad("-at: %v", err)
		}
	}
	if len(roots) > 0 {
		if o.Roots, err = in.Certificates(roots...); err != nil {
			return bad("-roots: %v", err)
		}
	}
	if len(inters) > 0 {
		if o.Intermediates, err = in.Certificates(inters...); err != nil {
			return bad("-intermediates: %v", err)
		}
	}
	if *belgian {
		o.BelgianRoots = x509check.BelgianRoots()
	}
	o.ExtraBelgianPins = pins
	for _, p := range policies {
		if _, err := x509.ParseOID(p); err != nil {
			return bad("-policy %q: %v", p, err)
		}
	}
	o.Policy = x509check.PolicyOptions{Set: policies, Explicit: *explicitPolicy,
		InhibitMapping: *inhibitMapping, InhibitAny: *inhibitAny}
	o.Offline, o.SoftFail, o.AllowSHA1Signatures, o.StrictExtKeyUsage = *offline, *soft, *sha1, *strictEKU
	oopts := ocsp.Options{Offline: *offline, AllowSHA1: *sha1}
	for _, p := range resps {
		b, err := readOCSPResponse(in, p)
		if err != nil {
			return bad("%v", err)
		}
		oopts.Responses = append(oopts.Responses, b)
	}
	o.OCSP = ocsp.NewChecker(oopts)
	copts := x509check.CRLOptions{Offline: *offline, AllowSHA1: *sha1}
	for _, p := range crls {
		b, err := in.Read(p, crl.DefaultMaxBytes)
		if err != nil {
			return bad("-crl: %v", err)
		}
		copts.CRLs = append(copts.CRLs, b)
	}
	if o.CRL, err = x509check.NewCRLChecker(copts); err != nil {
		return bad("%v", err)
	}
	var list *tl.List
	if *tlPath != "" {
		if list, err = tlfile.Load(in, *tlPath, *tlSigner, o.CurrentTime, *tlExpired); err != nil {
			return bad("%v", err)
		}
		(&tl.Source{List: list}).Apply(&o)
	}
	raw, err := in.Read(fs.Arg(0), x509check.MaxCertificateFileSize)
	if err != nil {
		return bad("%v", err)
	}
	certs, err := x509check.ParseCertificates(raw)
	if err != nil {
		return bad("%s: %v", fs.Arg(0), err)
	}
	v, err := x509check.NewValidator(o)
	if err != nil {
		return bad("%v", err)
	}
	res, _ := v.Validate(ctx, certs[0], certs[1:]...)

	out := Output{
		Valid: res.Valid, Revocation: res.Revocation.String(), Policies: res.Policies, Errors: []OutputError{},
		Chain: res.Subjects(), Qualified: res.Qualified, KeyType: string(res.KeyType),
		Level: res.Level.String(), Belgian: res.Belgian, Sources: res.Sources, At: res.At.UTC(),
		Checks: reportChecks(res, *usage),
	}
	if list != nil {
		out.TrustedList = describeList(list)
		if res.Qualified != nil {
			out.Qualification = res.Qualified.TrustedList
		}
	}
	if len(out.Chain) == 0 {
		out.Chain = []string{certs[0].Subject.String()}
	}
	if out.Sources == nil {
		out.Sources = []x509check.Source{}
	}
	if out.Policies == nil {
		out.Policies = []string{}
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, OutputError{Code: x509check.Code(e), Message: e.Error()})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return bad("%v", err)
		}
	} else {
		printText(stdout, out, namesNoSource(res.Chain))
		if *verbose {
			text, err := certtext.Text(certs[0])
			if err != nil {
				fmt.Fprintf(stdout, "\n(certificate text unavailable: %v)\n", err)
			} else {
				fmt.Fprintf(stdout, "\n%s", text)
			}
		}
	}
	if !res.Valid {
		return 1
	}
	return 0
}

// namesNoSource returns the subjects of the chain's CA certificates (not
// the leaf, not the anchor) that name no OCSP address and no CRL
// distribution point.
func namesNoSource(chain []*x509.Certificate) map[string]bool {
	m := map[string]bool{}
	for i := 1; i+1 < len(chain); i++ {
		if c := chain[i]; len(c.OCSPServer) == 0 && len(c.CRLDistributionPoints) == 0 {
			m[x509check.SubjectString(c)] = true
		}
	}
	return m
}

// printText writes o for a reader; noSource holds the subjects of CA
// certificates that name no revocation source (see namesNoSource).
func printText(w io.Writer, o Output, noSource map[string]bool) {
	verdict := "VALID"
	if !o.Valid {
		verdict = "NOT VALID"
	}
	fmt.Fprintf(w, "%s at %s\n", verdict, o.At.Format(time.RFC3339))
	fmt.Fprintln(w, "chain:")
	for i, s := range o.Chain {
		fmt.Fprintf(w, "  %d. %s\n", i, s)
	}
	fmt.Fprintln(w, "checks:")
	for _, c := range o.Checks {
		fmt.Fprintf(w, "  %s: %s", c.Name, c.Status)
		if c.Detail != "" {
			fmt.Fprintf(w, " (%s)", c.Detail)
		}
		fmt.Fprintln(w)
	}
	if len(o.Policies) > 0 {
		fmt.Fprintf(w, "valid policies: %s\n", strings.Join(o.Policies, ", "))
	}
	fmt.Fprintf(w, "revocation: %s\n", o.Revocation)
	said := map[string]bool{}
	for _, s := range o.Sources {
		if noSource[s.Subject] && s.Status == x509check.StatusUndetermined && errors.Is(s.Err, &x509check.SourceError{Code: "no-source"}) {
			// A CA certificate naming no OCSP address and no CRL
			// distribution point: nothing to consult, which is not an
			// undetermined status (the validation did not count it).
			if !said[s.Subject] {
				said[s.Subject] = true
				fmt.Fprintf(w, "  %q: no revocation source named (nothing to consult)\n", s.Subject)
			}
			continue
		}
		where := s.URL
		if where == "" {
			where = "(no address)"
		}
		fmt.Fprintf(w, "  %s %s for %q: %s", s.Kind, where, s.Subject, s.Status)
		if !s.ThisUpdate.IsZero() {
			fmt.Fprintf(w, " (thisUpdate %s", s.ThisUpdate.Format(time.RFC3339))
			if !s.NextUpdate.IsZero() {
				fmt.Fprintf(w, ", nextUpdate %s", s.NextUpdate.Format(time.RFC3339))
			}
			fmt.Fprint(w, ")")
		}
		if s.Error != "" {
			fmt.Fprintf(w, " — %s", s.Error)
		}
		fmt.Fprintln(w)
	}
	if o.Qualified != nil {
		fmt.Fprintf(w, "qualified: %v (%s)\n", o.Qualified.Qualified, o.Qualified.Detail)
	}
	if o.TrustedList != "" {
		fmt.Fprintf(w, "trusted list: %s\n", o.TrustedList)
	}
	if o.Qualification != nil {
		printQualification(w, o.Qualification)
	}
	if o.Belgian.Type != x509check.NotBelgian {
		fmt.Fprintf(w, "belgian eID: %s (%s, policy %s)\n", o.Belgian.Type, o.Belgian.Generation, o.Belgian.Policy)
	}
	kt := o.KeyType
	if kt == "" {
		kt = "(none)"
	}
	fmt.Fprintf(w, "key type: %s, level: %s\n", kt, o.Level)
	for _, e := range o.Errors {
		fmt.Fprintf(w, "error [%s]: %s\n", e.Code, e.Message)
	}
}

// maxOCSPResponseFile bounds an -ocsp-response file (base64 included).
const maxOCSPResponseFile = 1 << 20

// readOCSPResponse reads a DER or base64 OCSP response.
func readOCSPResponse(in *fileinput.Inputs, p string) ([]byte, error) {
	b, err := in.Read(p, maxOCSPResponseFile)
	if err != nil {
		return nil, err
	}
	if len(b) > 0 && b[0] == 0x30 {
		return b, nil
	}
	d, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(b), nil)))
	if err != nil {
		return nil, errors.New(p + ": OCSP response is neither DER nor base64")
	}
	return d, nil
}
