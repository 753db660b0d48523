package journal_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/csam-go/csam/journal"
)

// A service records two accepted messages and a rectification; the sender
// of the first checks its receipt offline with the journal's verifier key.
func Example() {
	dir, err := os.MkdirTemp("", "journal-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	skey, vkey, err := journal.GenerateKey("csam.example/journal")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	j, err := journal.OpenPOSIX(ctx, dir, journal.Options{Key: skey})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	first, err := j.Append(ctx, journal.Entry{Type: journal.TypeMessage, Digest: "sha256:00", ReceivedAt: at,
		Verdict: "qualified", Application: "dimona", Decision: "declaration accepted"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fix := journal.Entry{Type: journal.TypeMessage, Digest: "sha256:00", ReceivedAt: at,
		Verdict: "qualified", Application: "dimona", Decision: "declaration accepted, start date 2026-12-04"}
	if _, err := j.Rectify(ctx, first.Index, fix, "start date misread"); err != nil {
		fmt.Println(err)
		return
	}
	rep, err := j.Audit(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	j.Close(ctx)

	cp, e, err := journal.VerifyReceipt(first, vkey)
	fmt.Println(first.Index, cp.Origin, e.Decision, err)
	fmt.Println(rep.Size, rep.Messages, rep.Rectifications)
	// Output:
	// 0 csam.example/journal declaration accepted <nil>
	// 2 1 1
}
