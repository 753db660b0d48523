// Package qc reads what an X.509 certificate says about its qualified
// status: the QCStatements extension of ETSI EN 319 412-5 (QcCompliance,
// QcLimitValue, QcRetentionPeriod, QcSSCD, QcPDS, QcType, QcCClegislation
// and the RFC 3739 semantics information) and the qualified certificate
// policies of ETSI EN 319 411-2 (QCP-n, QCP-l, QCP-n-qscd, QCP-l-qscd,
// QCP-w).
//
// FromCertificate gives a Status; Status.String and Text render it
// (package x509check/certtext appends it to a full certificate text). The
// package is generic: national
// policies (such as the Belgian eID ones) are left to the caller, and a
// trusted list may override what the certificate declares.
//
// Malformed extensions give a [DecodeError], which matches [ErrMalformed].
// QcCompliance without QcType means esign; unknown statements are kept
// raw.
//
//	st, err := qc.FromCertificate(cert) // errors.Is(err, qc.ErrMalformed) on bad DER
//	if st.Qualified && st.QSCD && st.Has(qc.TypeESign) { /* qualified signature certificate */ }
//	txt, err := qc.Text(cert)            // the qualified status section
//	txt, err = certtext.Text(cert)       // x509check/certtext: certinfo's full text, then that section
package qc
