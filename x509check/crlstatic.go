package x509check

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"time"
)

// StaticCRLs returns a CRLChecker that consults only the given CRLs (DER
// or PEM), never fetching: a minimal checker on crypto/x509 for offline use
// (examples/certcheck -crl). It checks the issuer name, the signature by
// the issuer (which must have cRLSign when it has a KeyUsage), thisUpdate
// and nextUpdate against the validation time with the clock skew, and
// rejects a CRL or entry with an unrecognized critical extension. It does
// not interpret distribution-point scopes or delta CRLs: a CRL carrying an
// issuingDistributionPoint or deltaCRLIndicator is not used (package
// x509check/crl does that).
func StaticCRLs(skew time.Duration, crls ...[]byte) (CRLChecker, error) {
	s := &staticCRLs{skew: skew}
	for _, b := range crls {
		if blk, _ := pem.Decode(b); blk != nil {
			b = blk.Bytes
		}
		rl, err := x509.ParseRevocationList(b)
		if err != nil {
			return nil, fmt.Errorf("%w: CRL: %v", ErrBadInput, err)
		}
		s.crls = append(s.crls, rl)
	}
	return s, nil
}

type staticCRLs struct {
	skew time.Duration
	crls []*x509.RevocationList
}

var (
	oidCRLNumber  = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidAKI        = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidReasonCode = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidInvalidity = asn1.ObjectIdentifier{2, 5, 29, 24}
	oidHoldCode   = asn1.ObjectIdentifier{2, 5, 29, 23}
	oidIDP        = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidDelta      = asn1.ObjectIdentifier{2, 5, 29, 27}
)

func (s *staticCRLs) CheckCRL(_ context.Context, cert, issuer *x509.Certificate, at time.Time) (Status, []Source, error) {
	var srcs []Source
	var last error
	for _, rl := range s.crls {
		if !bytes.Equal(rl.RawIssuer, issuer.RawSubject) {
			continue
		}
		src := Source{Kind: "crl", URL: "provided", Subject: cert.Subject.String(), ThisUpdate: rl.ThisUpdate, NextUpdate: rl.NextUpdate}
		st, err := s.check(rl, cert, issuer, at, &src)
		if err != nil {
			src.Status, src.Err, src.Error = StatusUndetermined, err, err.Error()
			srcs = append(srcs, src)
			last = err
			continue
		}
		src.Status = st
		srcs = append(srcs, src)
		return st, srcs, nil
	}
	if last == nil {
		last = fmt.Errorf("%w: no CRL of %q provided", ErrNoSource, issuer.Subject.String())
		srcs = append(srcs, Source{Kind: "crl", Subject: cert.Subject.String(), Status: StatusUndetermined, Err: last, Error: last.Error()})
	}
	return StatusUndetermined, srcs, last
}

func (s *staticCRLs) check(rl *x509.RevocationList, cert, issuer *x509.Certificate, at time.Time, src *Source) (Status, error) {
	if issuer.KeyUsage != 0 && issuer.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return 0, fmt.Errorf("%w: CRL issuer lacks cRLSign", ErrBadResponder)
	}
	if err := rl.CheckSignatureFrom(issuer); err != nil {
		return 0, fmt.Errorf("%w: CRL: %v", ErrBadSignature, err)
	}
	for _, e := range rl.Extensions {
		if e.Id.Equal(oidIDP) || e.Id.Equal(oidDelta) {
			return 0, fmt.Errorf("%w: CRL scope or delta (%v) not interpreted here", ErrCriticalExtension, e.Id)
		}
		if e.Critical && !e.Id.Equal(oidCRLNumber) && !e.Id.Equal(oidAKI) {
			return 0, fmt.Errorf("%w: CRL extension %v", ErrCriticalExtension, e.Id)
		}
	}
	if rl.ThisUpdate.After(at.Add(s.skew)) {
		return 0, fmt.Errorf("%w: CRL thisUpdate %s", ErrFutureResponse, rl.ThisUpdate.UTC().Format(time.RFC3339))
	}
	if !rl.NextUpdate.IsZero() && rl.NextUpdate.Before(at.Add(-s.skew)) {
		return 0, fmt.Errorf("%w: CRL nextUpdate %s", ErrStaleResponse, rl.NextUpdate.UTC().Format(time.RFC3339))
	}
	for _, e := range rl.RevokedCertificateEntries {
		for _, x := range e.Extensions {
			if x.Critical && !x.Id.Equal(oidReasonCode) && !x.Id.Equal(oidInvalidity) && !x.Id.Equal(oidHoldCode) {
				return 0, fmt.Errorf("%w: CRL entry extension %v", ErrCriticalExtension, x.Id)
			}
		}
	}
	for _, e := range rl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) != 0 {
			continue
		}
		r := Reason(e.ReasonCode)
		src.RevokedAt, src.Reason = e.RevocationTime, &r
		if e.RevocationTime.After(at) {
			return StatusGood, nil
		}
		if r == ReasonCertificateHold {
			return StatusSuspended, nil
		}
		return StatusRevoked, nil
	}
	return StatusGood, nil
}
