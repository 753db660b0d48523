package journal

import (
	"errors"
	"fmt"

	"github.com/csam-go/csam/journal/internal/filestore"
)

// The verdicts callers branch on, matched with errors.Is.
var (
	// ErrBadReceipt is returned when a receipt is malformed, its checkpoint
	// is not signed by the journal's key, or its inclusion proof does not
	// lead to the checkpoint's root.
	ErrBadReceipt = errors.New("journal: receipt does not verify")
	// ErrTampered is returned when the stored log does not match its
	// signed checkpoint (a [*TamperedError] names the first bad entry when
	// it can), or when a later checkpoint does not extend an earlier one
	// (consistency proof): the log was rewritten.
	ErrTampered = errors.New("journal: log tampered with")
	// ErrLocked is returned by [OpenPOSIX] when another process (or
	// another [Journal]) has the folder open.
	ErrLocked = filestore.ErrLocked
)

var (
	// errBadEntry: an entry that cannot be encoded or decoded.
	errBadEntry = errors.New("journal: bad entry")
	// errInconsistent: a later checkpoint does not extend an earlier one.
	errInconsistent = fmt.Errorf("%w: checkpoints are not consistent", ErrTampered)
	// errNotFound: an index past the log's size.
	errNotFound = errors.New("journal: no such entry")
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

// Unwrap returns [ErrTampered].
func (e *TamperedError) Unwrap() error { return ErrTampered }
