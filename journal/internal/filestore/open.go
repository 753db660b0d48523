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
	"strconv"

	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
)

// open opens (or creates) the log, converts a tessera POSIX folder,
// truncates a torn last record, brings the tlog-tiles files up to the log
// and publishes a checkpoint for it.
func (s *Store) open(ctx context.Context, publish publishFunc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.mkdirAll(s.path(StateDir), true); err != nil {
		return err
	}
	created, err := s.openLog(ctx)
	if err != nil {
		return err
	}
	st, err := s.readState()
	if err != nil {
		return err
	}
	if s.tree, err = resumeTree(st.Size, st.Range, func(p string) ([]byte, error) { return os.ReadFile(s.path(p)) }); err != nil {
		// The files the state names durable are not there: rebuild all.
		st, s.tree = &state{Offset: HeaderSize}, newTree()
	}
	s.saved = st.Size
	if st.Offset > s.logSize {
		return fmt.Errorf("%w: the log has %d bytes, its state names entry %d at offset %d", ErrCorrupt, s.logSize, st.Size, st.Offset)
	}
	cp, cpSize, cpErr := s.readCheckpointSize()
	if err := s.catchUp(st, cpSize); err != nil {
		return err
	}
	if _, err := s.log.Seek(s.logSize, io.SeekStart); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if s.tree.size() != st.Size || created {
		if err := s.saveState(); err != nil {
			return err
		}
	}
	s.setIntegrated()
	size, root := s.integrated()
	switch {
	case errors.Is(cpErr, fs.ErrNotExist):
	case cpErr != nil:
		// Unreadable (cut short by a power loss): replaced below.
		s.fs.Remove(s.path(layout.CheckpointPath))
	case cpSize > size:
		return fmt.Errorf("%w: the checkpoint commits to %d entries, the log holds %d", ErrCorrupt, cpSize, size)
	case cpSize == size && !bytes.Contains(cp, []byte(encodeRoot(root))):
		return fmt.Errorf("%w: the checkpoint's root is not the log's", ErrCorrupt)
	case cpSize == size:
		return nil
	}
	return s.publish(ctx, publish, size, root)
}

func encodeRoot(root []byte) string {
	b, _ := json.Marshal(root) // standard base64, quoted
	return "\n" + string(b[1:len(b)-1]) + "\n"
}

// openLog locks the store (its .journal folder), and opens the log file,
// creating it (with the entries of a tessera POSIX folder, if that is what
// the folder is) if missing.
func (s *Store) openLog(ctx context.Context) (created bool, err error) {
	lock, err := s.fs.OpenFile(s.path(StateDir), os.O_RDONLY, 0)
	if err != nil {
		return false, fmt.Errorf("filestore: %w", err)
	}
	s.lock = lock
	if err := lock.Lock(); err != nil {
		return false, err
	}
	name := s.path(LogFile)
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
		if err := s.createLog(ctx, name); err != nil {
			return false, err
		}
		created = true
	}
	f, err := s.fs.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return false, fmt.Errorf("filestore: %w", err)
	}
	s.log = f
	fi, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("filestore: %w", err)
	}
	s.logSize = fi.Size()
	if _, err := NewRecordReader(io.NewSectionReader(f, 0, s.logSize)); err != nil {
		return false, err
	}
	return created, nil
}

// createLog makes the log file: written aside, synced, then renamed into
// place, so that a log exists only whole.
func (s *Store) createLog(ctx context.Context, name string) error {
	err := s.writeAside(name+".new", name, func(f File) error {
		if _, err := f.Write([]byte(logHeader)); err != nil {
			return err
		}
		return s.convertTessera(ctx, f)
	}, File.Datasync)
	if err != nil {
		return fmt.Errorf("filestore: creating the log: %w", err)
	}
	return s.syncDir(s.path(StateDir))
}

