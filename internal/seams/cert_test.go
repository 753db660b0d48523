package seams_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

func oid(s string) asn1.ObjectIdentifier {
	var o asn1.ObjectIdentifier
	for _, p := range strings.Split(s, ".") {
		n := 0
		for _, c := range p {
			n = n*10 + int(c-'0')
		}
		o = append(o, n)
	}
	return o
}

func xoids(os ...string) []x509.OID {
	var out []x509.OID
	for _, s := range os {
		o, err := x509.ParseOID(s)
		if err != nil {
			panic(err)
		}
		out = append(out, o)
	}
	return out
}

func realCert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(testenv.RealData(t, "belgium-pki", name))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := x509check.ParseCertificates(b)
	if err != nil {
		t.Fatal(err)
	}
	return cs[0]
}

// generation is one Belgian eID root generation: the real root and CA
// certificates of testdata/realdata its test copies are modelled on, and
// the policy OIDs of its card certificates (written out here as an
// independent check of x509check's table).
type generation struct {
	name                   string
	root                   string // real root file
	citizenCA, foreignerCA string // real CA files, "" when the repository has none
	citAuth, citSign       string
	forAuth, forSign       string
}

var generations = []generation{
	{"CA2", "belgiumrca2.pem", "citizenca-brca2.crt", "", "2.16.56.9.1.1.2.2", "2.16.56.9.1.1.2.1", "2.16.56.9.1.1.7.2", "2.16.56.9.1.1.7.1"},
	{"CA3", "belgiumrca3.pem", "", "", "2.16.56.10.1.1.2.2", "2.16.56.10.1.1.2.1", "2.16.56.10.1.1.7.2", "2.16.56.10.1.1.7.1"},
	{"CA4", "belgiumrca4.pem", "", "", "2.16.56.12.1.1.2.2", "2.16.56.12.1.1.2.1", "2.16.56.12.1.1.7.2", "2.16.56.12.1.1.7.1"},
	{"CA6", "belgiumrca6.pem", "citizenca-202002.pem", "foreignerca-202001.pem", "2.16.56.13.6.1.1.1000", "2.16.56.13.6.1.2.1000", "2.16.56.13.6.2.1.1000", "2.16.56.13.6.2.2.1000"},
}

// row is one certificate walked through both routes.
type row struct {
	name    string
	leaf    *testpki.Cert
	chain   []*x509.Certificate // intermediates
	usage   x509check.Usage
	keyType keys.ID
	eid     bool // CertificateStatus.EID
	qual    bool // CertificateStatus.Qualified
	unlist  bool // CertificateStatus.Unlisted
	accept  bool // CertificateStatus.Accepted
	// agree: the registry's key type gives the same decisions (false for
	// a certificate art. 7 refuses, which the key type alone cannot know).
	agree bool
	// portal, ftp: allowed for a portal application at column 3 and for
	// an art. 3.4 declaration over (S)FTP.
	portal, ftp bool
}

