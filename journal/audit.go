package journal

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/csam-go/csam/journal/internal/filestore"
	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/client"
	"github.com/transparency-dev/tessera/storage/mysql"
)

// AuditReport is what Audit found in a log that checked out.
type AuditReport struct {
	// Size and Root are the signed checkpoint's.
	Size uint64
	Root []byte
	// Messages and Rectifications count the entries by type.
	Messages, Rectifications int
}

// Audit checks the whole journal against its latest signed checkpoint: see
// AuditLog.
func (j *Journal) Audit(ctx context.Context) (*AuditReport, error) {
	return audit(ctx, j.reader, j.dir, j.vkey)
}

// AuditLog checks the log stored at location (a folder or "mysql:" DSN,
// as for Open) read-only, with the journal's verifier key: the latest
// checkpoint's signature; every entry bundle present, each entry a journal
// entry (a rectification naming an earlier entry) whose leaf hash is the
// one stored in the level-0 tile; the nodes stored in the tiles above
// match the tree recomputed from the entries; and that tree has the
// checkpoint's root. A changed, removed or reordered entry is reported as a
// *TamperedError naming the first bad index; entries rewritten together
// with their leaf hashes, as one naming the first entry of the range under
// the first stored node that differs (Known false).
func AuditLog(ctx context.Context, location, vkey string) (*AuditReport, error) {
	r, done, err := openReader(ctx, location)
	if err != nil {
		return nil, err
	}
	defer done()
	dir := location
	if strings.HasPrefix(location, "mysql:") {
		dir = ""
	}
	return audit(ctx, r, dir, vkey)
}

// openReader opens the log at location read-only; close releases it.
func openReader(ctx context.Context, location string) (r logReader, close func(), err error) {
	if dsn, ok := strings.CutPrefix(location, "mysql:"); ok {
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			return nil, nil, fmt.Errorf("journal: %w", err)
		}
		db.SetMaxOpenConns(maxConns)
		s, err := mysql.New(ctx, db)
		if err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("journal: %w", err)
		}
		return s, func() { db.Close() }, nil
	}
	return dirReader(location), func() {}, nil
}

// CheckReceipt checks a receipt against the log at location (read-only),
// beyond VerifyReceipt: the log's latest signed checkpoint extends the
// receipt's (consistency proof built from the stored tiles), and the
// entry stored at the receipt's index is the receipt's. It returns the
// latest checkpoint. Errors wrap ErrBadReceipt (the receipt itself) or
// ErrTampered (the log no longer holds what the receipt acknowledged).
func CheckReceipt(ctx context.Context, location, vkey string, rc *Receipt) (*log.Checkpoint, error) {
	old, _, err := VerifyReceipt(rc, vkey)
	if err != nil {
		return nil, err
	}
	r, done, err := openReader(ctx, location)
	if err != nil {
		return nil, err
	}
	defer done()
	raw, err := r.ReadCheckpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: no checkpoint: %v", ErrTampered, err)
	}
	latest, err := parseCheckpoint(raw, vkey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTampered, err)
	}
	if latest.Size < old.Size {
		return nil, fmt.Errorf("%w: the log has %d entries, the receipt's checkpoint %d", errInconsistent, latest.Size, old.Size)
	}
	pb, err := client.NewProofBuilder(ctx, latest.Size, r.ReadTile)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	p, err := pb.ConsistencyProof(ctx, old.Size, latest.Size)
	if err != nil {
		return nil, fmt.Errorf("%w: consistency proof: %v", ErrTampered, err)
	}
	if err := VerifyConsistency([]byte(rc.Checkpoint), raw, p, vkey); err != nil {
		return nil, err
	}
	bundle := rc.Index / layout.EntryBundleWidth
	entries, err := readBundle(ctx, r, bundle, layout.PartialTileSize(0, bundle, latest.Size))
	if err != nil || uint64(len(entries)) <= rc.Index%layout.EntryBundleWidth ||
		!bytes.Equal(entries[rc.Index%layout.EntryBundleWidth], rc.Entry) {
		return nil, &TamperedError{Index: rc.Index, Known: true, Reason: "the log does not hold the acknowledged entry"}
	}
	return latest, nil
}

