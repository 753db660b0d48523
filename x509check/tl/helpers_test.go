package tl_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check/tl"
)

// realList reads the real Belgian trusted list (sequence 47) and its own
// signer certificate from its KeyInfo.
func realList(t testing.TB) ([]byte, *x509.Certificate) {
	t.Helper()
	data, err := os.ReadFile(testenv.RealData(t, "trusted-lists", "tl-be-seq47.xml"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := tl.SignerFromKeyInfo(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, signer
}

// inRealValidity is a validation time inside the real list's validity
// (issued 2020-06-02, next update 2020-12-01).
var inRealValidity = time.Date(2020, 7, 1, 12, 0, 0, 0, time.UTC)

// --- test PKI ---

type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var serial int64 = 100

func nextSerial() *big.Int { serial++; return big.NewInt(serial) }

func newKey(t tb) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newRootCA(t tb, cn string, from, to time.Time) *testCA {
	t.Helper()
	k := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: cn, Country: []string{"BE"}},
		NotBefore:             from,
		NotAfter:              to,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	c := testpki.MustIssue(t, tmpl, nil, k.Public(), k)
	return &testCA{cert: c, key: k}
}

func (ca *testCA) subCA(t tb, cn string) *testCA {
	t.Helper()
	k := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: cn, Country: []string{"BE"}},
		NotBefore:             ca.cert.NotBefore,
		NotAfter:              ca.cert.NotAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	c := testpki.MustIssue(t, tmpl, ca.cert, k.Public(), ca.key)
	return &testCA{cert: c, key: k}
}

// leafSpec describes an end-entity certificate's qualified claims.
type leafSpec struct {
	issued     time.Time
	policies   []string
	compliance bool
	sscd       bool
	types      []asn1.ObjectIdentifier
	keyUsage   x509.KeyUsage
}

var (
	qcTypeESign = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 1}
	qcTypeESeal = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 2}
	qcTypeWeb   = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 3}
)

type qcStatement struct {
	ID   asn1.ObjectIdentifier
	Info asn1.RawValue `asn1:"optional"`
}

func qcStatements(t tb, s leafSpec) []byte {
	var stmts []qcStatement
	if s.compliance {
		stmts = append(stmts, qcStatement{ID: asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}})
	}
	if s.sscd {
		stmts = append(stmts, qcStatement{ID: asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}})
	}
	if len(s.types) > 0 {
		info, err := asn1.Marshal(s.types)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, qcStatement{ID: asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}, Info: asn1.RawValue{FullBytes: info}})
	}
	der, err := asn1.Marshal(stmts)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func (ca *testCA) leaf(t tb, cn string, s leafSpec) *x509.Certificate {
	t.Helper()
	k := newKey(t)
	ku := s.keyUsage
	if ku == 0 {
		ku = x509.KeyUsageContentCommitment
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: cn, Country: []string{"BE"}},
		NotBefore:    s.issued,
		NotAfter:     s.issued.AddDate(3, 0, 0),
		KeyUsage:     ku,
	}
	for _, p := range s.policies {
		oid, err := x509.ParseOID(p)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.Policies = append(tmpl.Policies, oid)
	}
	if s.compliance || s.sscd || len(s.types) > 0 {
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{
			Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}, Value: qcStatements(t, s)})
	}
	c := testpki.MustIssue(t, tmpl, ca.cert, k.Public(), ca.key)
	return c
}

// --- test trusted lists ---

type tQual struct {
	qualifiers []string
	assert     string
	policies   [][]string
	keyUsage   map[string]bool
	nested     []tQual // nested criteria lists (their qualifiers are ignored)
}

type tInstance struct {
	status string
	start  time.Time
	asi    []string
	quals  []tQual
	name   string
}

type tService struct {
	typ     string
	cert    *x509.Certificate
	current tInstance
	history []tInstance
}

type tList struct {
	id         string
	seq        int
	issued     time.Time
	nextUpdate time.Time
	providers  map[string][]tService
	order      []string
}

// toTestTL converts the list to the shared builder's form.
func (l tList) toTestTL() testtl.List {
	out := testtl.List{ID: l.id, Seq: l.seq, Issued: l.issued, NextUpdate: l.nextUpdate}
	conv := func(in tInstance) testtl.Instance {
		return testtl.Instance{Status: in.status, Start: in.start, ASI: in.asi, Quals: convQuals(in.quals), Name: in.name}
	}
	for _, pname := range l.order {
		p := testtl.Provider{Name: pname}
		for _, s := range l.providers[pname] {
			ts := testtl.Service{Type: s.typ, Cert: s.cert, Current: conv(s.current)}
			for _, h := range s.history {
				ts.History = append(ts.History, conv(h))
			}
			p.Services = append(p.Services, ts)
		}
		out.Providers = append(out.Providers, p)
	}
	return out
}

func convQuals(qs []tQual) []testtl.Qual {
	var out []testtl.Qual
	for _, q := range qs {
		out = append(out, testtl.Qual{Qualifiers: q.qualifiers, Assert: q.assert, Policies: q.policies, KeyUsage: q.keyUsage, Nested: convQuals(q.nested)})
	}
	return out
}

// xml renders the list, unsigned.
func (l tList) xml() string { return l.toTestTL().XML() }

// listSigner is the scheme operator's key and certificate for test lists.
type listSigner struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var (
	rsaSignerOnce sync.Once
	rsaSigner     *listSigner
)

func newListSigner(t tb, key crypto.Signer) *listSigner {
	t.Helper()
	ts := testtl.NewSigner(t, key)
	return &listSigner{cert: ts.Cert, key: ts.Key}
}

// testSigner returns a shared RSA-2048 list signer.
func testSigner(t tb) *listSigner {
	rsaSignerOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		rsaSigner = newListSigner(t, k)
	})
	return rsaSigner
}

// rawECDSA makes an ECDSA key sign as XMLDSig wants.
type rawECDSA = testtl.RawECDSA

// sign signs the XML as an enveloped signature over the root (exclusive
// C14N, SHA-256), the way trusted lists are signed.
func (s *listSigner) sign(t tb, xmlText string) []byte {
	t.Helper()
	return (&testtl.Signer{Cert: s.cert, Key: s.key}).Sign(t, xmlText)
}

// tb is the part of testing.TB the builders need, so that the example can
// use them too.
type tb interface {
	Helper()
	Fatal(args ...any)
}

// panicTB fails by panicking (for Example functions, which have no T).
type panicTB struct{}

func (panicTB) Helper()           {}
func (panicTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }
