package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/csam-go/csam/internal/sigalg"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TSAClient requests RFC 3161 timestamps over HTTP. It implements
// Timestamper. The zero value of every field but URL is a documented
// default.
type TSAClient struct {
	// URL is the time-stamping authority's address.
	URL string
	// HTTP sends the request; nil means http.DefaultClient.
	HTTP x509check.Doer
	// Timeout bounds a request; zero means 15 seconds.
	Timeout time.Duration
	// MaxSize bounds the response; zero means 256 KiB.
	MaxSize int64
	// Policy, when set, is the TSA policy asked for (reqPolicy).
	Policy asn1.ObjectIdentifier
}

// Timestamp sends a TimeStampReq (with a random nonce, asking for the TSA
// certificate) and returns the token of a granted answer, after checking
// that it answers this request (imprint and nonce). The token's signature
// is checked by Verifier.Verify, not here. Errors wrap the Error of code "tsa".
func (c *TSAClient) Timestamp(ctx context.Context, digest []byte, h crypto.Hash) ([]byte, error) {
	oid := sigalg.HashOID(h)
	if oid == nil || len(digest) != h.Size() {
		return nil, errorf(errTSA, "digest of %d bytes for %v", len(digest), h)
	}
	nb := make([]byte, 8)
	if _, err := rand.Read(nb); err != nil {
		return nil, err
	}
	nonce := new(big.Int).SetBytes(nb)
	req, err := der(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(1)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				addAlgorithm(b, oid, true)
				b.AddASN1OctetString(digest)
			})
			if c.Policy != nil {
				b.AddASN1ObjectIdentifier(c.Policy)
			}
			b.AddASN1BigInt(nonce)
			b.AddASN1Boolean(true)
		})
	})
	if err != nil {
		return nil, err
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(req))
	if err != nil {
		return nil, errorf(errTSA, "%v", err)
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	var doer x509check.Doer = http.DefaultClient
	if c.HTTP != nil {
		doer = c.HTTP
	}
	resp, err := doer.Do(hr)
	if err != nil {
		return nil, errorf(errTSA, "%s: %v", c.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errorf(errTSA, "%s: HTTP %d", c.URL, resp.StatusCode)
	}
	max := c.MaxSize
	if max <= 0 {
		max = 256 << 10
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, errorf(errTSA, "%s: %v", c.URL, err)
	}
	if int64(len(body)) > max {
		return nil, errorf(errTSA, "%s: response larger than %d bytes", c.URL, max)
	}
	tok, err := parseTimeStampResp(body)
	if err != nil {
		return nil, err
	}
	sd, err := parseSignedData(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTSA, err)
	}
	info, err := parseTSTInfo(sd.content)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTSA, err)
	}
	if info.nonce == nil || info.nonce.Cmp(nonce) != 0 {
		return nil, errorf(errTSA, "the response does not carry the request's nonce")
	}
	if info.hash != h || !bytes.Equal(info.imprint, digest) {
		return nil, errorf(errTSA, "the response is a timestamp of other data")
	}
	return tok, nil
}

// parseTimeStampResp returns the token of a granted TimeStampResp.
func parseTimeStampResp(body []byte) ([]byte, error) {
	s := cryptobyte.String(body)
	var resp, status cryptobyte.String
	var code int
	if !s.ReadASN1(&resp, cbasn1.SEQUENCE) || !resp.ReadASN1(&status, cbasn1.SEQUENCE) || !status.ReadASN1Integer(&code) {
		return nil, errorf(errTSA, "malformed TimeStampResp")
	}
	if code != 0 && code != 1 { // granted, grantedWithMods
		return nil, errorf(errTSA, "the TSA refused the request (PKIStatus %d)", code)
	}
	var tok cryptobyte.String
	if !resp.ReadASN1Element(&tok, cbasn1.SEQUENCE) {
		return nil, errorf(errTSA, "granted response without a token")
	}
	return []byte(tok), nil
}

// tstInfo is the part of an RFC 3161 TSTInfo this package uses.
type tstInfo struct {
	policy  asn1.ObjectIdentifier
	hash    crypto.Hash
	imprint []byte
	serial  *big.Int
	genTime time.Time
	nonce   *big.Int
}

func parseTSTInfo(b []byte) (*tstInfo, error) {
	s := cryptobyte.String(b)
	var seq, mi, gt cryptobyte.String
	var version int
	ti := &tstInfo{serial: new(big.Int)}
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() || !seq.ReadASN1Integer(&version) || version != 1 ||
		!seq.ReadASN1ObjectIdentifier(&ti.policy) || !seq.ReadASN1(&mi, cbasn1.SEQUENCE) {
		return nil, errorf(errTimestamp, "malformed TSTInfo")
	}
	alg, err := readAlgorithm(&mi)
	if err != nil {
		return nil, err
	}
	var imp cryptobyte.String
	if ti.hash = sigalg.Hash(alg); ti.hash == 0 || !mi.ReadASN1(&imp, cbasn1.OCTET_STRING) {
		return nil, errorf(errTimestamp, "message imprint")
	}
	ti.imprint = []byte(imp)
	if !seq.ReadASN1Integer(ti.serial) || !seq.ReadASN1Element(&gt, cbasn1.GeneralizedTime) {
		return nil, errorf(errTimestamp, "serial number or genTime")
	}
	if ti.genTime, err = parseTime(gt); err != nil {
		return nil, fmt.Errorf("%w: genTime: %w", errTimestamp, err)
	}
	var skip cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&skip, &present, cbasn1.SEQUENCE) || // accuracy
		!seq.ReadOptionalASN1(&skip, &present, cbasn1.BOOLEAN) { // ordering
		return nil, errorf(errTimestamp, "accuracy or ordering")
	}
	if seq.PeekASN1Tag(cbasn1.INTEGER) {
		ti.nonce = new(big.Int)
		if !seq.ReadASN1Integer(ti.nonce) {
			return nil, errorf(errTimestamp, "nonce")
		}
	}
	return ti, nil
}

// Timestamp is a verified RFC 3161 timestamp.
type Timestamp struct {
	// Time is the token's genTime.
	Time time.Time `json:"time"`
	// Serial and Policy identify the token.
	Serial string `json:"serial"`
	Policy string `json:"policy"`
	// TSA is the TSA certificate's subject, Certificate the certificate.
	TSA         string            `json:"tsa"`
	Certificate *x509.Certificate `json:"-"`
	// Qualified is true when the trusted list names the TSA as a qualified
	// time-stamping service (QTST) granted at Time; Service is then its
	// name.
	Qualified bool   `json:"qualified"`
	Service   string `json:"service,omitempty"`
}

