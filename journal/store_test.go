package journal_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/journal"
	"github.com/csam-go/csam/journal/internal/filestore"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/mod/sumdb/note"
)

// copyDir copies the journal folder base to a new folder.
func copyDir(t *testing.T, base string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "log")
	if out, err := exec.Command("cp", "-a", base, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	return dir
}

// appendOne appends entry i and checks its index.
func appendOne(t *testing.T, j *journal.Journal, i int, want uint64) *journal.Receipt {
	t.Helper()
	r, err := j.Append(context.Background(), entry(i))
	if err != nil {
		t.Fatal(err)
	}
	if r.Index != want {
		t.Fatalf("appended at %d, want %d", r.Index, want)
	}
	return r
}

// TestRecovery: a journal folder whose tlog-tiles files are behind its
// log (a power loss before the kernel wrote them out), or whose log ends
// with a torn record, opens: the files are rebuilt from the log, the torn
// record is cut (and kept aside), and the log goes on at the next index.
// A log that lost entries a checkpoint commits to is refused.
func TestRecovery(t *testing.T) {
	skey, vkey := newKey(t)
	base := t.TempDir()
	fill(t, base, skey, 300)
	ctx := context.Background()
	logPath := func(dir string) string { return filepath.Join(dir, filepath.FromSlash(filestore.LogFile)) }
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"tiles, bundles, checkpoint and state gone", func(t *testing.T, dir string) {
			for _, p := range []string{"tile", "checkpoint", filestore.StateDir + "/state"} {
				if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"tiles gone, state kept", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "tile"))
		}},
		{"right-hand files empty", func(t *testing.T, dir string) {
			for _, p := range []string{layout.EntriesPath(1, 300-256), layout.TilePath(0, 1, 300-256), layout.TilePath(1, 0, 1), "checkpoint"} {
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			os.Remove(filepath.Join(dir, filestore.StateDir, "state"))
		}},
		{"torn last record", func(t *testing.T, dir string) {
			f, err := os.OpenFile(logPath(dir), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte{0, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 'h', 'a', 'l', 'f'})
			f.Close()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, base)
			tc.damage(t, dir)
			j := open(t, dir, skey)
			appendOne(t, j, 300, 300)
			if rep, err := j.Audit(ctx); err != nil || rep.Size != 301 {
				t.Fatalf("audit: %+v %v", rep, err)
			}
			r, err := j.Prove(ctx, 7)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := journal.VerifyReceipt(r, vkey); err != nil {
				t.Fatal(err)
			}
			if err := j.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if rep, err := journal.AuditLog(ctx, dir, vkey); err != nil || rep.Size != 301 {
				t.Fatalf("AuditLog: %+v %v", rep, err)
			}
		})
	}
	t.Run("partial files of earlier checkpoints damaged", func(t *testing.T) {
		dir := copyDir(t, base)
		j := open(t, dir, skey)
		for i := 300; i < 305; i++ {
			appendOne(t, j, i, uint64(i))
		}
		j.Close(ctx)
		// A power loss: the state file is back at 300 (made so by
		// removing it), the files written since are empty.
		os.Remove(filepath.Join(dir, filestore.StateDir, "state"))
		var partials []string
		filepath.WalkDir(filepath.Join(dir, "tile"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(p, ".p/") {
				partials = append(partials, p)
				os.WriteFile(p, nil, 0o644)
			}
			return nil
		})
		if len(partials) < 5 {
			t.Fatalf("%d partial files", len(partials))
		}
		open(t, dir, skey).Close(ctx)
		entries := readLog(t, dir)
		for _, p := range partials {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, p)
			f := strings.Split(filepath.ToSlash(rel), "/") // tile, level or entries, NNN.p, width
			w, _ := strconv.Atoi(f[3])
			n, _ := strconv.Atoi(strings.TrimSuffix(f[2], ".p"))
			switch f[1] {
			case "entries":
				if !bytes.Equal(b, bundle(entries[256*n:256*n+w])) {
					t.Errorf("%s not rebuilt", rel)
				}
			case "0":
				var tile api.HashTile
				if err := tile.UnmarshalText(b); err != nil || len(tile.Nodes) != w ||
					!bytes.Equal(tile.Nodes[w-1], rfc6962.DefaultHasher.HashLeaf(entries[256*n+w-1])) {
					t.Errorf("%s not rebuilt", rel)
				}
			default:
				if len(b) != 32*w {
					t.Errorf("%s not rebuilt", rel)
				}
			}
		}
	})
	t.Run("torn record kept aside", func(t *testing.T) {
		dir := copyDir(t, base)
		fi, err := os.Stat(logPath(dir))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := os.OpenFile(logPath(dir), os.O_WRONLY|os.O_APPEND, 0)
		f.Write([]byte("torn"))
		f.Close()
		open(t, dir, skey).Close(ctx)
		b, err := os.ReadFile(filepath.Join(dir, filestore.StateDir, "torn-"+strconv.FormatInt(fi.Size(), 10)))
		if err != nil || string(b) != "torn" {
			t.Fatalf("torn record: %q %v", b, err)
		}
	})
	t.Run("committed entry damaged", func(t *testing.T) {
		dir := copyDir(t, base)
		os.Remove(filepath.Join(dir, filestore.StateDir, "state")) // read the log again from the start
		b, err := os.ReadFile(logPath(dir))
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)-10] ^= 1 // in entry 299
		os.WriteFile(logPath(dir), b, 0o644)
		_, err = journal.OpenPOSIX(ctx, dir, journal.Options{Key: skey})
		if !errors.Is(err, journal.ErrTampered) {
			t.Fatalf("open: %v", err)
		}
	})
	t.Run("open twice", func(t *testing.T) {
		dir := copyDir(t, base)
		j := open(t, dir, skey)
		defer j.Close(ctx)
		if _, err := journal.OpenPOSIX(ctx, dir, journal.Options{Key: skey}); !errors.Is(err, journal.ErrLocked) {
			t.Fatalf("second open: %v", err)
		}
	})
}

