package qc

import (
	"crypto/x509"
	"fmt"
	"strings"
)

// String renders the status as readable lines under a heading, indented
// like the certificate text of certinfo and openssl, ending in a newline.
func (s Status) String() string {
	var b strings.Builder
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, "        "+format+"\n", args...)
	}
	b.WriteString("    Qualified certificate status (ETSI EN 319 412-5, EN 319 411-2):\n")
	st := &s.Statements
	if !s.Present {
		line("QCStatements: absent")
	} else {
		line("QCStatements: %d statement(s)", len(st.IDs))
	}
	switch {
	case s.EU:
		line("Qualified: yes, EU qualified certificate (QcCompliance)")
	case s.Qualified:
		line("Qualified: yes, under the legislation of %s (QcCompliance, QcCClegislation)", strings.Join(s.Legislation, ", "))
	default:
		line("Qualified: no (no QcCompliance)")
		if len(s.Legislation) > 0 {
			line("Legislation: %s", strings.Join(s.Legislation, ", "))
		}
	}
	if s.QSCD {
		line("QSCD: yes, private key in a qualified signature/seal creation device (QcSSCD)")
	} else {
		line("QSCD: not declared")
	}
	if len(s.Types) > 0 || st.Types != nil {
		names := make([]string, len(s.Types))
		for i, t := range s.Types {
			names[i] = t.String()
		}
		for _, id := range st.Types {
			if _, ok := typeFromOID(id); !ok {
				names = append(names, id.String())
			}
		}
		note := ""
		switch {
		case s.TypeImplied:
			note = " (implied: QcCompliance without QcType)"
		case s.Ambiguous():
			note = " (ambiguous: the trusted list decides)"
		}
		line("Type: %s%s", strings.Join(names, ", "), note)
	}
	if st.LimitValue != nil {
		line("Limit value: %s", st.LimitValue)
	}
	if st.RetentionPeriod != nil {
		line("Retention period: %d years", *st.RetentionPeriod)
	}
	for _, p := range st.PDS {
		line("PKI disclosure statement: %s (%s)", p.URL, p.Language)
	}
	if sem := st.Semantics; sem != nil {
		id := "none"
		if sem.ID != nil {
			id = semanticsName(sem.ID)
			if id != sem.ID.String() {
				id += " (" + sem.ID.String() + ")"
			}
		}
		line("Semantics (%s): %s", statementName(sem.Syntax), id)
		for _, n := range sem.NameRegistrationAuthorities {
			line("    name registration authority: %s", n)
		}
	}
	for _, u := range st.Unknown {
		line("Unknown statement: %s (%d bytes of info)", u.ID, len(u.Info))
	}
	if len(s.Policies) == 0 {
		line("Qualified policy: none")
	}
	for _, p := range s.Policies {
		line("Qualified policy: %s (%s)", p, p.OID())
	}
	return b.String()
}

// Text returns the readable qualified status of cert (Status.String).
// Errors are those of FromCertificate.
func Text(cert *x509.Certificate) (string, error) {
	st, err := FromCertificate(cert)
	if err != nil {
		return "", err
	}
	return st.String(), nil
}
