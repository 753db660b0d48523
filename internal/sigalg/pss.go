package sigalg

import (
	"crypto"
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// PSSParams are the fields of RSASSA-PSS-params (RFC 4055 section 3.1),
// the defaults filled in: SHA-1, MGF1 with SHA-1, salt 20, trailer 1.
type PSSParams struct {
	Hash       crypto.Hash // zero for a hash identifier not known
	MGFHash    crypto.Hash // MGF1's hash, zero for one not known
	SaltLength int64
	Trailer    int64
}

// PSSError is why RSASSA-PSS parameters could not be read.
type PSSError struct {
	// Unsupported is set when the encoding is sound but names a mask
	// generation function other than MGF1; otherwise it is malformed.
	Unsupported bool
	Msg         string
}

func (e *PSSError) Error() string { return e.Msg }

// ParsePSS reads the DER of RSASSA-PSS-params. It checks the encoding
// only: which hash, salt and trailer are acceptable is the caller's policy.
func ParsePSS(params []byte) (PSSParams, error) {
	p := PSSParams{Hash: crypto.SHA1, MGFHash: crypto.SHA1, SaltLength: 20, Trailer: 1}
	s := cryptobyte.String(params)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() {
		return p, &PSSError{Msg: "RSASSA-PSS parameters"}
	}
	var el cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&el, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return p, &PSSError{Msg: "RSASSA-PSS hash"}
	}
	if present {
		h, ok := readHashAlgorithm(&el)
		if !ok {
			return p, &PSSError{Msg: "algorithm identifier"}
		}
		p.Hash = h
	}
	if !seq.ReadOptionalASN1(&el, &present, cbasn1.Tag(1).ContextSpecific().Constructed()) {
		return p, &PSSError{Msg: "RSASSA-PSS mask generation"}
	}
	if present {
		var mgf, oid cryptobyte.String
		if !el.ReadASN1(&mgf, cbasn1.SEQUENCE) || !readOID(&mgf, &oid) || string(oid) != mgf1DER {
			return p, &PSSError{Unsupported: true, Msg: "RSASSA-PSS mask generation other than MGF1"}
		}
		h, ok := readHashAlgorithm(&mgf)
		if !ok {
			return p, &PSSError{Msg: "algorithm identifier"}
		}
		p.MGFHash = h
	}
	if !seq.ReadOptionalASN1(&el, &present, cbasn1.Tag(2).ContextSpecific().Constructed()) ||
		(present && !el.ReadASN1Int64WithTag(&p.SaltLength, cbasn1.INTEGER)) {
		return p, &PSSError{Msg: "RSASSA-PSS salt length"}
	}
	if !seq.ReadOptionalASN1(&el, &present, cbasn1.Tag(3).ContextSpecific().Constructed()) ||
		(present && !el.ReadASN1Int64WithTag(&p.Trailer, cbasn1.INTEGER)) {
		return p, &PSSError{Msg: "RSASSA-PSS trailer"}
	}
	return p, nil
}

// readHashAlgorithm reads an AlgorithmIdentifier of a hash; its parameters
// (NULL or absent) are not interpreted. The hash is zero when not known.
func readHashAlgorithm(s *cryptobyte.String) (crypto.Hash, bool) {
	var alg, oid cryptobyte.String
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !readOID(&alg, &oid) {
		return 0, false
	}
	for _, h := range hashDER {
		if h.der == string(oid) {
			return h.hash, true
		}
	}
	return 0, true
}

// readOID reads an OBJECT IDENTIFIER, checked as cryptobyte's
// ReadASN1ObjectIdentifier checks it, into its content octets: the known
// ones are compared without allocating.
func readOID(s *cryptobyte.String, content *cryptobyte.String) bool {
	in := *s
	if !in.ReadASN1(content, cbasn1.OBJECT_IDENTIFIER) {
		return false
	}
	if string(*content) != mgf1DER {
		known := false
		for _, h := range hashDER {
			known = known || h.der == string(*content)
		}
		if !known {
			var o asn1.ObjectIdentifier
			if !s.ReadASN1ObjectIdentifier(&o) {
				return false
			}
		}
	}
	*s = in
	return true
}

func contentOf(o asn1.ObjectIdentifier) string {
	der, err := asn1.Marshal(o)
	if err != nil {
		panic("sigalg: object identifier " + o.String() + ": " + err.Error())
	}
	s := cryptobyte.String(der)
	var c cryptobyte.String
	if !s.ReadASN1(&c, cbasn1.OBJECT_IDENTIFIER) {
		panic("sigalg: object identifier " + o.String())
	}
	return string(c)
}

var (
	mgf1DER = contentOf(MGF1)
	hashDER = func() []struct {
		der  string
		hash crypto.Hash
	} {
		out := make([]struct {
			der  string
			hash crypto.Hash
		}, len(hashOIDs))
		for i, h := range hashOIDs {
			out[i].der, out[i].hash = contentOf(h.oid), h.hash
		}
		return out
	}()
)
