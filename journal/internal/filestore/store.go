// Package filestore is a tessera storage driver for a folder, made for the
// journal's durability at a low cost: one fdatasync(2) per batch of
// entries.
//
// Every entry is appended, in index order, to one log file (.journal/log,
// length-prefixed, checksummed records: see RecordReader); the batch is
// acknowledged (its indices assigned) once that file is synced, which is
// the only sync of the batch. The entry bundles, tiles and checkpoint that
// the C2SP tlog-tiles layout defines are then written beside it (each file
// replaced atomically by a rename) without sync: they are derived from the
// log, and rebuilt from it when they are behind. A state file
// (.journal/state), synced when the store is opened and closed, names the
// tree size up to which they are known to be durable; opening a store cut
// short (a killed process, a power loss) truncates a torn last record and
// rebuilds the tlog-tiles files from that size on.
//
// A folder written by tessera's storage/posix driver (no log, a
// .state/treeState file) is converted on its first opening: its entries
// are copied from the entry bundles into a new log, and the same tiles and
// checkpoint follow from them.
package filestore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/api/layout"
)

// Paths inside the folder.
const (
	// StateDir holds the log and the state file.
	StateDir = ".journal"
	// LogFile is the log of entries, relative to the folder.
	LogFile   = StateDir + "/log"
	stateFile = StateDir + "/state"
	// tesseraState is the tree state of tessera's POSIX driver.
	tesseraState = ".state/treeState"
)

// ErrCorrupt is returned when a store cannot be opened because its files
// contradict each other (a log shorter than its state or its published
// checkpoint).
var ErrCorrupt = errors.New("filestore: store corrupt")

// ErrClosed is returned for entries added after Close, or after a write
// to the log failed.
var ErrClosed = errors.New("filestore: store closed")

// Store is a tessera driver for a folder. It is used by one
// tessera.NewAppender at a time, and one process (it locks the .journal
// folder).
type Store struct {
	dir string
	fs  FS

	lock    File // the .journal folder, locked
	log     File
	logSize int64

	// mu serialises the batches, the recovery and Close.
	mu     sync.Mutex
	tree   *tree
	next   atomic.Uint64 // entries in the log
	closed bool
	failed error
	saved  uint64 // the tree size of the state file

	q *queue

	// stateMu guards the integrated tree size and root the publisher reads.
	stateMu sync.Mutex
	size    uint64
	root    []byte
	grown   chan struct{}

	stop    chan struct{}
	done    sync.WaitGroup
	openErr error
}

// OpenError returns the error the last Appender call failed with (which
// tessera.NewAppender returns as text only).
func (s *Store) OpenError() error { return s.openErr }

// New returns the driver for the folder dir, which must exist, writing
// through fsys (nil means OS).
func New(dir string, fsys FS) *Store {
	if fsys == nil {
		fsys = OS
	}
	return &Store{dir: dir, fs: fsys, grown: make(chan struct{}, 1), stop: make(chan struct{})}
}

func (s *Store) path(p string) string { return filepath.Join(s.dir, filepath.FromSlash(p)) }

// Appender opens the store (recovering it if needed) and starts the
// batching and checkpoint publishing, which stop with ctx or Close. It is
// what tessera.NewAppender calls.
func (s *Store) Appender(ctx context.Context, opts *tessera.AppendOptions) (*tessera.Appender, tessera.LogReader, error) {
	r := reader{s}
	publish := opts.CheckpointPublisher(r, nil)
	if err := s.open(ctx, publish); err != nil {
		s.release()
		s.openErr = err
		return nil, nil, err
	}
	s.q = newQueue(opts.BatchMaxSize(), opts.BatchMaxAge(), opts.PushbackMaxOutstanding(), s.flush)
	s.done.Add(2)
	go s.q.run(ctx, s.stop, &s.done)
	// open left a checkpoint of the integrated tree.
	published, _ := s.integrated()
	go s.publisher(ctx, publish, published, opts.CheckpointInterval(), opts.CheckpointRepublishInterval())
	return &tessera.Appender{Add: s.add}, r, nil
}

func (s *Store) add(_ context.Context, e *tessera.Entry) tessera.IndexFuture {
	if len(e.Data()) > MaxEntrySize {
		return func() (tessera.Index, error) {
			return tessera.Index{}, fmt.Errorf("filestore: entry of %d bytes, over %d", len(e.Data()), MaxEntrySize)
		}
	}
	return s.q.add(e)
}

