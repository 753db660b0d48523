package journal

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// MaxReceiptSize bounds a receipt's JSON encoding.
const MaxReceiptSize = 1 << 20

// Receipt is the acknowledgement of receipt of art. 9: the entry's index
// and data, a signed checkpoint (C2SP tlog-checkpoint) and the inclusion
// proof of the entry in the checkpoint's tree. Anyone holding it and the
// journal's verifier key checks it offline with VerifyReceipt.
type Receipt struct {
	Index      uint64   `json:"index"`
	Entry      []byte   `json:"entry"`
	Checkpoint string   `json:"checkpoint"`
	Proof      [][]byte `json:"inclusion_proof"`
}

// ParseReceipt decodes a receipt's JSON (strictly, at most
// MaxReceiptSize bytes). It does not verify it.
func ParseReceipt(b []byte) (*Receipt, error) {
	if len(b) > MaxReceiptSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrBadReceipt, len(b), MaxReceiptSize)
	}
	var r Receipt
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadReceipt, err)
	}
	if d.More() {
		return nil, fmt.Errorf("%w: trailing data", ErrBadReceipt)
	}
	if len(r.Proof) > 64 {
		return nil, fmt.Errorf("%w: inclusion proof of %d hashes", ErrBadReceipt, len(r.Proof))
	}
	return &r, nil
}

// VerifyReceipt checks a receipt offline with the journal's verifier key:
// the checkpoint's signature and origin, and the inclusion proof of the
// entry in the checkpoint's tree. It returns the checkpoint and the entry.
// Errors wrap ErrBadReceipt.
func VerifyReceipt(r *Receipt, vkey string) (*log.Checkpoint, Entry, error) {
	cp, err := parseCheckpoint([]byte(r.Checkpoint), vkey)
	if err != nil {
		return nil, Entry{}, err
	}
	if r.Index >= cp.Size {
		return nil, Entry{}, fmt.Errorf("%w: index %d outside the checkpoint's tree of size %d", ErrBadReceipt, r.Index, cp.Size)
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(r.Entry)
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, r.Index, cp.Size, leaf, r.Proof, cp.Hash); err != nil {
		return nil, Entry{}, fmt.Errorf("%w: inclusion proof: %v", ErrBadReceipt, err)
	}
	e, err := ParseEntry(r.Entry)
	if err != nil {
		return nil, Entry{}, fmt.Errorf("%w: %w", ErrBadReceipt, err)
	}
	return cp, e, nil
}

// VerifyConsistency checks offline that the checkpoint newer extends
// older (both signed with vkey's key), with the consistency proof from
// Journal.Consistency. Errors wrap ErrBadReceipt (a checkpoint that does
// not verify) or ErrTampered (newer does not extend older).
func VerifyConsistency(older, newer []byte, p [][]byte, vkey string) error {
	a, err := parseCheckpoint(older, vkey)
	if err != nil {
		return err
	}
	b, err := parseCheckpoint(newer, vkey)
	if err != nil {
		return err
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, a.Size, b.Size, p, a.Hash, b.Hash); err != nil {
		return fmt.Errorf("%w: sizes %d and %d: %v", errInconsistent, a.Size, b.Size, err)
	}
	return nil
}

func parseCheckpoint(raw []byte, vkey string) (*log.Checkpoint, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("%w: verifier key: %v", ErrBadReceipt, err)
	}
	cp, _, _, err := log.ParseCheckpoint(raw, v.Name(), v)
	if err != nil {
		return nil, fmt.Errorf("%w: checkpoint: %v", ErrBadReceipt, err)
	}
	return cp, nil
}
