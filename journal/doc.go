// Package journal keeps the durable, unmodifiable record of art. 8 of the
// règlement: every accepted signed message is an Entry (digest of the
// signed message, signer, times, verification verdict, the application and
// decision it concerned) in an append-only Merkle tree log in the C2SP
// tlog-tiles format, kept by github.com/transparency-dev/tessera on POSIX
// storage (a folder, the embedded default) or on MySQL/MariaDB (for services
// on several machines).
//
// Append returns a Receipt (the acknowledgement of receipt of art. 9): the
// entry's index, a signed checkpoint (C2SP tlog-checkpoint, Ed25519 signed
// note) and the entry's inclusion proof, which anyone holding the journal's
// verifier key checks offline with VerifyReceipt; VerifyConsistency checks
// that a later checkpoint extends an earlier one. Rectify records a
// correction as a new entry referencing the corrected one: nothing is
// rewritten. Audit and AuditLog check a whole stored log against its signed
// checkpoint and name the first entry changed, removed or reordered.
//
//	skey, vkey, err := journal.GenerateKey("csam.example/journal")
//	j, err := journal.Open(ctx, "journal-dir", journal.Options{Key: skey}) // or a "mysql:DSN" location
//	r, err := j.Append(ctx, journal.NewEntry(sig, res, "dimona", "accepted", time.Now()))
//	cp, e, err := journal.VerifyReceipt(r, vkey) // offline, by anyone holding vkey
//	rep, err := journal.AuditLog(ctx, "journal-dir", vkey) // names the first bad entry
//
// CheckReceipt proves that a later checkpoint extends a receipt's and
// still holds its entry. The command journal/cmd/signmsg uses the journal
// from the command line.
//
// This package is its own module (github.com/csam-go/csam/journal), so that
// tessera and its dependencies stay out of the go.sum of programs that
// use only the root module's packages.
package journal
