// Package journal keeps the durable, unmodifiable record of art. 8 of the
// règlement: every accepted signed message is an Entry (digest of the
// signed message, signer, times, verification verdict, the application and
// decision it concerned) in an append-only Merkle tree log in the C2SP
// tlog-tiles format, appended through github.com/transparency-dev/tessera,
// kept in a folder (the embedded default, OpenPOSIX) or in MySQL/MariaDB
// (for services on several machines, OpenMySQL, on tessera's MySQL
// storage).
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
// # The folder
//
// A journal folder holds:
//
//   - .journal/log: every entry, in index order, as a length-prefixed
//     record with a CRC-32C of its index and content. Entries are written
//     in batches (Options.BatchMaxSize, BatchMaxAge); a batch is durable,
//     and its entries get their indices, after one fdatasync of this file,
//     the only sync of a batch.
//   - checkpoint, tile/... and tile/entries/...: the signed checkpoint,
//     hash tiles and entry bundles of the tlog-tiles layout, which any
//     tlog-tiles client reads (serve the folder over HTTP as it is). They
//     are derived from the log and written without sync, each file
//     replaced atomically.
//   - .journal/state: the tree size up to which those files are known to
//     be on disk, synced when the journal is opened and closed.
//
// Opening a folder left by a killed process or a power loss cuts a torn
// last record off the log (kept in .journal/torn-OFFSET), rebuilds the
// tlog-tiles files the state file does not vouch for, and publishes a
// checkpoint for the whole log; it refuses (ErrTampered) a log that lost
// entries its checkpoint commits to. One process opens a folder at a time
// (ErrLocked otherwise); AuditLog and CheckReceipt read it at any time, and
// the audit of a folder also checks the log against the entry bundles.
// A folder written by tessera's own POSIX storage (earlier versions of this
// package) is converted on its first opening: its entries are copied into a
// new log, the tiles and checkpoint stay the same.
//
// This package is its own module (github.com/csam-go/csam/journal), so that
// tessera and its dependencies stay out of the go.sum of programs that
// use only the root module's packages.
package journal