// TestCertificateKeyDecision walks every Belgian eID certificate type
// (citizen and foreigner, authentication and signature, generations CA2 to
// CA6, modelled on the real CA certificates) and qualified certificates
// from trusted-list CAs through x509check, Result.PresentedKey and
// levels.Decide, and through the key type keys.NewRegistry() gives the
// same key: the key type, level, certificate status and channel rules the
// règlement gives each (arts. 7, 11), and the same decisions.
func TestCertificateKeyDecision(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	p := &testpki.PKI{Dir: t.TempDir()}
	nb, na := now.Add(-time.Hour), now.Add(365*24*time.Hour)
	ca := func(name string, parent *testpki.Cert, subject pkix.Name, pol []x509.OID) *testpki.Cert {
		return p.Issue(t, name, parent, &x509.Certificate{Subject: subject, NotBefore: nb.Add(-time.Hour), NotAfter: na.Add(time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, Policies: pol})
	}
	leaf := func(name string, parent *testpki.Cert, cn string, sign bool, pols ...string) *testpki.Cert {
		tmpl := &x509.Certificate{Subject: pkix.Name{Country: []string{"BE"}, CommonName: cn, SerialNumber: "71715100070"},
			NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature, Policies: xoids(pols...)}
		for _, s := range pols {
			tmpl.PolicyIdentifiers = append(tmpl.PolicyIdentifiers, oid(s))
		}
		if sign {
			tmpl.KeyUsage = x509.KeyUsageContentCommitment
			tmpl.ExtraExtensions = []pkix.Extension{testpki.QCStatements(true)}
		}
		return p.Issue(t, name, parent, tmpl)
	}
	var roots []*x509.Certificate
	list := &x509check.AcceptedList{Format: x509check.AcceptedListFormat}
	var rows []row
	for _, g := range generations {
		// Test copies of the real hierarchy: the real certificates'
		// names and policies, with keys of this test.
		real := realCert(t, g.root)
		rsub := real.Subject
		rsub.CommonName = strings.Replace(rsub.CommonName, "Belgium Root", "Belgium Test Root", 1)
		root := ca("root-"+g.name, nil, rsub, real.Policies)
		roots = append(roots, root.Cert)
		list.Authorities = append(list.Authorities, x509check.Authority{Name: rsub.CommonName,
			SPKISHA256: x509check.SPKIPin(root.Cert), EID: true, Qualified: true})
		sub := func(file, cn string) pkix.Name {
			if file == "" {
				return pkix.Name{Country: []string{"BE"}, CommonName: cn, SerialNumber: "2026" + g.name}
			}
			return realCert(t, file).Subject
		}
		cit := ca("cit-"+g.name, root, sub(g.citizenCA, "Citizen CA"), nil)
		frg := ca("for-"+g.name, root, sub(g.foreignerCA, "Foreigner CA"), nil)
		for _, c := range []struct {
			who       string
			ca        *testpki.Cert
			auth, sig string
		}{{"citizen", cit, g.citAuth, g.citSign}, {"foreigner", frg, g.forAuth, g.forSign}} {
			rows = append(rows,
				row{name: g.name + "/" + c.who + "/authentication", leaf: leaf(g.name+c.who+"a", c.ca, "Test (Authentication)", false, c.auth),
					chain: []*x509.Certificate{c.ca.Cert}, usage: x509check.UsageAuthentication, keyType: keys.IDEID,
					eid: true, agree: true, portal: true},
				row{name: g.name + "/" + c.who + "/signature", leaf: leaf(g.name+c.who+"s", c.ca, "Test (Signature)", true, c.sig, "0.4.0.194112.1.2"),
					chain: []*x509.Certificate{c.ca.Cert}, usage: x509check.UsageSignature, keyType: keys.IDEIDSignature,
					eid: true, qual: true, agree: true, ftp: true})
		}
	}

	// Qualified CAs of a trusted list the test signs: one on the accepted
	// list, one not (art. 7's request procedure), and an authority whose
	// non-qualified type is on the list of accepted certificates.
	qtspRoot := ca("qtsp-root", nil, pkix.Name{CommonName: "Test QTSP Root"}, nil)
	qtspCA := ca("qtsp-ca", qtspRoot, pkix.Name{CommonName: "Test QTSP Qualified CA"}, nil)
	otherRoot := ca("other-root", nil, pkix.Name{CommonName: "Other QTSP Root"}, nil)
	otherCA := ca("other-ca", otherRoot, pkix.Name{CommonName: "Other QTSP Qualified CA"}, nil)
	accRoot := ca("acc-root", nil, pkix.Name{CommonName: "Accepted Types Root"}, nil)
	roots = append(roots, accRoot.Cert)
	list.Authorities = append(list.Authorities,
		x509check.Authority{Name: "Test QTSP Root", SPKISHA256: x509check.SPKIPin(qtspRoot.Cert), Qualified: true},
		x509check.Authority{Name: "Accepted Types Root", SPKISHA256: x509check.SPKIPin(accRoot.Cert),
			Accepted: []x509check.AcceptedType{{Name: "Test enterprise certificate", Policy: "1.3.6.1.4.1.99999.7.1"}}})
	qcp := "0.4.0.194112.1.2"
	rows = append(rows,
		row{name: "qualified/listed CA", leaf: leaf("q1", qtspCA, "Quentin Qualified", true, qcp), chain: []*x509.Certificate{qtspCA.Cert},
			keyType: keys.IDQualifiedCertificate, qual: true, agree: true, portal: true, ftp: true},
		row{name: "qualified/CA on neither list", leaf: leaf("q2", otherCA, "Olga Other", true, qcp), chain: []*x509.Certificate{otherCA.Cert},
			keyType: keys.IDQualifiedCertificate, qual: true, unlist: true},
		row{name: "accepted type, not qualified", leaf: leaf("a1", accRoot, "Ann Accepted", false, "1.3.6.1.4.1.99999.7.1"),
			keyType: keys.IDQualifiedCertificate, accept: true, agree: true, portal: true, ftp: true},
	)

	quals := []testtl.Qual{{Qualifiers: []string{tl.QualifierQCQSCDAsInCert}, Policies: [][]string{{qcp}}}}
	asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures}
	svc := func(c *testpki.Cert) testtl.Service {
		return testtl.Service{Cert: c.Cert, Current: testtl.Instance{Status: tl.StatusGranted, Start: now.Add(-24 * time.Hour), ASI: asi, Quals: quals}}
	}
	spec := testtl.List{Seq: 1, Issued: now.Add(-time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour),
		Providers: []testtl.Provider{{Name: "Test QTSP", Services: []testtl.Service{svc(qtspRoot)}},
			{Name: "Other QTSP", Services: []testtl.Service{svc(otherRoot)}}}}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, key)
	tlist, err := tl.Verify(signer.Sign(t, spec.XML()), tl.VerifyOptions{Signers: []*x509.Certificate{signer.Cert}, Time: now})
	if err != nil {
		t.Fatal(err)
	}

	validator := func(u x509check.Usage, l *x509check.AcceptedList) *x509check.Validator {
		opts := x509check.Options{Roots: roots, Revocation: x509check.NoRevocation, CurrentTime: now, Usage: u, Accepted: l}
		(&tl.Source{List: tlist, AllowUnlisted: true}).Apply(&opts)
		v, err := x509check.NewValidator(opts)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	vs := map[x509check.Usage]*x509check.Validator{}
	for _, u := range []x509check.Usage{x509check.UsageAny, x509check.UsageAuthentication, x509check.UsageSignature} {
		vs[u] = validator(u, list)
	}
	reg := keys.NewRegistry()
	am := levels.RolesOf(levels.RoleAccessManager)
	decide := func(t *testing.T, req levels.Request) levels.Decision {
		t.Helper()
		d, err := levels.Decide(req)
		if err != nil {
			t.Fatalf("Decide(%s): %v", req.Application, err)
		}
		return d
	}
	ctx := context.Background()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			res, err := vs[r.usage].Validate(ctx, r.leaf.Cert, r.chain...)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			pk := res.PresentedKey()
			kt, ok := reg.Lookup(res.KeyType)
			if res.KeyType != r.keyType || !ok {
				t.Fatalf("key type %q (in registry: %v), want %q", res.KeyType, ok, r.keyType)
			}
			rk := kt.Presented()
			// The key as the règlement gives it.
			if pk.Type != string(kt.ID) || pk.Level != kt.Level || pk.Level != levels.Column3 ||
				!slices.Equal(pk.Channels, rk.Channels) || pk.EIDSignature != rk.EIDSignature ||
				pk.EIDSignature != (r.keyType == keys.IDEIDSignature) || !pk.UsesCertificate || pk.State != levels.KeyActive {
				t.Fatalf("PresentedKey = %+v, registry's key type gives %+v", pk, rk)
			}
			cs := pk.Certificate
			want := levels.CertificateStatus{Valid: true, Qualified: r.qual, EID: r.eid, Unlisted: r.unlist, Accepted: r.accept}
			if cs == nil || *cs != want {
				t.Fatalf("certificate status %+v, want %+v", cs, want)
			}
			for _, q := range []struct {
				req   levels.Request
				allow bool
			}{
				{levels.Request{Application: "Rina", Roles: am}, r.portal},
				{levels.Request{Application: "Dimona", Channel: levels.ChannelFTP, Roles: am}, r.ftp},
				{levels.Request{Application: "Belcotax-on-web", Portal: levels.PortalBelgium, Roles: am}, r.portal},
			} {
				q.req.Key = pk
				viaCert := decide(t, q.req)
				q.req.Key = rk
				viaRegistry := decide(t, q.req)
				if viaCert.Allowed != q.allow {
					t.Errorf("%s over %v, through PresentedKey: allowed=%v, want %v\n%v", q.req.Application, q.req.Channel, viaCert.Allowed, q.allow, viaCert.Reasons)
				}
				if r.agree && viaRegistry.Allowed != viaCert.Allowed {
					t.Errorf("%s over %v: PresentedKey allowed=%v, registry key type allowed=%v\n%v\n%v", q.req.Application, q.req.Channel,
						viaCert.Allowed, viaRegistry.Allowed, viaCert.Reasons, viaRegistry.Reasons)
				}
				if r.unlist && !slices.ContainsFunc(viaCert.Reasons, func(x levels.Reason) bool {
					return x.Article == "7" && x.Effect == levels.Deny && strings.Contains(x.Message, "form")
				}) {
					t.Errorf("%s: no art. 7 request-procedure reason: %v", q.req.Application, viaCert.Reasons)
				}
			}
			// Art. 7, second paragraph: with the eID, authentication uses the
			// identity certificate, signatures the signature certificate.
			if r.eid {
				other := x509check.UsageSignature
				if r.usage == x509check.UsageSignature {
					other = x509check.UsageAuthentication
				}
				if _, err := vs[other].Validate(ctx, r.leaf.Cert, r.chain...); !errors.Is(err, x509check.ErrWrongUsage) {
					t.Errorf("eID %s certificate validated for %v: %v", r.usage, other, err)
				}
			}
		})
	}

	// Without the accepted list naming the test roots, the eID certificates
	// under them are not the Belgian eID (only the real roots are, by pin):
	// art. 7 refuses them as neither qualified nor accepted.
	plain := validator(x509check.UsageAuthentication, nil)
	res, err := plain.Validate(ctx, rows[0].leaf.Cert, rows[0].chain...)
	if err != nil {
		t.Fatal(err)
	}
	if res.EID || res.Unlisted {
		t.Fatalf("test root taken for a Belgian eID root: %+v", res.CertificateStatus())
	}
	if d := decide(t, levels.Request{Application: "Rina", Roles: am, Key: res.PresentedKey()}); d.Allowed {
		t.Fatalf("eID certificate under an unknown root allowed: %v", d.Reasons)
	}
}