// openLog opens the log of entries of the folder dir ("" for none); it
// returns a nil reader for a folder in tessera's POSIX layout, which has
// none.
func openLog(dir string) (*filestore.RecordReader, func(), error) {
	if dir == "" {
		return nil, func() {}, nil
	}
	if _, err := os.Stat(filepath.Join(dir, filestore.StateDir)); errors.Is(err, os.ErrNotExist) {
		return nil, func() {}, nil
	}
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(filestore.LogFile)))
	if err != nil {
		return nil, nil, &TamperedError{Index: 0, Known: true, Reason: "log of entries unreadable: " + err.Error()}
	}
	rr, err := filestore.NewRecordReader(f)
	if err != nil {
		f.Close()
		return nil, nil, &TamperedError{Index: 0, Known: true, Reason: "log of entries: " + err.Error()}
	}
	return rr, func() { f.Close() }, nil
}

// checkRecord compares the next record of the log (if any) with the entry
// at index i.
func checkRecord(rr *filestore.RecordReader, i uint64, entry []byte) error {
	if rr == nil {
		return nil
	}
	data, err := rr.Next()
	var re *filestore.RecordError
	switch {
	case errors.Is(err, io.EOF):
		return &TamperedError{Index: i, Known: true, Reason: "entry missing from the log of entries"}
	case errors.As(err, &re):
		return &TamperedError{Index: i, Known: true, Reason: "log of entries: " + re.Reason}
	case err != nil:
		return err
	case !bytes.Equal(data, entry):
		return &TamperedError{Index: i, Known: true, Reason: "the log of entries holds another entry at this index"}
	}
	return nil
}

func audit(ctx context.Context, r logReader, dir, vkey string) (*AuditReport, error) {
	rr, closeLog, err := openLog(dir)
	if err != nil {
		return nil, err
	}
	defer closeLog()
	raw, err := r.ReadCheckpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: no checkpoint: %v", ErrTampered, err)
	}
	cp, err := parseCheckpoint(raw, vkey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTampered, err)
	}
	rep := &AuditReport{Size: cp.Size, Root: cp.Hash}
	rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	tree := rf.NewEmptyRange(0)
	upper := &upperCheck{ctx: ctx, r: r, size: cp.Size, tiles: map[[2]uint64][][]byte{}}
	for bundle := uint64(0); bundle*layout.EntryBundleWidth < cp.Size; bundle++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		first := bundle * layout.EntryBundleWidth
		n := min(cp.Size-first, layout.EntryBundleWidth)
		p := layout.PartialTileSize(0, bundle, cp.Size)
		entries, err := readBundle(ctx, r, bundle, p)
		if err != nil {
			return nil, &TamperedError{Index: first, Known: true, Reason: "entry bundle unreadable: " + err.Error()}
		}
		tile, tileErr := readTile(ctx, r, bundle, p)
		for k := uint64(0); k < n; k++ {
			i := first + k
			if k >= uint64(len(entries)) {
				return nil, &TamperedError{Index: i, Known: true, Reason: "entry missing from its bundle"}
			}
			h := rfc6962.DefaultHasher.HashLeaf(entries[k])
			if tileErr == nil && (k >= uint64(len(tile)) || !bytes.Equal(tile[k], h)) {
				return nil, &TamperedError{Index: i, Known: true, Reason: "entry does not match the leaf hash stored in the tree"}
			}
			if err := checkRecord(rr, i, entries[k]); err != nil {
				return nil, err
			}
			e, err := ParseEntry(entries[k])
			if err != nil {
				return nil, &TamperedError{Index: i, Known: true, Reason: err.Error()}
			}
			switch {
			case e.Type == TypeRectification && (e.Rectifies == nil || *e.Rectifies >= i):
				return nil, &TamperedError{Index: i, Known: true, Reason: "rectification of no earlier entry"}
			case e.Type == TypeRectification:
				rep.Rectifications++
			default:
				rep.Messages++
			}
			if err := tree.Append(h, upper.visit); err != nil {
				return nil, err
			}
		}
		if tileErr != nil {
			return nil, &TamperedError{Index: first, Known: false, Reason: "leaf tile unreadable: " + tileErr.Error()}
		}
	}
	root, err := tree.GetRootHash(nil)
	if err != nil {
		return nil, err
	}
	if upper.bad != nil {
		return nil, upper.bad
	}
	if !bytes.Equal(root, cp.Hash) {
		return nil, &TamperedError{Index: 0, Known: false,
			Reason: "entries and stored tree agree with each other but not with the signed checkpoint (both rewritten)"}
	}
	return rep, nil
}

