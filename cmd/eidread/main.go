// Command eidread reads a Belgian eID card: identity, address and card data
// as text or JSON, the photo, and the integrity checks of the card content
// specification.
//
// Usage:
//
//	eidread [-reader NAME] [-json] [-photo FILE] [-verify [-roots FILE.pem] [-offline]] [-write-dump DIR]
//	eidread -dump DIR [-json] [-photo FILE] [-verify] [-roots FILE.pem]
//
// Without -dump it reads the card in the first reader that holds one (or in
// -reader NAME) through PC/SC, which needs a build with cgo. -dump DIR reads
// a card dump folder instead: one file per card file, named by its
// four-hex-digit file ID (4031, 4032, 4033, 4034, 4035, 5038 … 503C, 4040).
//
// -verify makes the exit status reflect the integrity checks (photo hash,
// identity and address signatures, basic key and INTERNAL AUTHENTICATE on
// applet 1.8, RRN certificate and card root against the roots of -roots,
// the card's certificate chain) and validates the authentication and
// signing certificates with x509check (-offline: without fetching OCSP or
// CRLs). Each check that could not run is named on standard error. A
// partial dump (only identity and address, as other tools save them) reads
// without -verify; the files it lacks are named on standard error.
//
// -json prints one object: identity, address, card, checks (one object per
// integrity check: name, status "passed", "failed" or "skipped", detail),
// absent (the files a dump lacks), and certificates by role (authentication, signing, ca, root, rrn: file,
// subject, serial, validity; with -verify a validation with status "valid",
// "invalid" or "skipped", the chain and the errors).
//
// -verify also fails on a card root that is not a pinned Belgian root (or
// one of -roots). The "checks" objects of -json have the shape of
// internal/checkreport, which certcheck prints too. Without cgo every PC/SC
// call returns an error matching pcsc.ErrNoService, which eidread explains.
//
//	go run ./cmd/eidread -json -verify            # a real card; progress on stderr
//	go run ./cmd/eidread -dump card-dump -photo photo.jpg
//
// -roots - reads the roots from standard input (at most 4 MiB, as a file);
// -version prints the version and exits.
//
// Exit status: 0 read (and, with -verify, intact), 1 an integrity check
// failed, 2 bad usage, 3 no card could be read.
package main

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/internal/checkreport"
	"github.com/csam-go/csam/internal/cliversion"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/x509check"
)