// catchUp reads the log from the state's entry on, adds the entries to the
// tree and writes the tlog-tiles files, truncating the log at a torn or
// damaged record unless that would drop an entry the checkpoint commits to
// (published covers).
func (s *Store) catchUp(st *state, published uint64) error {
	rr := resumeReader(io.NewSectionReader(s.log, st.Offset, s.logSize-st.Offset), st.Size, st.Offset)
	for {
		data, err := rr.Next()
		if err == io.EOF {
			break
		}
		var re *RecordError
		if errors.As(err, &re) {
			if re.Index < published {
				return fmt.Errorf("%w: %v, an entry the checkpoint commits to", ErrCorrupt, err)
			}
			if err := s.cutLog(re.Offset); err != nil {
				return err
			}
			break
		}
		if err := s.tree.add(data); err != nil {
			return err
		}
		if s.tree.size()%(16*layout.EntryBundleWidth) == 0 {
			if err := s.rewrite(s.tree.take()); err != nil {
				return err
			}
		}
	}
	s.next.Store(s.tree.size())
	return s.rewrite(s.tree.take())
}

// rewrite writes resources rebuilt from the log, and the partial versions
// of them found beside (written for the checkpoints published before and
// left unsynced) that do not hold what they should.
func (s *Store) rewrite(rs []resource) error {
	if err := s.writeResources(rs); err != nil {
		return err
	}
	for _, r := range rs {
		des, err := os.ReadDir(s.path(r.full + ".p"))
		if err != nil {
			continue // none
		}
		for _, de := range des {
			w, err := strconv.Atoi(de.Name())
			if err != nil || w <= 0 || w >= r.width {
				continue
			}
			p := r.full + ".p/" + de.Name()
			want := r.prefix(w)
			if have, err := os.ReadFile(s.path(p)); err == nil && bytes.Equal(have, want) {
				continue
			}
			if err := s.writeFile(p, want, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// cutLog truncates the log at offset, keeping what it cuts in a file
// beside it (.journal/torn-OFFSET) for inspection.
func (s *Store) cutLog(offset int64) error {
	tail := make([]byte, s.logSize-offset)
	if _, err := s.log.ReadAt(tail, offset); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if err := s.writeFile(fmt.Sprintf("%s/torn-%d", StateDir, offset), tail, true); err != nil {
		return err
	}
	if err := s.log.Truncate(offset); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if err := s.log.Datasync(); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	s.logSize = offset
	return nil
}

// convertTessera copies the entries of a folder written by tessera's
// storage/posix driver into log, new: the tiles and checkpoint rebuilt
// from it are the same.
func (s *Store) convertTessera(ctx context.Context, log File) error {
	b, err := os.ReadFile(s.path(tesseraState))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	var ts struct {
		Size uint64 `json:"size"`
	}
	if err := json.Unmarshal(b, &ts); err != nil {
		return fmt.Errorf("%w: tessera tree state: %v", ErrCorrupt, err)
	}
	r := reader{s}
	var buf []byte
	for i := uint64(0); i < ts.Size; i += layout.EntryBundleWidth {
		if err := ctx.Err(); err != nil {
			return err
		}
		bi := i / layout.EntryBundleWidth
		raw, err := r.partialOrFull(layout.PartialTileSize(0, bi, ts.Size), func(p uint8) string { return layout.EntriesPath(bi, p) })
		if err != nil {
			return fmt.Errorf("%w: tessera entry bundle %d: %v", ErrCorrupt, bi, err)
		}
		var eb api.EntryBundle
		if err := eb.UnmarshalText(raw); err != nil {
			return fmt.Errorf("%w: tessera entry bundle %d: %v", ErrCorrupt, bi, err)
		}
		n := min(ts.Size-i, layout.EntryBundleWidth)
		if uint64(len(eb.Entries)) < n {
			return fmt.Errorf("%w: tessera entry bundle %d holds %d entries, want %d", ErrCorrupt, bi, len(eb.Entries), n)
		}
		for k, e := range eb.Entries[:n] {
			buf = appendRecord(buf, i+uint64(k), e)
		}
		if len(buf) >= 1<<20 || i+layout.EntryBundleWidth >= ts.Size {
			if _, err := log.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}
