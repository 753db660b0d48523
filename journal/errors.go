package journal

import (
	"errors"
	"fmt"

	"github.com/csam-go/csam/journal/internal/filestore"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrBadEntry is returned for an entry that cannot be encoded or
	// decoded.
	ErrBadEntry = errors.New("journal: bad entry")
	// ErrBadReceipt is returned for a receipt that is malformed, whose
	// checkpoint is not signed by the journal's key, or whose inclusion
	// proof does not lead to the checkpoint's root.
	ErrBadReceipt = errors.New("journal: receipt does not verify")
	// ErrInconsistent is returned when a later checkpoint does not extend
	// an earlier one (consistency proof).
	ErrInconsistent = errors.New("journal: checkpoints are not consistent")
	// ErrTampered is returned by Audit when the stored log does not match
	// its signed checkpoint (a *TamperedError wraps it).
	ErrTampered = errors.New("journal: log tampered with")
	// ErrNotFound is returned for an index past the log's size.
	ErrNotFound = errors.New("journal: no such entry")
	// ErrLocked is returned by OpenPOSIX for a folder another process
	// (or another Journal) has open.
	ErrLocked = filestore.ErrLocked
)

// TamperedError names the first entry found bad by Audit.
type TamperedError struct {
	// Index is the first bad entry's index; Known is false when the fault
	// is found in the tree above the entries and cannot be pinned to one
	// entry (Index is then the first entry of the range at fault).
	Index uint64
	Known bool
	// Reason says what is wrong.
	Reason string
}

func (e *TamperedError) Error() string {
	if !e.Known {
		return fmt.Sprintf("journal: log tampered with at or after entry %d: %s", e.Index, e.Reason)
	}
	return fmt.Sprintf("journal: log tampered with: entry %d: %s", e.Index, e.Reason)
}

// Unwrap returns ErrTampered.
func (e *TamperedError) Unwrap() error { return ErrTampered }