// flush writes a batch: its records to the log, one fdatasync (the
// entries are then durable and get their indices), then the tlog-tiles
// files, without sync.
func (s *Store) flush(batch []*pending) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.flushLocked(batch); err != nil {
		for _, p := range batch {
			p.resolve(0, err)
		}
	}
}

func (s *Store) flushLocked(batch []*pending) error {
	switch {
	case s.closed:
		return ErrClosed
	case s.failed != nil:
		return s.failed
	}
	first := s.next.Load()
	var buf []byte
	for i, p := range batch {
		buf = appendRecord(buf, first+uint64(i), p.e.Data())
	}
	if _, err := s.log.Write(buf); err != nil {
		return s.fail(fmt.Errorf("filestore: writing the log: %w", err))
	}
	if err := s.log.Datasync(); err != nil {
		return s.fail(fmt.Errorf("filestore: syncing the log: %w", err))
	}
	s.logSize += int64(len(buf))
	s.next.Add(uint64(len(batch)))
	for i, p := range batch {
		p.resolve(first+uint64(i), nil)
	}
	for _, p := range batch {
		if err := s.tree.add(p.e.Data()); err != nil {
			s.fail(err)
			return nil
		}
	}
	if err := s.writeResources(s.tree.take()); err != nil {
		// The entries are safe in the log; the next opening rebuilds
		// the files.
		s.fail(err)
		return nil
	}
	s.setIntegrated()
	return nil
}

// fail stops the store after a write error: what was written and
// acknowledged stays in the log, and opening the store again resumes.
func (s *Store) fail(err error) error {
	if s.failed == nil {
		s.failed = fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return s.failed
}

func (s *Store) setIntegrated() {
	s.stateMu.Lock()
	s.size, s.root = s.tree.size(), s.tree.root()
	s.stateMu.Unlock()
	select {
	case s.grown <- struct{}{}:
	default:
	}
}

func (s *Store) integrated() (uint64, []byte) {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.size, s.root
}

// Close writes the batch under way, makes the tlog-tiles files durable and
// records that in the state file, and releases the log. Entries added
// after Close fail.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	if s.q != nil {
		s.q.close()
		close(s.stop)
		s.done.Wait()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.log == nil {
		return nil
	}
	var err error
	if s.failed == nil && s.tree.size() != s.saved {
		err = s.saveState()
	}
	if cerr := s.log.Close(); err == nil {
		err = cerr
	}
	s.log = nil
	s.release()
	return err
}

// release closes the log and the lock.
func (s *Store) release() {
	if s.log != nil {
		s.log.Close()
		s.log = nil
	}
	if s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
}

// writeResources writes tlog-tiles files, each replaced atomically,
// without sync.
func (s *Store) writeResources(rs []resource) error {
	for _, r := range rs {
		if err := s.writeFile(r.path, r.data, false); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces the file at p (relative to the folder) by data: a
// temporary file renamed over it; with durable, the file and its folder
// are synced.
func (s *Store) writeFile(p string, data []byte, durable bool) error {
	name := s.path(p)
	dir := filepath.Dir(name)
	if err := s.mkdirAll(dir, durable); err != nil {
		return err
	}
	tmp := name + ".tmp"
	var sync func(File) error
	if durable {
		sync = File.Sync
	}
	err := s.writeAside(tmp, name, func(f File) error { _, err := f.Write(data); return err }, sync)
	if err != nil {
		s.fs.Remove(tmp)
		return fmt.Errorf("filestore: writing %s: %w", p, err)
	}
	if durable {
		return s.syncDir(dir)
	}
	return nil
}

// writeAside makes the file name whole or not at all: write fills a new
// file at tmp, sync (if not nil) makes it durable, and tmp is renamed over
// name. On an error, tmp is left as it is.
func (s *Store) writeAside(tmp, name string, write, sync func(File) error) error {
	f, err := s.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil && sync != nil {
		err = sync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.fs.Rename(tmp, name)
	}
	return err
}

// mkdirAll makes dir and its missing parents; with durable, each folder
// that gets a new entry is synced.
func (s *Store) mkdirAll(dir string, durable bool) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := s.mkdirAll(parent, durable); err != nil {
			return err
		}
	}
	if err := s.fs.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("filestore: %w", err)
	}
	if durable {
		return s.syncDir(parent)
	}
	return nil
}

