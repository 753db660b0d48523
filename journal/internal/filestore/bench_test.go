package filestore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/journal/internal/filestore"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/mod/sumdb/note"
)

// BenchmarkDrivers appends b.N entries from 512 concurrent callers, each
// waiting until its entry is durably sequenced, with batches of at most
// 256 entries: this driver and tessera's storage/posix side by side.
func BenchmarkDrivers(b *testing.B) {
	skey, _, err := note.GenerateKey(nil, "csam.test/filestore")
	if err != nil {
		b.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []struct {
		name string
		new  func(ctx context.Context, dir string) (tessera.Driver, func() error)
	}{
		{"filestore", func(_ context.Context, dir string) (tessera.Driver, func() error) {
			s := filestore.New(dir, nil)
			return s, s.Close
		}},
		{"tessera-posix", func(ctx context.Context, dir string) (tessera.Driver, func() error) {
			s, err := posix.New(ctx, posix.Config{Path: dir})
			if err != nil {
				b.Fatal(err)
			}
			return s, func() error { return nil }
		}},
	} {
		b.Run(d.name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			drv, closeDrv := d.new(ctx, b.TempDir())
			opts := tessera.NewAppendOptions().WithCheckpointSigner(signer).
				WithBatching(256, 10*time.Millisecond).WithCheckpointInterval(100 * time.Millisecond)
			a, shutdown, _, err := tessera.NewAppender(ctx, drv, opts)
			if err != nil {
				b.Fatal(err)
			}
			sem := make(chan struct{}, 512)
			var wg sync.WaitGroup
			start := time.Now()
			b.ResetTimer()
			for i := range b.N {
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					if _, err := a.Add(ctx, tessera.NewEntry(fmt.Appendf(nil, "entry %d", i)))(); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "entries/s")
			b.StopTimer()
			if err := shutdown(ctx); err != nil {
				b.Error(err)
			}
			if err := closeDrv(); err != nil {
				b.Error(err)
			}
		})
	}
}
