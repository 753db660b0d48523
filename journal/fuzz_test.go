package journal_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/csam-go/csam/journal"
)

// FuzzReceipt parses and verifies arbitrary receipts: no panic, and every
// failure wraps ErrBadReceipt.
func FuzzReceipt(f *testing.F) {
	skey, vkey := newKey(f)
	ctx := context.Background()
	j, err := journal.OpenPOSIX(ctx, f.TempDir(), journal.Options{Key: skey})
	if err != nil {
		f.Fatal(err)
	}
	for i := range 3 {
		r, err := j.Append(ctx, entry(i))
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(r)
		f.Add(b)
	}
	if err := j.Close(ctx); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := journal.ParseReceipt(b)
		if err != nil {
			if !errors.Is(err, journal.ErrBadReceipt) {
				t.Fatalf("untyped: %v", err)
			}
			return
		}
		if _, _, err := journal.VerifyReceipt(r, vkey); err != nil && !errors.Is(err, journal.ErrBadReceipt) {
			t.Fatalf("untyped: %v", err)
		}
	})
}