// TestConvertTessera: a journal folder written by tessera's storage/posix
// driver (what OpenPOSIX used before) opens: its entries are copied into
// the log, its checkpoint and receipts still hold, and it grows.
func TestConvertTessera(t *testing.T) {
	skey, vkey := newKey(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := posix.New(ctx, posix.Config{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	opts := tessera.NewAppendOptions().WithCheckpointSigner(signer).WithBatching(64, 10*time.Millisecond).
		WithCheckpointInterval(100 * time.Millisecond)
	app, shutdown, reader, err := tessera.NewAppender(ctx, d, opts)
	if err != nil {
		t.Fatal(err)
	}
	var futures []tessera.IndexFuture
	for i := range 300 {
		data, _ := entry(i).Marshal()
		futures = append(futures, app.Add(ctx, tessera.NewEntry(data)))
	}
	for _, f := range futures {
		if _, err := f(); err != nil {
			t.Fatal(err)
		}
	}
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	old, err := reader.ReadCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	// A conversion cut short before: its log, never renamed into place.
	os.Mkdir(filepath.Join(dir, filestore.StateDir), 0o755)
	os.WriteFile(filepath.Join(dir, filepath.FromSlash(filestore.LogFile))+".new", []byte("csam-journal-log 1\nhalf"), 0o644)

	j := open(t, dir, skey)
	if _, raw, err := j.Checkpoint(context.Background()); err != nil || string(raw) != string(old) {
		t.Fatalf("checkpoint after conversion: %v\n%s\nwas\n%s", err, raw, old)
	}
	appendOne(t, j, 300, 300)
	if err := j.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rep, err := journal.AuditLog(context.Background(), dir, vkey); err != nil || rep.Size != 301 {
		t.Fatalf("AuditLog: %+v %v", rep, err)
	}
	if n := len(readLog(t, dir)); n != 301 {
		t.Fatalf("log of %d entries", n)
	}
}
