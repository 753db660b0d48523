package x509check_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/ocsp"
)

// Validate an eID-like authentication certificate against a root, for
// authentication, without revocation checking (a real deployment keeps the
// default OCSPFirst policy).
func ExampleValidator_Validate() {
	// A test root pinned as a Belgian eID root (the real ones are pinned
	// built in), its Citizen CA, and a leaf carrying the Belgian CA6
	// citizen authentication policy.
	now := time.Now()
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rootTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Example Root"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	rootDER, _ := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	root, _ := x509.ParseCertificate(rootDER)
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caDER, _ := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject: pkix.Name{CommonName: "Citizen CA"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, root, caKey.Public(), rootKey)
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	policy, _ := x509.OIDFromInts([]uint64{2, 16, 56, 13, 6, 1, 1, 1000})
	leafDER, _ := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "Alice (Authentication)"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage:          x509.KeyUsageDigitalSignature,
		PolicyIdentifiers: []asn1.ObjectIdentifier{{2, 16, 56, 13, 6, 1, 1, 1000}},
		Policies:          []x509.OID{policy},
	}, ca, leafKey.Public(), caKey)
	leaf, _ := x509.ParseCertificate(leafDER)

	roots := []*x509.Certificate{root}
	v, err := x509check.NewValidator(x509check.Options{
		Roots:            roots,
		ExtraBelgianPins: []string{x509check.SPKIPin(root)},
		Usage:            x509check.UsageAuthentication,
		Revocation:       x509check.NoRevocation,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := v.Validate(context.Background(), leaf, ca)
	fmt.Println("valid:", res.Valid, err)
	fmt.Println("belgian:", res.Belgian.Type, res.Belgian.Generation)
	fmt.Println("key:", res.KeyType, res.Level)
	fmt.Println("revocation:", res.Revocation)

	// The same certificate is refused for signatures.
	v2, _ := x509check.NewValidator(x509check.Options{Roots: roots, Usage: x509check.UsageSignature, Revocation: x509check.NoRevocation})
	_, err = v2.Validate(context.Background(), leaf, ca)
	fmt.Println("for signing:", errors.Is(err, x509check.ErrWrongUsage), x509check.Code(err))

	// Without the pin, the policy OID alone makes no Belgian eID.
	v3, _ := x509check.NewValidator(x509check.Options{Roots: roots, Revocation: x509check.NoRevocation})
	res, _ = v3.Validate(context.Background(), leaf, ca)
	fmt.Printf("unpinned: %q %q\n", res.Belgian.Type, res.KeyType)
	// Output:
	// valid: true <nil>
	// belgian: citizen-authentication CA6
	// key: eid column3
	// revocation: not-checked
	// for signing: true wrong-usage
	// unpinned: "" ""
}

// TLS client authentication: UsageAuthentication requires clientAuth (or
// anyExtendedKeyUsage, or no extension) on every certificate of the path;
// StrictExtKeyUsage also requires the client certificate to state it.
func ExampleUsage_clientAuth() {
	now := time.Now()
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rootTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Client Root"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	rootDER, _ := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	root, _ := x509.ParseCertificate(rootDER)
	client := func(eku ...x509.ExtKeyUsage) *x509.Certificate {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		der, _ := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2),
			Subject: pkix.Name{CommonName: "client"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: eku}, root, key.Public(), rootKey)
		c, _ := x509.ParseCertificate(der)
		return c
	}
	v, _ := x509check.NewValidator(x509check.Options{Roots: []*x509.Certificate{root}, Revocation: x509check.NoRevocation,
		Usage: x509check.UsageAuthentication, StrictExtKeyUsage: true})
	for _, c := range []struct {
		name string
		cert *x509.Certificate
	}{
		{"clientAuth", client(x509.ExtKeyUsageClientAuth)},
		{"serverAuth only", client(x509.ExtKeyUsageServerAuth)},
		{"no EKU (strict)", client()},
	} {
		_, err := v.Validate(context.Background(), c.cert)
		fmt.Printf("%s: %s\n", c.name, map[bool]string{true: "accepted", false: x509check.Code(err)}[err == nil])
	}
	// Output:
	// clientAuth: accepted
	// serverAuth only: wrong-usage
	// no EKU (strict): wrong-usage
}

// Trust the Belgian eID roots that ship with the package: no file to
// install. The Citizen CA of 2020 chains to Root CA6.
func ExampleBelgianRoots() {
	pemBytes, err := os.ReadFile("../testdata/realdata/belgium-pki/citizenca-202002.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	certs, err := x509check.ParseCertificates(pemBytes)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := x509check.NewValidator(x509check.Options{
		BelgianRoots: x509check.BelgianRoots(), // pin-checked
		CurrentTime:  time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Revocation:   x509check.NoRevocation,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := v.Validate(context.Background(), certs[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Valid, res.Chain[0].Subject.CommonName, "under", res.Chain[1].Subject.CommonName)
	// Output:
	// true Citizen CA under Belgium Root CA6
}

// An OCSP checker of the caller's: responses obtained beforehand (a
// stapling cache, an archive), a nonce when fetching, the responder's
// address in place of the leaf's. Here offline with none: the revocation
// status cannot be determined, which fails the certificate (hard fail).
func ExampleOptions_ocsp() {
	pemBytes, err := os.ReadFile("../testdata/realdata/belgium-pki/citizenca-202002.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	certs, err := x509check.ParseCertificates(pemBytes)
	if err != nil {
		fmt.Println(err)
		return
	}
	var saved [][]byte // DER responses kept from earlier fetches
	v, err := x509check.NewValidator(x509check.Options{
		BelgianRoots: x509check.BelgianRoots(),
		CurrentTime:  time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Offline:      true,
		OCSP:         ocsp.NewChecker(ocsp.Options{Responses: saved, Nonce: true, Offline: true}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := v.Validate(context.Background(), certs[0])
	fmt.Println(res.Valid, res.Revocation, x509check.Code(err), errors.Is(err, errNoSource))
	// Output:
	// false undetermined revocation-unavailable true
}

// A revocation source that gives no usable answer is a SourceError: it
// matches ErrRevocationUnavailable, and its code says why.
func ExampleSourceError() {
	_, err := ocsp.ParseResponse([]byte("not an OCSP response"), nil, nil, ocsp.VerifyOptions{})
	var se *x509check.SourceError
	if errors.As(err, &se) {
		fmt.Println(se.Source, se.Code)
	}
	fmt.Println(errors.Is(err, x509check.ErrRevocationUnavailable))
	fmt.Println(errors.Is(err, &x509check.SourceError{Code: "malformed-response"}))
	fmt.Println(x509check.Code(err))
	// Output:
	// ocsp malformed-response
	// true
	// true
	// malformed-response
}