type logReader interface {
	ReadCheckpoint(ctx context.Context) ([]byte, error)
	ReadTile(ctx context.Context, level, index uint64, p uint8) ([]byte, error)
	ReadEntryBundle(ctx context.Context, index uint64, p uint8) ([]byte, error)
}

var _ logReader = tessera.LogReader(nil)

func readBundle(ctx context.Context, r logReader, index uint64, p uint8) ([][]byte, error) {
	b, err := r.ReadEntryBundle(ctx, index, p)
	if err != nil {
		return nil, err
	}
	var eb api.EntryBundle
	if err := eb.UnmarshalText(b); err != nil {
		return nil, err
	}
	return eb.Entries, nil
}

func readTile(ctx context.Context, r logReader, index uint64, p uint8) ([][]byte, error) {
	b, err := r.ReadTile(ctx, 0, index, p)
	if err != nil {
		return nil, err
	}
	var t api.HashTile
	if err := t.UnmarshalText(b); err != nil {
		return nil, err
	}
	return t.Nodes, nil
}

// dirReader reads a tlog-tiles log from a folder, read-only.
type dirReader string

func (d dirReader) read(p string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(string(d), filepath.FromSlash(p)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", p, os.ErrNotExist)
	}
	return b, err
}

func (d dirReader) ReadCheckpoint(context.Context) ([]byte, error) {
	return d.read(layout.CheckpointPath)
}

func (d dirReader) ReadTile(_ context.Context, level, index uint64, p uint8) ([]byte, error) {
	return d.read(layout.TilePath(level, index, p))
}

func (d dirReader) ReadEntryBundle(_ context.Context, index uint64, p uint8) ([]byte, error) {
	return d.read(layout.EntriesPath(index, p))
}

// upperCheck compares the tree nodes recomputed from the entries with
// those stored in the tiles above level 0 (tree levels 8, 16, ...), so
// that entries rewritten together with their leaf tile are still located,
// to the range of entries under the first node that differs.
type upperCheck struct {
	ctx   context.Context
	r     logReader
	size  uint64
	tiles map[[2]uint64][][]byte
	bad   *TamperedError
}

func (u *upperCheck) visit(id compact.NodeID, hash []byte) {
	if u.bad != nil || id.Level == 0 || id.Level%layout.TileHeight != 0 {
		return
	}
	level, index := uint64(id.Level/layout.TileHeight), id.Index/layout.TileWidth
	key := [2]uint64{level, index}
	nodes, ok := u.tiles[key]
	if !ok {
		b, err := u.r.ReadTile(u.ctx, level, index, layout.PartialTileSize(level, index, u.size))
		var t api.HashTile
		if err == nil && t.UnmarshalText(b) == nil {
			nodes = t.Nodes
		}
		// Nodes are visited in order: the tiles before this one at its
		// level are done with.
		for k := range u.tiles {
			if k[0] == level {
				delete(u.tiles, k)
			}
		}
		u.tiles[key] = nodes
	}
	if k := id.Index % layout.TileWidth; k >= uint64(len(nodes)) || !bytes.Equal(nodes[k], hash) {
		begin, end := id.Coverage()
		u.bad = &TamperedError{Index: begin, Known: false,
			Reason: fmt.Sprintf("the stored tree above entries %d to %d does not match them (entries and leaf hashes rewritten together)", begin, end-1)}
	}
}
