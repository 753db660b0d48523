package ocspasn_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check/internal/ocspasn"
)

// newCA returns a self-signed ECDSA CA and its key.
func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	return testpki.MustIssue(t, &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ocspasn CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil, key.Public(), key), key
}

// The object identifiers as RFC 6960, RFC 8954 and the hash standards
// write them.
func TestOIDs(t *testing.T) {
	tests := []struct {
		oid  asn1.ObjectIdentifier
		want string
	}{
		{ocspasn.OIDBasic, "1.3.6.1.5.5.7.48.1.1"},
		{ocspasn.OIDNonce, "1.3.6.1.5.5.7.48.1.2"},
		{ocspasn.OIDNoCheck, "1.3.6.1.5.5.7.48.1.5"},
		{ocspasn.HashOIDs[crypto.SHA1], "1.3.14.3.2.26"},
		{ocspasn.HashOIDs[crypto.SHA256], "2.16.840.1.101.3.4.2.1"},
		{ocspasn.HashOIDs[crypto.SHA384], "2.16.840.1.101.3.4.2.2"},
		{ocspasn.HashOIDs[crypto.SHA512], "2.16.840.1.101.3.4.2.3"},
	}
	for _, tt := range tests {
		if got := tt.oid.String(); got != tt.want {
			t.Errorf("OID %s, want %s", got, tt.want)
		}
	}
	for h, o := range ocspasn.HashOIDs {
		if got := ocspasn.HashFromOID(o); got != h {
			t.Errorf("HashFromOID(%v) = %v, want %v", o, got, h)
		}
	}
	if got := ocspasn.HashFromOID(ocspasn.OIDBasic); got != 0 {
		t.Errorf("HashFromOID(id-pkix-ocsp-basic) = %v, want 0", got)
	}
}

// A request built from the structures is, to the byte, the one
// x/crypto/ocsp makes.
func TestRequestMatchesXCrypto(t *testing.T) {
	ca, _ := newCA(t)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(4242)}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		id, err := ocspasn.NewCertID(h, ca, leaf.SerialNumber)
		if err != nil {
			t.Fatal(err)
		}
		got, err := asn1.Marshal(ocspasn.OCSPRequest{TBS: ocspasn.TBSRequest{Requests: []ocspasn.Request{{CertID: id}}}})
		if err != nil {
			t.Fatal(err)
		}
		want, err := xocsp.CreateRequest(leaf, ca, &xocsp.RequestOptions{Hash: h})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%v: request\n%x, x/crypto/ocsp makes\n%x", h, got, want)
		}
	}
	if _, err := ocspasn.NewCertID(crypto.MD5, ca, leaf.SerialNumber); !errors.Is(err, ocspasn.ErrHash) {
		t.Errorf("MD5 CertID: %v, want ErrHash", err)
	}
	if _, err := ocspasn.NewCertID(crypto.SHA256, &x509.Certificate{RawSubjectPublicKeyInfo: []byte{0x30}}, leaf.SerialNumber); err == nil ||
		errors.Is(err, ocspasn.ErrHash) {
		t.Errorf("bad issuer key: %v", err)
	}
}