// Exit statuses.
const (
	exitOK        = 0
	exitIntegrity = 1
	exitUsage     = 2
	exitNoCard    = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type config struct {
	reader, dump, photo, roots, writeDump string
	json, verify, offline                 bool
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eidread", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.reader, "reader", "", "PC/SC reader `name` (default: the first reader with a card)")
	fs.StringVar(&cfg.dump, "dump", "", "read the card dump folder `DIR` instead of a reader")
	fs.BoolVar(&cfg.json, "json", false, "print one JSON object")
	fs.StringVar(&cfg.photo, "photo", "", "save the photo (JPEG) to `FILE`")
	fs.BoolVar(&cfg.verify, "verify", false, "exit 1 when an integrity check fails")
	fs.StringVar(&cfg.roots, "roots", "", "more trusted root certificates (PEM `file`, \"-\": standard input) besides the pinned Belgian roots")
	fs.BoolVar(&cfg.offline, "offline", false, "with -verify, validate the certificates without fetching OCSP or CRLs (revocation not checked)")
	fs.StringVar(&cfg.writeDump, "write-dump", "", "also write the card's files as a dump folder `DIR`")
	showVersion := cliversion.Flag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eidread [-reader NAME | -dump DIR] [-json] [-photo FILE] [-verify [-roots FILE.pem] [-offline]] [-write-dump DIR]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *showVersion {
		cliversion.Print(stdout, "eidread")
		return exitOK
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "eidread: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return exitUsage
	}
	if cfg.dump != "" && cfg.reader != "" {
		fmt.Fprintln(stderr, "eidread: -dump and -reader exclude each other")
		return exitUsage
	}
	var roots []*x509.Certificate
	if cfg.roots != "" {
		var err error
		if roots, err = loadRoots(cfg.roots, stdin); err != nil {
			fmt.Fprintln(stderr, "eidread:", err)
			return exitUsage
		}
	}

	var src eid.Source
	if cfg.dump != "" {
		d, err := eid.OpenDump(cfg.dump)
		if err != nil {
			fmt.Fprintln(stderr, "eidread:", err)
			return exitNoCard
		}
		src = d
	} else {
		progress := func(id eid.FileID) { fmt.Fprintf(stderr, "eidread: reading %s (%s)\n", id.Name(), id) }
		card, closeCard, err := openReader(ctx, cfg.reader, stderr, &eid.Options{Progress: progress})
		if err != nil {
			fmt.Fprintln(stderr, "eidread:", err)
			return exitNoCard
		}
		defer closeCard()
		src = card
	}

	c, err := eid.ReadContents(ctx, src, nil)
	if err != nil {
		fmt.Fprintln(stderr, "eidread:", err)
		return exitNoCard
	}
	in, err := eid.Verify(ctx, src, c, &eid.VerifyOptions{TrustedRoots: roots, TrustedRootPins: belgianPins()})
	if err != nil {
		fmt.Fprintln(stderr, "eidread:", err)
		return exitNoCard
	}
	if len(c.Absent) > 0 {
		var names []string
		for _, id := range c.Absent {
			names = append(names, fmt.Sprintf("%s (%s)", id, id.Name()))
		}
		fmt.Fprintf(stderr, "eidread: partial dump, without %s\n", strings.Join(names, ", "))
	}
	if cfg.writeDump != "" {
		if err := eid.WriteDump(ctx, src, cfg.writeDump); err != nil {
			fmt.Fprintln(stderr, "eidread:", err)
			return exitNoCard
		}
	}
	if cfg.photo != "" {
		if c.Photo == nil {
			fmt.Fprintln(stderr, "eidread: -photo: the dump has no photo")
			return exitNoCard
		}
		if err := os.WriteFile(cfg.photo, c.Photo, 0o600); err != nil {
			fmt.Fprintln(stderr, "eidread:", err)
			return exitUsage
		}
	}
	var vals []validation
	if cfg.verify {
		vals = validateCertificates(ctx, c, in, roots, cfg, stderr)
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(toJSON(c, in, vals)); err != nil {
			fmt.Fprintln(stderr, "eidread:", err)
			return exitUsage
		}
	} else {
		printText(stdout, c, in)
	}
	if cfg.verify {
		for _, ch := range in.Checks() {
			if ch.Status == eid.CheckSkipped {
				fmt.Fprintf(stderr, "eidread: check not run: %s: %v\n", ch.Name, ch.Err)
			}
		}
		if !in.OK() {
			fmt.Fprintln(stderr, "eidread: integrity check failed:", strings.ReplaceAll(in.Err().Error(), "\n", "; "))
			return exitIntegrity
		}
		for _, v := range vals {
			if !v.valid {
				return exitIntegrity
			}
		}
	}
	return exitOK
}

// belgianPins returns the SPKI pins of the Belgian eID roots.
func belgianPins() []string {
	var pins []string
	for _, r := range x509check.BelgianRootPins() {
		pins = append(pins, r.SPKISHA256)
	}
	return pins
}

// validation is the outcome of validating one card certificate with
// x509check (-verify).
type validation struct {
	role   string // "authentication" or "signing"
	valid  bool
	chain  []string // subjects, leaf first, up to the trust anchor
	errors []string
	// revocation is x509check's revocation status, or "not-checked" with
	// -offline.
	revocation string
}

// validateCertificates validates the authentication and signing
// certificates with x509check, up to the card's root when it is trusted
// (pinned Belgian root or -roots) and the -roots certificates. It reports
// each on stderr and returns the outcomes; a certificate that is not valid
// has valid false.
func validateCertificates(ctx context.Context, c *eid.Contents, in *eid.Integrity, roots []*x509.Certificate, cfg config, stderr io.Writer) []validation {
	anchors := append([]*x509.Certificate(nil), roots...)
	if in.Root.OK() {
		anchors = append(anchors, c.Certificates.Root)
	}
	var out []validation
	for _, cc := range []struct {
		role  string
		cert  *x509.Certificate
		usage x509check.Usage
	}{
		{"authentication", c.Certificates.Authentication, x509check.UsageAuthentication},
		{"signing", c.Certificates.Signing, x509check.UsageSignature},
	} {
		if cc.cert == nil {
			continue
		}
		v := validation{role: cc.role, revocation: "not-checked"}
		if len(anchors) == 0 {
			v.errors = []string{"not validated: the card's root is not a trusted root"}
			fmt.Fprintf(stderr, "eidread: %s certificate %s\n", cc.role, v.errors[0])
			out = append(out, v)
			continue
		}
		opts := x509check.Options{Roots: anchors, Usage: cc.usage, Offline: cfg.offline, SoftFail: cfg.offline}
		if cfg.offline {
			// Revocation is knowingly not checked: say it once below, not
			// as a warning per certificate.
			opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		}
		var extra []*x509.Certificate
		if c.Certificates.CA != nil {
			extra = append(extra, c.Certificates.CA)
		}
		var res *x509check.Result
		val, err := x509check.NewValidator(opts)
		if err == nil {
			res, err = val.Validate(ctx, cc.cert, extra...)
		}
		switch {
		case err != nil:
			v.errors = []string{err.Error()}
			fmt.Fprintf(stderr, "eidread: %s certificate: %v\n", cc.role, err)
		default:
			v.valid = res.Valid
			v.chain = res.Subjects()
			if !cfg.offline {
				v.revocation = res.Revocation.String()
			}
			for _, e := range res.Errors {
				v.errors = append(v.errors, e.Error())
			}
			if !res.Valid {
				fmt.Fprintf(stderr, "eidread: %s certificate not valid: %v\n", cc.role, errors.Join(res.Errors...))
				break
			}
			note := ""
			if cfg.offline {
				note = " (revocation not checked: -offline)"
			}
			fmt.Fprintf(stderr, "eidread: %s certificate valid up to %s%s\n", cc.role, res.Chain[len(res.Chain)-1].Subject.CommonName, note)
		}
		out = append(out, v)
	}
	return out
}

// maxRootsFile bounds -roots: a PEM bundle of hundreds of roots.
const maxRootsFile = 4 << 20

// loadRoots reads PEM certificates from a regular file, or from stdin
// for "-".
func loadRoots(path string, stdin io.Reader) ([]*x509.Certificate, error) {
	b, err := fileinput.Read(path, maxRootsFile, stdin)
	if err != nil {
		return nil, fmt.Errorf("-roots: %w", err)
	}
	var out []*x509.Certificate
	for {
		var p *pem.Block
		p, b = pem.Decode(b)
		if p == nil {
			break
		}
		if p.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(p.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate", path)
	}
	return out, nil
}

// jsonOut is the -json object.
type jsonOut struct {
	Identity jsonIdentity `json:"identity"`
	Address  jsonAddress  `json:"address"`
	Card     jsonCard     `json:"card"`
	// Checks are the integrity checks, one object each (shape of package
	// internal/checkreport, shared with certcheck).
	Checks []checkreport.Check `json:"checks"`
	// Absent lists the files a dump does not have ("4032", ...).
	Absent []string `json:"absent,omitempty"`
	// Certificates are the card's certificates by role
	// ("authentication", "signing", "ca", "root", "rrn"); absent ones are
	// left out.
	Certificates map[string]jsonCertificate `json:"certificates"`
}

// jsonCertificate describes one certificate of the card. Validation is set
// with -verify: for the authentication and signing certificates the
// outcome of x509check, for the root and RRN certificates the outcome of
// the integrity checks "root" and "RRN certificate".
type jsonCertificate struct {
	File       string          `json:"file"`
	Subject    string          `json:"subject"`
	Serial     string          `json:"serial"` // hexadecimal, whole bytes, as openssl prints it
	NotBefore  string          `json:"not_before"`
	NotAfter   string          `json:"not_after"`
	Validation *jsonValidation `json:"validation,omitempty"`
}

// jsonValidation is a certificate's validation outcome. Status is "valid",
// "invalid" or (root and RRN certificates) "skipped".
type jsonValidation struct {
	Status     string   `json:"status"`
	Chain      []string `json:"chain,omitempty"`
	Revocation string   `json:"revocation,omitempty"`
	Errors     []string `json:"errors,omitempty"`
}

type jsonIdentity struct {
	CardNumber           string `json:"card_number"`
	ChipNumber           string `json:"chip_number"`
	NationalNumber       string `json:"national_number"`
	Name                 string `json:"name"`
	FirstNames           string `json:"first_names"`
	ThirdInitial         string `json:"third_initial"`
	Nationality          string `json:"nationality"`
	BirthPlace           string `json:"birth_place"`
	BirthDate            string `json:"birth_date"`
	Sex                  string `json:"sex"`
	DocumentType         string `json:"document_type"`
	SpecialStatus        string `json:"special_status"`
	ValidityBegin        string `json:"validity_begin"`
	ValidityEnd          string `json:"validity_end"`
	DeliveryMunicipality string `json:"delivery_municipality"`
}

type jsonAddress struct {
	Street       string `json:"street"`
	Zip          string `json:"zip"`
	Municipality string `json:"municipality"`
}

type jsonCard struct {
	AppletVersion string `json:"applet_version"`
	Serial        string `json:"serial"`
}

// certificateJSON describes cert, read from file.
func certificateJSON(file eid.FileID, cert *x509.Certificate) jsonCertificate {
	return jsonCertificate{
		File:      file.String(),
		Subject:   x509check.SubjectString(cert),
		Serial:    strings.ToUpper(hex.EncodeToString(cert.SerialNumber.Bytes())),
		NotBefore: cert.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:  cert.NotAfter.UTC().Format(time.RFC3339),
	}
}

// checkJSON turns an integrity check on a certificate into a validation.
func checkJSON(ch eid.Check) *jsonValidation {
	v := &jsonValidation{}
	switch ch.Status {
	case eid.CheckPassed:
		v.Status = "valid"
	case eid.CheckFailed:
		v.Status = "invalid"
	default:
		v.Status = "skipped"
	}
	if ch.Err != nil {
		v.Errors = []string{ch.Err.Error()}
	}
	return v
}

func toJSON(c *eid.Contents, in *eid.Integrity, vals []validation) jsonOut {
	id := c.Identity
	out := jsonOut{
		Identity: jsonIdentity{
			CardNumber:           id.CardNumber,
			ChipNumber:           fmt.Sprintf("%X", id.ChipNumber),
			NationalNumber:       id.NationalNumber.String(),
			Name:                 id.Name,
			FirstNames:           id.FirstNames,
			ThirdInitial:         id.ThirdInitial,
			Nationality:          id.Nationality,
			BirthPlace:           id.BirthPlace,
			BirthDate:            id.BirthDate.String(),
			Sex:                  string(id.Sex),
			DocumentType:         id.DocumentType.String(),
			SpecialStatus:        id.SpecialStatus.String(),
			ValidityBegin:        id.ValidityBegin.String(),
			ValidityEnd:          id.ValidityEnd.String(),
			DeliveryMunicipality: id.DeliveryMunicipality,
		},
		Address: jsonAddress{Street: c.Address.Street, Zip: c.Address.Zip, Municipality: c.Address.Municipality},
		Checks:  reportChecks(in),
	}
	for _, id := range c.Absent {
		out.Absent = append(out.Absent, id.String())
	}
	if c.CardData != nil {
		out.Card = jsonCard{AppletVersion: c.CardData.AppletVersionString(), Serial: c.CardData.SerialString()}
	}
	out.Certificates = map[string]jsonCertificate{}
	for _, cc := range []struct {
		role  string
		file  eid.FileID
		cert  *x509.Certificate
		check *eid.Check
	}{
		{"authentication", eid.FileAuthCert, c.Certificates.Authentication, nil},
		{"signing", eid.FileSigningCert, c.Certificates.Signing, nil},
		{"ca", eid.FileCACert, c.Certificates.CA, nil},
		{"root", eid.FileRootCert, c.Certificates.Root, &in.Root},
		{"rrn", eid.FileRRNCert, c.Certificates.RRN, &in.RRNCertificate},
	} {
		if cc.cert == nil {
			continue
		}
		jc := certificateJSON(cc.file, cc.cert)
		if vals != nil && cc.check != nil {
			jc.Validation = checkJSON(*cc.check)
		}
		for _, v := range vals {
			if v.role != cc.role {
				continue
			}
			jc.Validation = &jsonValidation{Status: "invalid", Chain: v.chain, Revocation: v.revocation, Errors: v.errors}
			if v.valid {
				jc.Validation.Status = "valid"
			}
		}
		out.Certificates[cc.role] = jc
	}
	return out
}

// reportChecks turns the integrity checks into the shared report shape.
func reportChecks(in *eid.Integrity) []checkreport.Check {
	var out []checkreport.Check
	for _, ch := range in.Checks() {
		rc := checkreport.Check{Name: ch.Name, Detail: ch.Detail}
		switch ch.Status {
		case eid.CheckPassed:
			rc.Status = checkreport.Passed
		case eid.CheckFailed:
			rc.Status = checkreport.Failed
		default:
			rc.Status = checkreport.Skipped
		}
		if ch.Err != nil {
			rc.Detail = ch.Err.Error()
		}
		out = append(out, rc)
	}
	return out
}

func printText(w io.Writer, c *eid.Contents, in *eid.Integrity) {
	id := c.Identity
	row := func(k, v string) { fmt.Fprintf(w, "  %-22s %s\n", k+":", v) }
	fmt.Fprintln(w, "Identity")
	row("Name", id.Name)
	row("First names", id.FirstNames)
	row("Third initial", id.ThirdInitial)
	row("National number", id.NationalNumber.String())
	row("Birth", id.BirthDate.String()+", "+id.BirthPlace)
	row("Sex", string(id.Sex))
	row("Nationality", id.Nationality)
	if id.NobleCondition != "" {
		row("Noble condition", id.NobleCondition)
	}
	row("Document type", id.DocumentType.String())
	row("Special status", id.SpecialStatus.String())
	row("Card number", id.CardNumber)
	row("Chip number", fmt.Sprintf("%X", id.ChipNumber))
	row("Valid", id.ValidityBegin.String()+" to "+id.ValidityEnd.String())
	row("Delivered in", id.DeliveryMunicipality)
	fmt.Fprintln(w, "Address")
	row("Street", c.Address.Street)
	row("Municipality", c.Address.Zip+" "+c.Address.Municipality)
	if c.CardData != nil {
		fmt.Fprintln(w, "Card")
		row("Applet version", c.CardData.AppletVersionString())
		row("Serial", c.CardData.SerialString())
		row("Life cycle", c.CardData.LifeCycle.String())
	}
	for _, ce := range []struct {
		name string
		c    *x509.Certificate
	}{{"Authentication", c.Certificates.Authentication}, {"Signing", c.Certificates.Signing},
		{"CA", c.Certificates.CA}, {"Root", c.Certificates.Root}, {"RRN", c.Certificates.RRN}} {
		if ce.c == nil {
			continue
		}
		if ce.name == "Authentication" {
			fmt.Fprintln(w, "Certificates")
		}
		row(ce.name, ce.c.Subject.CommonName+", until "+ce.c.NotAfter.Format("2006-01-02"))
	}
	fmt.Fprintln(w, "Integrity")
	for _, ch := range in.Checks() {
		s := ch.Status.String()
		if ch.Detail != "" {
			s += " (" + ch.Detail + ")"
		}
		if ch.Err != nil {
			s += ": " + ch.Err.Error()
		}
		row(ch.Name, s)
	}
}
