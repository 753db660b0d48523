package ocspasn

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
)

// ResponderName returns the ResponderID naming a responder by its DER
// subject.
func ResponderName(subject []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: ResponderByName, IsCompound: true, Bytes: subject}
}

// ResponderKey returns the ResponderID naming c by the SHA-1 of its key.
func ResponderKey(c *x509.Certificate) (asn1.RawValue, error) {
	sum, err := KeyHash(c)
	if err != nil {
		return asn1.RawValue{}, err
	}
	kh, err := asn1.Marshal(sum[:])
	if err != nil {
		return asn1.RawValue{}, err
	}
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: ResponderByKey, IsCompound: true, Bytes: kh}, nil
}

// MarshalStatus returns the DER OCSPResponse of an unsuccessful status
// (1 malformedRequest, 2 internalError, 3 tryLater, 5 sigRequired,
// 6 unauthorized), which has no response bytes.
func MarshalStatus(status int) ([]byte, error) {
	return asn1.Marshal(Response{Status: asn1.Enumerated(status)})
}

// MarshalBasic returns the DER of a successful OCSPResponse whose
// BasicResponse holds tbs (a DER ResponseData, as it was signed), the
// signature sig made with sigAlg, and certs.
func MarshalBasic(tbs []byte, sigAlg pkix.AlgorithmIdentifier, sig []byte, certs []*x509.Certificate) ([]byte, error) {
	b := BasicResponse{
		TBS:       asn1.RawValue{FullBytes: tbs},
		SigAlg:    sigAlg,
		Signature: asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)},
	}
	for _, c := range certs {
		b.Certs = append(b.Certs, asn1.RawValue{FullBytes: c.Raw})
	}
	basic, err := asn1.Marshal(b)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(Response{Bytes: ResponseBytes{Type: OIDBasic, Response: basic}})
}
