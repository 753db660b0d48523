package filestore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/csam-go/csam/journal/internal/filestore"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/api"
	"golang.org/x/mod/sumdb/note"
	"k8s.io/klog/v2"
)

// countingFS counts what a store asks of the file system: the syncs of
// every kind, the files opened with O_SYNC or O_DSYNC, and the writes to
// the log file (one per batch).
type countingFS struct {
	filestore.FS
	datasyncs, fsyncs, syncAlls, syncOpens, logWrites atomic.Int64
}

func (c *countingFS) OpenFile(name string, flag int, perm fs.FileMode) (filestore.File, error) {
	if flag&(os.O_SYNC|syscall.O_DSYNC) != 0 {
		c.syncOpens.Add(1)
	}
	f, err := c.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &countingFile{File: f, c: c, log: strings.HasSuffix(filepath.ToSlash(name), filestore.LogFile)}, nil
}

func (c *countingFS) SyncAll(dir string) error {
	c.syncAlls.Add(1)
	return c.FS.SyncAll(dir)
}

// counts returns the fdatasyncs, fsyncs, syncfs, O_SYNC opens and log
// writes so far.
func (c *countingFS) counts() [5]int64 {
	return [5]int64{c.datasyncs.Load(), c.fsyncs.Load(), c.syncAlls.Load(), c.syncOpens.Load(), c.logWrites.Load()}
}

type countingFile struct {
	filestore.File
	c   *countingFS
	log bool
}

func (f *countingFile) Write(b []byte) (int, error) {
	if f.log {
		f.c.logWrites.Add(1)
	}
	return f.File.Write(b)
}

func (f *countingFile) Sync() error {
	f.c.fsyncs.Add(1)
	return f.File.Sync()
}

func (f *countingFile) Datasync() error {
	f.c.datasyncs.Add(1)
	return f.File.Datasync()
}

func appender(t *testing.T, s *filestore.Store, batch uint) (*tessera.Appender, func(), tessera.LogReader) {
	t.Helper()
	skey, _, err := note.GenerateKey(nil, "csam.test/filestore")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	opts := tessera.NewAppendOptions().WithCheckpointSigner(signer).
		WithBatching(batch, 5*time.Millisecond).WithCheckpointInterval(100 * time.Millisecond)
	a, shutdown, r, err := tessera.NewAppender(ctx, s, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return a, func() {
		if err := shutdown(context.Background()); err != nil {
			t.Error(err)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
		cancel()
	}, r
}

// TestOneSyncPerBatch appends entries from concurrent callers through a
// file system that counts: while appending, the only syncs are one
// fdatasync of the log per batch (one write of the log), nothing is
// opened with O_SYNC, and batches hold several entries.
func TestOneSyncPerBatch(t *testing.T) {
	const n, batch = 2000, 64
	c := &countingFS{FS: filestore.OS}
	s := filestore.New(t.TempDir(), c)
	a, done, r := appender(t, s, batch)
	defer done()
	atOpen := c.counts()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := a.Add(context.Background(), tessera.NewEntry(fmt.Appendf(nil, "entry %d", i)))(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// The tiles, bundles and a checkpoint covering all are written too.
	for deadline := time.Now().Add(10 * time.Second); checkpointSize(t, r) < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint covering the entries")
		}
	}
	var d [5]int64
	for i, v := range c.counts() {
		d[i] = v - atOpen[i]
	}
	datasyncs, fsyncs, syncAlls, syncOpens, batches := d[0], d[1], d[2], d[3], d[4]
	t.Logf("%d entries: %d batches; %d fdatasync, %d fsync, %d syncfs, %d O_SYNC opens", n, batches, datasyncs, fsyncs, syncAlls, syncOpens)
	switch {
	case batches < n/batch || batches >= n:
		t.Errorf("%d batches for %d entries in batches of at most %d", batches, n, batch)
	case datasyncs != batches:
		t.Errorf("%d fdatasyncs for %d batches", datasyncs, batches)
	case fsyncs != 0 || syncAlls != 0 || syncOpens != 0:
		t.Errorf("syncs other than the log's fdatasync while appending")
	}
}

func checkpointSize(t *testing.T, r tessera.LogReader) uint64 {
	t.Helper()
	cp, err := r.ReadCheckpoint(context.Background())
	if err != nil {
		return 0
	}
	var origin string
	var size uint64
	fmt.Sscanf(string(cp), "%s\n%d\n", &origin, &size)
	return size
}

func TestMain(m *testing.M) {
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// failingFS fails the fdatasync of the log after the first ok ones.
type failingFS struct {
	filestore.FS
	ok atomic.Int64
}

var errDisk = errors.New("disk on fire")

func (f *failingFS) OpenFile(name string, flag int, perm fs.FileMode) (filestore.File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil || !strings.HasSuffix(filepath.ToSlash(name), filestore.LogFile) {
		return file, err
	}
	return &failingFile{File: file, fs: f}, nil
}

type failingFile struct {
	filestore.File
	fs *failingFS
}

func (f *failingFile) Datasync() error {
	if f.fs.ok.Add(-1) < 0 {
		return errDisk
	}
	return f.File.Datasync()
}

// TestSyncFails: when the log's fdatasync fails, the batch's entries get
// the error and the store refuses further entries; opened again, it holds
// every entry acknowledged before, at its index.
func TestSyncFails(t *testing.T) {
	dir := t.TempDir()
	f := &failingFS{FS: filestore.OS}
	f.ok.Store(3) // three batches
	s := filestore.New(dir, f)
	a, done, _ := appender(t, s, 1)
	ctx := context.Background()
	var acked []string
	for i := range 5 {
		e := fmt.Sprintf("entry %d", i)
		idx, err := a.Add(ctx, tessera.NewEntry([]byte(e)))()
		switch {
		case i < 3 && (err != nil || idx.Index != uint64(i)):
			t.Fatalf("entry %d: %v at %d", i, err, idx.Index)
		case i == 3 && !errors.Is(err, errDisk):
			t.Fatalf("entry 3: %v, want the sync's error", err)
		case i == 4 && !errors.Is(err, filestore.ErrClosed):
			t.Fatalf("entry 4: %v, want ErrClosed", err)
		case err == nil:
			acked = append(acked, e)
		}
	}
	done()
	s = filestore.New(dir, nil)
	a, done, r := appender(t, s, 1)
	defer done()
	idx, err := a.Add(ctx, tessera.NewEntry([]byte("after")))()
	if err != nil || idx.Index < uint64(len(acked)) {
		t.Fatalf("after reopening: %v at %d", err, idx.Index)
	}
	for deadline := time.Now().Add(10 * time.Second); checkpointSize(t, r) <= idx.Index; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint covering the entry")
		}
	}
	b, err := r.ReadEntryBundle(ctx, 0, uint8(idx.Index+1))
	if err != nil {
		t.Fatal(err)
	}
	var eb api.EntryBundle
	if err := eb.UnmarshalText(b); err != nil {
		t.Fatal(err)
	}
	for i, e := range acked {
		if string(eb.Entries[i]) != e {
			t.Fatalf("entry %d is %q, want %q", i, eb.Entries[i], e)
		}
	}
}
