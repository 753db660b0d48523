package ocsp

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	xocsp "golang.org/x/crypto/ocsp"

	"github.com/csam-go/csam/internal/sigalg"
	"github.com/csam-go/csam/x509check/internal/errs"
	"github.com/csam-go/csam/x509check/internal/ocspasn"
	pathval "github.com/csam-go/csam/x509check/path"
)

// ocspRequest is an encoded OCSP request and the nonce its answer must
// echo.
type ocspRequest struct {
	nonce []byte // nil: no nonce sent
	der   []byte
}

// newOCSPRequest builds a request for cert issued by issuer with a CertID
// hashed with h (SHA-1, SHA-256, SHA-384 or SHA-512) and, when nonce is
// true, a random 32-octet nonce (RFC 8954).
func newOCSPRequest(cert, issuer *x509.Certificate, h crypto.Hash, nonce bool) (*ocspRequest, error) {
	if h == 0 {
		h = crypto.SHA1
	}
	id, err := ocspasn.NewCertID(h, issuer, cert.SerialNumber)
	if errors.Is(err, ocspasn.ErrHash) {
		return nil, fmt.Errorf("ocsp: unsupported CertID hash %v", h)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: issuer public key: %v", errs.BadInput, err)
	}
	r := &ocspRequest{}
	if !nonce {
		// Without extensions the encoding is the one x/crypto/ocsp makes.
		r.der, err = xocsp.CreateRequest(cert, issuer, &xocsp.RequestOptions{Hash: h})
		if err != nil {
			return nil, fmt.Errorf("ocsp: request: %v", err)
		}
		return r, nil
	}
	r.nonce = make([]byte, 32)
	if _, err := rand.Read(r.nonce); err != nil {
		return nil, err
	}
	req := ocspasn.OCSPRequest{TBS: ocspasn.TBSRequest{
		Requests:   []ocspasn.Request{{CertID: id}},
		Extensions: []pkix.Extension{ocspasn.NonceExtension(r.nonce)},
	}}
	r.der, err = asn1.Marshal(req)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Response is a checked OCSP answer about one certificate.
type Response struct {
	// Status is what the responder said.
	Status Status
	// ProducedAt, ThisUpdate and NextUpdate are the response's times
	// (NextUpdate zero when absent).
	ProducedAt, ThisUpdate, NextUpdate time.Time
	// RevokedAt and Reason (an RFC 5280 reason code, 0 when absent) are
	// set for Revoked and Suspended.
	RevokedAt time.Time
	Reason    int
	// Source is where the response came from: "stapled", "provided", the
	// responder's address, or "cache:" and the address.
	Source string
	// Responder is the delegated responder's certificate that signed the
	// response, nil when the issuer signed it.
	Responder *x509.Certificate
	// NoCheck reports that Responder carries id-pkix-ocsp-nocheck. When it
	// does not, RFC 6960 section 4.2.2.2.1 asks the caller to check the
	// responder's own revocation (by CRL) before relying on the answer.
	NoCheck bool
	// Nonce reports that the response echoed the nonce of its request.
	Nonce bool

	expires time.Time // when a cached copy must be dropped
}

// VerifyOptions are what ParseResponse checks a response against. The
// zero value checks at the current time, with no nonce, the default
// clock skew and maximum age, refusing SHA-1 signatures.
type VerifyOptions struct {
	// CurrentTime is the validation time; zero means time.Now().
	CurrentTime time.Time
	// Nonce, when not nil, must be echoed by the response (RFC 8954).
	Nonce []byte
	// ClockSkew is the tolerance applied to thisUpdate, producedAt and
	// nextUpdate. Zero means 5 minutes; negative means none.
	ClockSkew time.Duration
	// MaxAge bounds the age of a response without nextUpdate. Zero means
	// 24 hours.
	MaxAge time.Duration
	// AllowSHA1 accepts responses, and delegated responder certificates,
	// signed with SHA-1.
	AllowSHA1 bool
}

// Defaults of VerifyOptions and Options.
const (
	defaultClockSkew       = 5 * time.Minute
	defaultMaxAge          = 24 * time.Hour
	defaultTimeout         = 10 * time.Second
	defaultMaxResponseSize = 64 << 10
	defaultGetLimit        = 255
	defaultCacheSize       = 4096
)

func (o VerifyOptions) check(cert, issuer *x509.Certificate) ocspCheck {
	ck := ocspCheck{cert: cert, issuer: issuer, nonce: o.Nonce, at: o.CurrentTime,
		skew: o.ClockSkew, maxAge: o.MaxAge, allowSHA1: o.AllowSHA1}
	if ck.at.IsZero() {
		ck.at = time.Now()
	}
	switch {
	case ck.skew < 0:
		ck.skew = 0
	case ck.skew == 0:
		ck.skew = defaultClockSkew
	}
	if ck.maxAge <= 0 {
		ck.maxAge = defaultMaxAge
	}
	return ck
}

// ParseResponse parses a DER OCSP response about cert, issued by issuer,
// and applies every check of RFC 6960 (with the nonce of RFC 8954): the
// single response on the full CertID, the signer (the issuer, or a
// delegated responder the issuer certified with id-kp-OCSPSigning, valid
// at the validation time), the signature, critical extensions, the nonce
// and freshness. Its errors are a [SourceError] (code
// "malformed-response", "responder-status" with a [ResponderStatusError],
// "certid-mismatch", "bad-responder", "bad-signature",
// "critical-extension", "nonce-mismatch", "future-response" or
// "stale-response"), or match x509check.ErrBadInput for an unusable
// issuer key.
func ParseResponse(der []byte, cert, issuer *x509.Certificate, opts VerifyOptions) (*Response, error) {
	return checkResponse(der, opts.check(cert, issuer))
}

// ocspCheck holds what a response is checked against.
type ocspCheck struct {
	cert, issuer *x509.Certificate
	nonce        []byte
	at           time.Time
	skew, maxAge time.Duration
	allowSHA1    bool
}

// checkResponse is ParseResponse with its options resolved.
func checkResponse(der []byte, ck ocspCheck) (*Response, error) {
	var outer ocspasn.Response
	rest, err := asn1.Unmarshal(der, &outer)
	if err != nil {
		return nil, srcErr(errs.CodeMalformedResponse, "%v", err)
	}
	if len(rest) > 0 {
		return nil, srcErr(errs.CodeMalformedResponse, "trailing data")
	}
	if outer.Status != 0 {
		return nil, errs.Wrap("ocsp", errs.CodeResponderStatus, &ResponderStatusError{Status: int(outer.Status)})
	}
	if !outer.Bytes.Type.Equal(ocspasn.OIDBasic) {
		return nil, srcErr(errs.CodeMalformedResponse, "response type %v is not id-pkix-ocsp-basic", outer.Bytes.Type)
	}
	var basic ocspasn.BasicResponse
	if rest, err := asn1.Unmarshal(outer.Bytes.Response, &basic); err != nil || len(rest) > 0 {
		return nil, srcErr(errs.CodeMalformedResponse, "basic response: %v", err)
	}
	var rd ocspasn.ResponseData
	if rest, err := asn1.Unmarshal(basic.TBS.FullBytes, &rd); err != nil || len(rest) > 0 {
		return nil, srcErr(errs.CodeMalformedResponse, "response data: %v", err)
	}
	if rd.Version != 0 {
		return nil, srcErr(errs.CodeMalformedResponse, "version %d", rd.Version)
	}

	// 2. The single response about our certificate, on the full CertID.
	single, err := findSingle(rd.Responses, ck.cert, ck.issuer)
	if err != nil {
		return nil, err
	}

	// 3, 4. The signer: the issuer, or a delegated responder it issued.
	signer, err := findSigner(rd.ResponderID, basic.Certs, ck)
	if err != nil {
		return nil, err
	}
	alg := signatureAlgorithm(basic.SigAlg)
	if alg == x509.UnknownSignatureAlgorithm {
		return nil, srcErr(errs.CodeBadSignature, "unsupported signature algorithm %v", basic.SigAlg.Algorithm)
	}
	if (alg == x509.SHA1WithRSA || alg == x509.ECDSAWithSHA1 || alg == x509.DSAWithSHA1) && !ck.allowSHA1 {
		return nil, srcErr(errs.CodeBadSignature, "OCSP response signed with %v: SHA-1 refused (AllowSHA1)", alg)
	}
	if err := signer.CheckSignature(alg, basic.TBS.FullBytes, basic.Signature.RightAlign()); err != nil {
		return nil, srcErr(errs.CodeBadSignature, "%v", err)
	}

	// 8. Critical extensions: only the nonce is understood.
	for _, e := range rd.Extensions {
		if e.Critical && !e.Id.Equal(ocspasn.OIDNonce) {
			return nil, srcErr(errs.CodeCriticalExtension, "response extension %v", e.Id)
		}
	}
	for _, e := range single.Extensions {
		if e.Critical {
			return nil, srcErr(errs.CodeCriticalExtension, "single response extension %v", e.Id)
		}
	}

	// 7. Nonce echo.
	if ck.nonce != nil {
		if err := checkNonce(rd.Extensions, ck.nonce); err != nil {
			return nil, err
		}
	}

	// 6. Freshness.
	if single.ThisUpdate.After(ck.at.Add(ck.skew)) {
		return nil, srcErr(errs.CodeFutureResponse, "thisUpdate %s after %s",
			single.ThisUpdate.UTC().Format(time.RFC3339), ck.at.UTC().Format(time.RFC3339))
	}
	if rd.ProducedAt.After(ck.at.Add(ck.skew)) {
		return nil, srcErr(errs.CodeFutureResponse, "producedAt %s after %s",
			rd.ProducedAt.UTC().Format(time.RFC3339), ck.at.UTC().Format(time.RFC3339))
	}
	a := &Response{ProducedAt: rd.ProducedAt, ThisUpdate: single.ThisUpdate, NextUpdate: single.NextUpdate,
		Nonce: ck.nonce != nil}
	if signer != ck.issuer {
		// 5. Without id-pkix-ocsp-nocheck the responder's own status is
		// for the caller to check (NoCheck false).
		a.Responder, a.NoCheck = signer, ocspasn.HasNoCheck(signer)
	}
	if !single.NextUpdate.IsZero() {
		if single.NextUpdate.Before(single.ThisUpdate) {
			return nil, srcErr(errs.CodeMalformedResponse, "nextUpdate before thisUpdate")
		}
		if single.NextUpdate.Before(ck.at.Add(-ck.skew)) {
			return nil, srcErr(errs.CodeStaleResponse, "nextUpdate %s before %s",
				single.NextUpdate.UTC().Format(time.RFC3339), ck.at.UTC().Format(time.RFC3339))
		}
		a.expires = single.NextUpdate
	} else {
		a.expires = single.ThisUpdate.Add(ck.maxAge)
		if ck.at.Sub(single.ThisUpdate) > ck.maxAge+ck.skew {
			return nil, srcErr(errs.CodeStaleResponse, "no nextUpdate and thisUpdate %s older than %s",
				single.ThisUpdate.UTC().Format(time.RFC3339), ck.maxAge)
		}
	}

	switch {
	case bool(single.Good):
		a.Status = Good
	case bool(single.Unknown):
		a.Status = Unknown
	case !single.Revoked.Time.IsZero():
		a.Status = Revoked
		a.RevokedAt = single.Revoked.Time
		a.Reason = int(single.Revoked.Reason)
		if a.Reason == reasonCertificateHold {
			a.Status = Suspended
		}
	default:
		return nil, srcErr(errs.CodeMalformedResponse, "no certStatus")
	}
	return a, nil
}

// findSingle returns the single response whose CertID matches cert and
// issuer in full (hash algorithm, issuer name hash, issuer key hash,
// serial), whichever supported hash the responder used.
func findSingle(rs []ocspasn.SingleResponse, cert, issuer *x509.Certificate) (*ocspasn.SingleResponse, error) {
	if len(rs) == 0 {
		return nil, srcErr(errs.CodeMalformedResponse, "no single response")
	}
	key, err := ocspasn.KeyBits(issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: issuer key: %v", errs.BadInput, err)
	}
	for i := range rs {
		id := &rs[i].CertID
		h := ocspasn.HashFromOID(id.HashAlgorithm.Algorithm)
		if h == 0 || !h.Available() || id.Serial == nil {
			continue
		}
		if id.Serial.Cmp(cert.SerialNumber) == 0 &&
			bytes.Equal(id.NameHash, ocspasn.HashBytes(h, issuer.RawSubject)) &&
			bytes.Equal(id.KeyHash, ocspasn.HashBytes(h, key)) {
			return &rs[i], nil
		}
	}
	return nil, srcErr(errs.CodeCertIDMismatch, "serial %s", strings.ToUpper(hex.EncodeToString(cert.SerialNumber.Bytes())))
}

// responderMatches reports whether the ResponderID names c (byName [1] or
// byKey [2]: the SHA-1 of the subjectPublicKey).
func responderMatches(rid asn1.RawValue, c *x509.Certificate) bool {
	if rid.Class != asn1.ClassContextSpecific {
		return false
	}
	switch rid.Tag {
	case ocspasn.ResponderByName:
		return bytes.Equal(rid.Bytes, c.RawSubject)
	case ocspasn.ResponderByKey:
		var kh []byte
		if _, err := asn1.Unmarshal(rid.Bytes, &kh); err != nil {
			return false
		}
		sum, err := ocspasn.KeyHash(c)
		if err != nil {
			return false
		}
		return bytes.Equal(kh, sum[:])
	}
	return false
}

// findSigner returns the certificate that must have signed the response:
// the issuer when the ResponderID names it, else an embedded certificate
// the ResponderID names that the issuer issued, with id-kp-OCSPSigning,
// valid at the validation time.
func findSigner(rid asn1.RawValue, raw []asn1.RawValue, ck ocspCheck) (*x509.Certificate, error) {
	if responderMatches(rid, ck.issuer) {
		return ck.issuer, nil
	}
	var why string
	for _, r := range raw {
		c, err := x509.ParseCertificate(r.FullBytes)
		if err != nil {
			continue
		}
		if !responderMatches(rid, c) {
			continue
		}
		if !bytes.Equal(c.RawIssuer, ck.issuer.RawSubject) {
			why = "delegated responder not issued by the certificate's issuer"
			continue
		}
		if err := pathval.CheckSignatureFrom(c, ck.issuer, ck.allowSHA1); err != nil {
			why = "delegated responder certificate not signed by the issuer: " + err.Error()
			continue
		}
		eku := false
		for _, u := range c.ExtKeyUsage {
			if u == x509.ExtKeyUsageOCSPSigning {
				eku = true
			}
		}
		if !eku {
			why = "delegated responder certificate lacks id-kp-OCSPSigning"
			continue
		}
		if ck.at.Before(c.NotBefore) || ck.at.After(c.NotAfter) {
			why = "delegated responder certificate not valid at the validation time"
			continue
		}
		if len(c.UnhandledCriticalExtensions) > 0 {
			why = fmt.Sprintf("delegated responder certificate carries an unknown critical extension %v", c.UnhandledCriticalExtensions[0])
			continue
		}
		return c, nil
	}
	if why == "" {
		why = "responder is neither the issuer nor a certificate in the response"
	}
	return nil, srcErr(errs.CodeBadResponder, "%s", why)
}

func checkNonce(exts []pkix.Extension, nonce []byte) error {
	got, found, err := ocspasn.Nonce(exts)
	if !found {
		return srcErr(errs.CodeNonceMismatch, "no nonce in response")
	}
	if err != nil || len(got) < 1 || len(got) > 32 || !bytes.Equal(got, nonce) {
		return srcErr(errs.CodeNonceMismatch, "nonce differs")
	}
	return nil
}

var (
	sigAlgs = []struct {
		oid asn1.ObjectIdentifier
		alg x509.SignatureAlgorithm
	}{
		{sigalg.SHA1RSA, x509.SHA1WithRSA},
		{sigalg.SHA256RSA, x509.SHA256WithRSA},
		{sigalg.SHA384RSA, x509.SHA384WithRSA},
		{sigalg.SHA512RSA, x509.SHA512WithRSA},
		{sigalg.ECDSASHA1, x509.ECDSAWithSHA1},
		{sigalg.ECDSASHA256, x509.ECDSAWithSHA256},
		{sigalg.ECDSASHA384, x509.ECDSAWithSHA384},
		{sigalg.ECDSASHA512, x509.ECDSAWithSHA512},
		{sigalg.Ed25519, x509.PureEd25519},
	}
)

// signatureAlgorithm maps an AlgorithmIdentifier to crypto/x509's value.
func signatureAlgorithm(ai pkix.AlgorithmIdentifier) x509.SignatureAlgorithm {
	for _, s := range sigAlgs {
		if ai.Algorithm.Equal(s.oid) {
			return s.alg
		}
	}
	if ai.Algorithm.Equal(sigalg.RSAPSS) {
		var p struct {
			Hash pkix.AlgorithmIdentifier `asn1:"explicit,tag:0,optional"`
		}
		if _, err := asn1.Unmarshal(ai.Parameters.FullBytes, &p); err != nil {
			return x509.UnknownSignatureAlgorithm
		}
		switch ocspasn.HashFromOID(p.Hash.Algorithm) {
		case crypto.SHA256:
			return x509.SHA256WithRSAPSS
		case crypto.SHA384:
			return x509.SHA384WithRSAPSS
		case crypto.SHA512:
			return x509.SHA512WithRSAPSS
		}
	}
	return x509.UnknownSignatureAlgorithm
}

// CreateRequest returns the DER OCSP request for cert issued by issuer,
// with a CertID hashed with h (zero means SHA-1; SHA-256, SHA-384 and
// SHA-512 are supported) and, when nonce is true, a random 32-octet nonce
// (RFC 8954), returned for VerifyOptions.Nonce.
func CreateRequest(cert, issuer *x509.Certificate, h crypto.Hash, nonce bool) (der, nonceValue []byte, err error) {
	r, err := newOCSPRequest(cert, issuer, h, nonce)
	if err != nil {
		return nil, nil, err
	}
	return r.der, r.nonce, nil
}
