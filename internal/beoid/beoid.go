// Package beoid is the one table of the Belgian eID certificate policy
// identifiers: the policy each root generation writes into the citizen,
// foreigner and National Register (RRN) certificates, and into its own
// Citizen CA certificate.
//
// Under Root CA to CA4 the policies hang under one arc per generation
// (.2.1 citizen signature, .2.2 citizen authentication, .7.1 and .7.2 the
// foreigner ones, .4 RRN, .2 the Citizen CA). Under CA6 the digit order
// flips: .1.1.1000 is authentication, .1.2.1000 signature.
//
// x509check classifies certificates with it; the virtual card and the test
// PKI write it. The classification tests keep the OIDs as literals, an
// independent check of this table.
package beoid

import "encoding/asn1"

// Kind is what a policy says a certificate is.
type Kind uint8

// The kinds, in the order of x509check.BelgianType (whose zero value is
// "not Belgian").
const (
	CitizenAuthentication Kind = iota + 1
	CitizenSignature
	ForeignerAuthentication
	ForeignerSignature
	RRN
	// CitizenCA is the policy of a Citizen CA certificate itself; the
	// classification of end-entity certificates does not use it.
	CitizenCA
)

// Generations of the Belgian eID roots, oldest first.
const (
	RootCA = "Root CA"
	CA2    = "CA2"
	CA3    = "CA3"
	CA4    = "CA4"
	CA6    = "CA6"
)

// Policy is one row of the table.
type Policy struct {
	OID        asn1.ObjectIdentifier
	Generation string // RootCA, CA2, CA3, CA4 or CA6
	Kind       Kind
}

// Policies returns the table: a new slice on each call.
func Policies() []Policy {
	var out []Policy
	for _, g := range []struct {
		gen string
		arc asn1.ObjectIdentifier
	}{
		{RootCA, asn1.ObjectIdentifier{2, 16, 56, 1, 1, 1}},
		{CA2, asn1.ObjectIdentifier{2, 16, 56, 9, 1, 1}},
		{CA3, asn1.ObjectIdentifier{2, 16, 56, 10, 1, 1}},
		{CA4, asn1.ObjectIdentifier{2, 16, 56, 12, 1, 1}},
	} {
		out = append(out,
			Policy{under(g.arc, 2, 1), g.gen, CitizenSignature},
			Policy{under(g.arc, 2, 2), g.gen, CitizenAuthentication},
			Policy{under(g.arc, 7, 1), g.gen, ForeignerSignature},
			Policy{under(g.arc, 7, 2), g.gen, ForeignerAuthentication},
			Policy{under(g.arc, 4), g.gen, RRN},
			Policy{under(g.arc, 2), g.gen, CitizenCA},
		)
	}
	ca6 := asn1.ObjectIdentifier{2, 16, 56, 13, 6}
	return append(out,
		Policy{under(ca6, 1, 2, 1000), CA6, CitizenSignature},
		Policy{under(ca6, 1, 1, 1000), CA6, CitizenAuthentication},
		Policy{under(ca6, 2, 2, 1000), CA6, ForeignerSignature},
		Policy{under(ca6, 2, 1, 1000), CA6, ForeignerAuthentication},
		Policy{under(ca6, 0, 1), CA6, RRN},
		Policy{under(ca6, 1), CA6, CitizenCA},
	)
}

// OID returns the policy of kind k under generation gen, or nil when the
// table has none.
func OID(gen string, k Kind) asn1.ObjectIdentifier {
	for _, p := range Policies() {
		if p.Generation == gen && p.Kind == k {
			return p.OID
		}
	}
	return nil
}

func under(arc asn1.ObjectIdentifier, sub ...int) asn1.ObjectIdentifier {
	return append(append(asn1.ObjectIdentifier{}, arc...), sub...)
}
