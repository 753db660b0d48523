package crl_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/csam-go/csam/x509check/crl"
)

// A CA revokes one certificate and suspends another; the CRL is parsed
// once, verified against the CA and consulted for each certificate.
func ExampleCRL_Check() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Example CA"},
		NotBefore: at.Add(-time.Hour), NotAfter: at.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	ca, _ := x509.ParseCertificate(caDER)
	der, _ := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: at.Add(-time.Minute), NextUpdate: at.Add(24 * time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{
			{SerialNumber: big.NewInt(101), RevocationTime: at.Add(-time.Minute), ReasonCode: int(crl.ReasonKeyCompromise)},
			{SerialNumber: big.NewInt(102), RevocationTime: at.Add(-time.Minute), ReasonCode: int(crl.ReasonCertificateHold)},
		},
	}, ca, key)

	c, err := crl.Parse(der)
	if err == nil {
		err = c.Verify(ca, crl.VerifyOptions{CurrentTime: at})
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, serial := range []int64{100, 101, 102} {
		// A certificate of the CA (only the fields Check reads).
		cert := &x509.Certificate{SerialNumber: big.NewInt(serial), RawIssuer: ca.RawSubject}
		res, err := c.Check(cert)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(serial, res.Status, res.Entry.Reason)
	}
	if err := c.Verify(ca, crl.VerifyOptions{CurrentTime: at.Add(48 * time.Hour)}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 100 good absent
	// 101 revoked keyCompromise
	// 102 suspended certificateHold
	// crl: stale CRL: nextUpdate 2026-03-02T00:00:00Z is before 2026-03-03T00:00:00Z
}