// verifyToken verifies a TimeStampToken: its CMS signature (by a
// certificate with the timeStamping extended key usage only), the
// message imprint (imprint returns the expected one for a hash), and the
// TSA's trust, from TSARoots at genTime or from a QTST service of the
// trusted list. Errors wrap an Error of code
// "bad-timestamp" or "timestamp-mismatch".
func (v *Verifier) verifyToken(tok []byte, imprint func(crypto.Hash) []byte) (*Timestamp, error) {
	sd, err := parseSignedData(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTimestamp, err)
	}
	if !sd.contentType.Equal(oidTSTInfo) || !sd.hasContent {
		return nil, errorf(errTimestamp, "the token's content is not a TSTInfo")
	}
	ck, err := v.checkSignedData(sd, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTimestamp, err)
	}
	info, err := parseTSTInfo(sd.content)
	if err != nil {
		return nil, err
	}
	if want := imprint(info.hash); !bytes.Equal(want, info.imprint) {
		return nil, errorf(errTimestampMismatch, "the timestamp's imprint %x is not the %v of the signature value (%x)", info.imprint, info.hash, want)
	}
	tsa := ck.signer
	if len(tsa.ExtKeyUsage) != 1 || tsa.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping {
		return nil, errorf(errTimestamp, "the TSA certificate %q lacks the sole timeStamping extended key usage", x509check.SubjectString(tsa))
	}
	if info.genTime.Before(tsa.NotBefore) || info.genTime.After(tsa.NotAfter) {
		return nil, errorf(errTimestamp, "the TSA certificate %q is not valid at the timestamp's time %s",
			x509check.SubjectString(tsa), info.genTime.UTC().Format(time.RFC3339))
	}
	ts := &Timestamp{Time: info.genTime, Serial: info.serial.Text(16), Policy: info.policy.String(),
		TSA: x509check.SubjectString(tsa), Certificate: tsa}
	if v.opts.TrustedList != nil {
		ts.Qualified, ts.Service = qtst(v.opts.TrustedList, tsa, ck.certs, info.genTime)
	}
	trusted := ts.Qualified
	if !trusted && v.tsaRoots != nil {
		if err := v.verifyTSA(tsa, ck.certs, info.genTime); err != nil {
			return nil, errorf(errTimestamp, "TSA certificate %q: %v", ts.TSA, err)
		}
		trusted = true
	}
	if !trusted {
		return nil, errorf(errTimestamp, "TSA %q is neither under a TSA root nor a QTST service of the trusted list", ts.TSA)
	}
	return ts, nil
}

// tsaPath is the period in which every certificate of a TSA path verified
// under TSARoots is valid.
type tsaPath struct{ from, until time.Time }

// verifyTSA verifies a path from the TSA certificate to TSARoots, with the
// token's certificates as intermediates, at the time at. A path verified
// once is kept, by the SHA-256 of the TSA certificate and of the token's
// certificates, with the period in which all its certificates are valid:
// within it, the same certificates verify again (nothing else of the
// verification depends on the time), so they are not verified again.
func (v *Verifier) verifyTSA(tsa *x509.Certificate, certs []*x509.Certificate, at time.Time) error {
	h := sha256.New()
	for _, c := range append([]*x509.Certificate{tsa}, certs...) {
		s := sha256.Sum256(c.Raw)
		h.Write(s[:])
	}
	key := string(h.Sum(nil))
	v.mu.Lock()
	p, ok := v.tsaPaths[key]
	v.mu.Unlock()
	if ok && !at.Before(p.from) && !at.After(p.until) {
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range certs {
		inter.AddCert(c)
	}
	chains, err := tsa.Verify(x509.VerifyOptions{Roots: v.tsaRoots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
	if err != nil {
		return err
	}
	p = tsaPath{from: chains[0][0].NotBefore, until: chains[0][0].NotAfter}
	for _, c := range chains[0][1:] {
		if c.NotBefore.After(p.from) {
			p.from = c.NotBefore
		}
		if c.NotAfter.Before(p.until) {
			p.until = c.NotAfter
		}
	}
	v.mu.Lock()
	if len(v.tsaPaths) >= certCacheMax {
		clear(v.tsaPaths)
	}
	v.tsaPaths[key] = p
	v.mu.Unlock()
	return nil
}

// qtst reports whether a qualified time-stamping service of l, granted at
// t, has the key of the TSA certificate or of a certificate that issued
// it.
func qtst(l *tl.List, tsa *x509.Certificate, certs []*x509.Certificate, t time.Time) (bool, string) {
	cands := []*x509.Certificate{tsa}
	for _, c := range certs {
		if c != tsa && tsa.CheckSignatureFrom(c) == nil {
			cands = append(cands, c)
		}
	}
	for _, s := range l.Services() {
		inst := s.At(t)
		if inst == nil || inst.Type != tl.SvcTypeQTST || !inst.Granted() {
			continue
		}
		for _, c := range cands {
			if inst.Identity.Matches(c) {
				return true, inst.Name.String()
			}
		}
	}
	return false, ""
}