func (s *Store) syncDir(dir string) error {
	d, err := s.fs.OpenFile(dir, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("filestore: syncing %s: %w", dir, err)
	}
	return nil
}

// state is the content of the state file: the tlog-tiles files of the
// tree of Size entries are durable; the log's record of entry Size is at
// Offset; Range is the tree's compact range.
type state struct {
	Size   uint64   `json:"size"`
	Offset int64    `json:"offset"`
	Range  [][]byte `json:"range"`
}

// saveState makes every file written durable (syncfs), then records the
// tree size in the state file.
func (s *Store) saveState() error {
	if err := s.fs.SyncAll(s.dir); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	b, err := json.Marshal(state{Size: s.tree.size(), Offset: s.logSize, Range: s.tree.rng.Hashes()})
	if err != nil {
		return err
	}
	if err := s.writeFile(stateFile, b, true); err != nil {
		return err
	}
	s.saved = s.tree.size()
	return nil
}

func (s *Store) readState() (*state, error) {
	b, err := os.ReadFile(s.path(stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &state{Offset: HeaderSize}, nil
	}
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil || st.Offset < HeaderSize {
		return nil, fmt.Errorf("%w: state file unreadable", ErrCorrupt)
	}
	return &st, nil
}

// publisher publishes a checkpoint when the tree grew and the last one
// (of lastSize entries, published as the store opened) is interval old,
// or republish old.
func (s *Store) publisher(ctx context.Context, publish publishFunc, lastSize uint64, interval, republish time.Duration) {
	defer s.done.Done()
	last := time.Now()
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.stop:
			return
		case <-s.grown:
		case <-timer.C:
		}
		size, root := s.integrated()
		wait := interval - time.Since(last)
		switch {
		case size == lastSize && (republish <= 0 || time.Since(last) < republish):
			wait = interval
		case wait > 0:
		default:
			if err := s.publish(ctx, publish, size, root); err == nil {
				lastSize, last = size, time.Now()
			}
			wait = interval
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

type publishFunc = func(context.Context, uint64, []byte) ([]byte, error)

func (s *Store) publish(ctx context.Context, publish publishFunc, size uint64, root []byte) error {
	cp, err := publish(ctx, size, root)
	if err != nil {
		return err
	}
	return s.writeFile(layout.CheckpointPath, cp, false)
}

// readCheckpointSize returns the published checkpoint and the size it
// states (its signature is not checked).
func (s *Store) readCheckpointSize() ([]byte, uint64, error) {
	b, err := os.ReadFile(s.path(layout.CheckpointPath))
	if err != nil {
		return nil, 0, err
	}
	lines := bytes.SplitN(b, []byte("\n"), 4)
	if len(lines) < 4 {
		return b, 0, errors.New("filestore: malformed checkpoint")
	}
	size, err := strconv.ParseUint(string(lines[1]), 10, 64)
	if err != nil {
		return b, 0, errors.New("filestore: malformed checkpoint")
	}
	return b, size, nil
}

// reader is the store's tessera.LogReader.
type reader struct{ s *Store }

func (r reader) ReadCheckpoint(context.Context) ([]byte, error) {
	b, err := os.ReadFile(r.s.path(layout.CheckpointPath))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, os.ErrNotExist
	}
	return b, err
}

func (r reader) ReadTile(_ context.Context, level, index uint64, p uint8) ([]byte, error) {
	return r.partialOrFull(p, func(p uint8) string { return layout.TilePath(level, index, p) })
}

func (r reader) ReadEntryBundle(_ context.Context, index uint64, p uint8) ([]byte, error) {
	return r.partialOrFull(p, func(p uint8) string { return layout.EntriesPath(index, p) })
}

// partialOrFull reads the partial resource of width p, or the full one
// when there is no such partial one (the tree grew past it).
func (r reader) partialOrFull(p uint8, path func(uint8) string) ([]byte, error) {
	b, err := os.ReadFile(r.s.path(path(p)))
	if p > 0 && errors.Is(err, fs.ErrNotExist) {
		b, err = os.ReadFile(r.s.path(path(0)))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path(p), os.ErrNotExist)
	}
	return b, err
}

func (r reader) IntegratedSize(context.Context) (uint64, error) {
	size, _ := r.s.integrated()
	return size, nil
}

func (r reader) NextIndex(context.Context) (uint64, error) {
	return r.s.next.Load(), nil
}

var _ io.Closer = (*Store)(nil)
