package crl

// Test-only access to unexported names for the external tests.

var IsSHA1 = isSHA1

// LookupBytes is Lookup with the serial given as the content octets of
// its DER INTEGER encoding.
func (ix *Index) LookupBytes(serial []byte) (Entry, bool) {
	return ix.entryAt(ix.find(serial, nil, nil, false))
}

// BuildIndex parses the CRL in data (DER, or PEM "X509 CRL") and indexes
// its revoked serial numbers. It checks the structure of the whole CRL but
// neither its signature nor its extensions: use Parse and CRL.Verify for
// that. Errors are [MalformedError].
func BuildIndex(data []byte) (*Index, error) {
	der, err := derBytes(data)
	if err != nil {
		return nil, err
	}
	r, err := parseOuter(der)
	if err != nil {
		return nil, err
	}
	return buildIndex(r.revoked)
}
