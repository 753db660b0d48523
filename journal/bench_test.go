package journal_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/journal"
	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"
)

// BenchmarkAppend appends b.N entries to a POSIX journal from 512
// concurrent callers (each waits for its receipt), with the default
// batching; the entries/s metric is the sustained rate, receipts included.
func BenchmarkAppend(b *testing.B) {
	skey, _ := newKey(b)
	ctx := context.Background()
	j, err := journal.OpenPOSIX(ctx, b.TempDir(), journal.Options{Key: skey})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close(ctx)
	sem := make(chan struct{}, 2048)
	var wg sync.WaitGroup
	start := time.Now()
	b.ResetTimer()
	for i := range b.N {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if _, err := j.Append(ctx, entry(i)); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "entries/s")
}

// BenchmarkVerifyInclusion verifies the inclusion proof of an entry in a
// log of 1,000,000 entries: the Merkle proof alone, and the whole offline
// receipt check (checkpoint signature, proof, entry decoding).
func BenchmarkVerifyInclusion(b *testing.B) {
	const size = 1_000_000
	tree := testonly.New(rfc6962.DefaultHasher)
	leaf := make([]byte, 8)
	hashes := make([][]byte, 0, size)
	for i := range uint64(size) {
		binary.BigEndian.PutUint64(leaf, i)
		h := sha256.Sum256(leaf) // stand-ins for leaf hashes
		hashes = append(hashes, h[:])
	}
	const index = 765_432
	data, err := entry(index).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	hashes[index] = rfc6962.DefaultHasher.HashLeaf(data)
	tree.Append(hashes...)
	p, err := tree.InclusionProof(index, size)
	if err != nil {
		b.Fatal(err)
	}
	skey, vkey := newKey(b)
	signer, err := note.NewSigner(skey)
	if err != nil {
		b.Fatal(err)
	}
	cp := log.Checkpoint{Origin: signer.Name(), Size: size, Hash: tree.Hash()}
	signed, err := note.Sign(&note.Note{Text: string(cp.Marshal())}, signer)
	if err != nil {
		b.Fatal(err)
	}
	r := &journal.Receipt{Index: index, Entry: data, Checkpoint: string(signed), Proof: p}
	root, lh := tree.Hash(), hashes[index]
	b.Run("merkle-proof", func(b *testing.B) {
		for b.Loop() {
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, lh, p, root); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("receipt", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := journal.VerifyReceipt(r, vkey); err != nil {
				b.Fatal(err)
			}
		}
	})
}
