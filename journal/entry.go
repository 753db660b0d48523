package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/csam-go/csam/sign"
)

// Entry types.
const (
	// TypeMessage records an accepted signed message.
	TypeMessage = "message"
	// TypeRectification records the correction of an earlier entry (art. 9
	// of the règlement): the earlier entry stays as it is.
	TypeRectification = "rectification"
)

// MaxEntrySize bounds an entry's encoding, as C2SP tlog-tiles bounds an
// entry bundle's entries.
const MaxEntrySize = 1<<16 - 1

// Entry is one record of the journal: what was received, who signed it,
// when, what the verification said, and what it concerned. It is stored as
// its JSON encoding (the log's leaf data).
type Entry struct {
	// Type is TypeMessage or TypeRectification.
	Type string `json:"type"`
	// Digest is "sha256:" and the hexadecimal SHA-256 of the signed
	// message as received (the CMS signature, with its content when
	// enveloped).
	Digest string `json:"digest"`
	// ContentDigest is the same for the signed content alone.
	ContentDigest string `json:"content_digest,omitempty"`
	// Signer is the signer certificate's subject, SignerCertificate the
	// SHA-256 of the certificate.
	Signer            string `json:"signer,omitempty"`
	SignerCertificate string `json:"signer_certificate,omitempty"`
	// SigningTime and TimeSource as package sign found them.
	SigningTime time.Time `json:"signing_time,omitzero"`
	TimeSource  string    `json:"time_source,omitempty"`
	// ReceivedAt is when the service accepted the message.
	ReceivedAt time.Time `json:"received_at"`
	// Verdict is the verification verdict ("qualified", "advanced-qc",
	// "advanced"), Reasons why.
	Verdict string   `json:"verdict,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	// Application and Decision name the application the message concerned
	// and the decision taken on it.
	Application string `json:"application"`
	Decision    string `json:"decision"`
	// Rectifies is the index of the entry a rectification corrects, and
	// Reason why it is corrected.
	Rectifies *uint64 `json:"rectifies,omitempty"`
	Reason    string  `json:"reason,omitempty"`
}

// NewEntry makes the entry of an accepted message from its signature (as
// received) and its verification result.
func NewEntry(signature []byte, res *sign.Result, application, decision string, received time.Time) Entry {
	e := Entry{Type: TypeMessage, Digest: digest(signature), ReceivedAt: received.UTC(),
		Application: application, Decision: decision}
	if res != nil {
		e.ContentDigest = digest(res.Content)
		e.Signer = res.SignerSubject
		if res.Signer != nil {
			e.SignerCertificate = hex.EncodeToString(sha256Sum(res.Signer.Raw))
		}
		e.SigningTime, e.TimeSource = res.SigningTime.UTC(), res.TimeSource
		e.Verdict, e.Reasons = res.Verdict.String(), res.Reasons
	}
	return e
}

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func digest(b []byte) string { return "sha256:" + hex.EncodeToString(sha256Sum(b)) }

// Marshal returns the entry's leaf data.
func (e Entry) Marshal() ([]byte, error) {
	if e.Type != TypeMessage && e.Type != TypeRectification {
		return nil, fmt.Errorf("%w: entry type %q", errBadEntry, e.Type)
	}
	if (e.Type == TypeRectification) != (e.Rectifies != nil) {
		return nil, fmt.Errorf("%w: a rectification, and only it, names the entry it rectifies", errBadEntry)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadEntry, err)
	}
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%w: entry of %d bytes exceeds %d", errBadEntry, len(b), MaxEntrySize)
	}
	return b, nil
}

// ParseEntry decodes leaf data (strictly: unknown fields are refused).
func ParseEntry(b []byte) (Entry, error) {
	var e Entry
	if len(b) > MaxEntrySize {
		return e, fmt.Errorf("%w: entry of %d bytes exceeds %d", errBadEntry, len(b), MaxEntrySize)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil {
		return e, fmt.Errorf("%w: %v", errBadEntry, err)
	}
	if d.More() {
		return e, fmt.Errorf("%w: trailing data", errBadEntry)
	}
	if e.Type != TypeMessage && e.Type != TypeRectification {
		return e, fmt.Errorf("%w: entry type %q", errBadEntry, e.Type)
	}
	return e, nil
}