// A response built with the encoders is one x/crypto/ocsp parses and
// verifies, field by field, whatever the certStatus and ResponderID.
func TestMarshalBasicParsesWithXCrypto(t *testing.T) {
	ca, key := newCA(t)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(7)}
	now := time.Now().UTC().Truncate(time.Second)
	keyRID, err := ocspasn.ResponderKey(ca)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		status int
		rid    asn1.RawValue
		next   time.Time
	}{
		{"good by name", xocsp.Good, ocspasn.ResponderName(ca.RawSubject), now.Add(time.Hour)},
		{"revoked by key", xocsp.Revoked, keyRID, now.Add(time.Hour)},
		{"unknown without nextUpdate", xocsp.Unknown, keyRID, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ocspasn.NewCertID(crypto.SHA256, ca, leaf.SerialNumber)
			if err != nil {
				t.Fatal(err)
			}
			s := ocspasn.SingleResponse{CertID: id, ThisUpdate: now.Add(-time.Minute), NextUpdate: tt.next.UTC()}
			switch tt.status {
			case xocsp.Good:
				s.Good = true
			case xocsp.Unknown:
				s.Unknown = true
			default:
				s.Revoked = ocspasn.RevokedInfo{Time: now.Add(-time.Hour), Reason: xocsp.KeyCompromise}
			}
			nonce := []byte("a nonce")
			rd := ocspasn.ResponseData{ResponderID: tt.rid, ProducedAt: now, Responses: []ocspasn.SingleResponse{s},
				Extensions: []pkix.Extension{ocspasn.NonceExtension(nonce)}}
			tbs, err := asn1.Marshal(rd)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := key.Sign(rand.Reader, ocspasn.HashBytes(crypto.SHA256, tbs), crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			der, err := ocspasn.MarshalBasic(tbs, pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}},
				sig, []*x509.Certificate{ca})
			if err != nil {
				t.Fatal(err)
			}
			r, err := xocsp.ParseResponseForCert(der, leaf, ca)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || r.SerialNumber.Cmp(leaf.SerialNumber) != 0 || !r.ProducedAt.Equal(now) ||
				!r.ThisUpdate.Equal(s.ThisUpdate) || !r.NextUpdate.Equal(tt.next) || len(r.Certificate.Raw) == 0 {
				t.Fatalf("parsed %+v", r)
			}
			if tt.status == xocsp.Revoked && (r.RevocationReason != xocsp.KeyCompromise || !r.RevokedAt.Equal(s.Revoked.Time)) {
				t.Fatalf("revoked at %v reason %d", r.RevokedAt, r.RevocationReason)
			}
			if tt.rid.Tag == ocspasn.ResponderByName && !bytes.Equal(r.RawResponderName, ca.RawSubject) {
				t.Fatalf("responder name %x", r.RawResponderName)
			}
			if sum, _ := ocspasn.KeyHash(ca); tt.rid.Tag == ocspasn.ResponderByKey && !bytes.Equal(r.ResponderKeyHash, sum[:]) {
				t.Fatalf("responder key hash %x", r.ResponderKeyHash)
			}
			// A zero NextUpdate is left out, not encoded as year 1.
			if tt.next.IsZero() && bytes.Contains(der, []byte("00010101000000Z")) {
				t.Fatal("zero nextUpdate encoded")
			}
			// The nonce is found again in the parsed extensions.
			var back ocspasn.ResponseData
			if _, err := asn1.Unmarshal(tbs, &back); err != nil {
				t.Fatal(err)
			}
			if got, found, err := ocspasn.Nonce(back.Extensions); !found || err != nil || !bytes.Equal(got, nonce) {
				t.Fatalf("nonce %q %v %v", got, found, err)
			}
		})
	}
}

func TestMarshalStatus(t *testing.T) {
	got, err := ocspasn.MarshalStatus(3)
	if err != nil || !bytes.Equal(got, xocsp.TryLaterErrorResponse) {
		t.Fatalf("tryLater %x, %v; want %x", got, err, xocsp.TryLaterErrorResponse)
	}
	var r ocspasn.Response
	if _, err := asn1.Unmarshal(got, &r); err != nil || r.Status != 3 || r.Bytes.Type != nil {
		t.Fatalf("parsed %+v, %v", r, err)
	}
}

func TestNonce(t *testing.T) {
	other := pkix.Extension{Id: asn1.ObjectIdentifier{1, 2, 3}, Value: []byte{5, 0}}
	ext := ocspasn.NonceExtension([]byte{1, 2, 3})
	trailing := pkix.Extension{Id: ocspasn.OIDNonce, Value: append(append([]byte{}, ext.Value...), 0)}
	notOctets := pkix.Extension{Id: ocspasn.OIDNonce, Value: []byte{5, 0}}
	tests := []struct {
		name    string
		exts    []pkix.Extension
		want    []byte
		found   bool
		wantErr bool
	}{
		{"none", nil, nil, false, false},
		{"other only", []pkix.Extension{other}, nil, false, false},
		{"after another", []pkix.Extension{other, ext}, []byte{1, 2, 3}, true, false},
		{"first of two", []pkix.Extension{ext, notOctets}, []byte{1, 2, 3}, true, false},
		{"trailing data", []pkix.Extension{trailing}, nil, true, true},
		{"not an OCTET STRING", []pkix.Extension{notOctets}, nil, true, true},
	}
	for _, tt := range tests {
		got, found, err := ocspasn.Nonce(tt.exts)
		if found != tt.found || (err != nil) != tt.wantErr || (!tt.wantErr && !bytes.Equal(got, tt.want)) {
			t.Errorf("%s: %x %v %v", tt.name, got, found, err)
		}
	}
}

func TestKeyHash(t *testing.T) {
	ca, key := newCA(t)
	sum, err := ocspasn.KeyHash(ca)
	pub, perr := key.PublicKey.ECDH() // the uncompressed point, found independently
	if perr != nil {
		t.Fatal(perr)
	}
	if want := sha1.Sum(pub.Bytes()); err != nil || sum != want {
		t.Fatalf("KeyHash %x, %v; want %x", sum, err, want)
	}
	if _, err := ocspasn.KeyHash(&x509.Certificate{}); err == nil {
		t.Fatal("KeyHash of no key: no error")
	}
}
