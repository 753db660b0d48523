package journal_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/journal"
	"github.com/csam-go/csam/journal/internal/filestore"
	"github.com/csam-go/csam/journal/internal/jtestenv"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
)

func newKey(t testing.TB) (string, string) {
	t.Helper()
	skey, vkey, err := journal.GenerateKey("csam.test/journal")
	if err != nil {
		t.Fatal(err)
	}
	return skey, vkey
}

func entry(i int) journal.Entry {
	return journal.Entry{Type: journal.TypeMessage, Digest: fmt.Sprintf("sha256:%064x", i),
		Signer: "CN=Alice Test (Signature),C=BE", ReceivedAt: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC),
		Verdict: "qualified", Application: "dimona", Decision: fmt.Sprintf("declaration %d accepted", i)}
}

// store is a storage to run the same tests on.
type store struct {
	name     string
	location func(t *testing.T) string
}

var stores = []store{
	{"posix", func(t *testing.T) string { return t.TempDir() }},
	{"mariadb", func(t *testing.T) string { return "mysql:" + jtestenv.MySQLDSN(t) }},
}

func open(t testing.TB, location, skey string) *journal.Journal {
	t.Helper()
	j, err := journal.Open(context.Background(), location, journal.Options{Key: skey})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestReceipts: receipts verify offline; a later checkpoint is consistent
// with an earlier one; a rectification is a new entry; altered receipts,
// another key and another log's checkpoint fail.
func TestReceipts(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			skey, vkey := newKey(t)
			loc := s.location(t)
			j := open(t, loc, skey)
			if j.VerifierKey() != vkey {
				t.Fatalf("verifier key %q, want %q", j.VerifierKey(), vkey)
			}
			var receipts []*journal.Receipt
			for i := range 3 {
				r, err := j.Append(ctx, entry(i))
				if err != nil {
					t.Fatal(err)
				}
				if r.Index != uint64(i) {
					t.Fatalf("index %d, want %d", r.Index, i)
				}
				receipts = append(receipts, r)
			}
			fix := entry(1)
			fix.Decision = "declaration 1 accepted, start date corrected"
			rr, err := j.Rectify(ctx, 1, fix, "wrong start date")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := j.Rectify(ctx, 99, fix, "none"); err == nil || !strings.Contains(err.Error(), "no such entry") {
				t.Fatalf("rectifying a missing entry: %v", err)
			}
			for _, r := range append(receipts, rr) {
				b, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				parsed, err := journal.ParseReceipt(b)
				if err != nil {
					t.Fatal(err)
				}
				cp, e, err := journal.VerifyReceipt(parsed, vkey)
				if err != nil {
					t.Fatalf("receipt %d: %v", r.Index, err)
				}
				if cp.Size <= r.Index || cp.Origin != "csam.test/journal" {
					t.Fatalf("checkpoint %+v for index %d", cp, r.Index)
				}
				if r == rr && (e.Type != journal.TypeRectification || *e.Rectifies != 1 || e.Reason != "wrong start date") {
					t.Fatalf("rectification entry %+v", e)
				}
			}
			// The first receipt's checkpoint is extended by the latest.
			first, _, err := journal.VerifyReceipt(receipts[0], vkey)
			if err != nil {
				t.Fatal(err)
			}
			latest, proof, err := j.Consistency(ctx, first.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := journal.VerifyConsistency([]byte(receipts[0].Checkpoint), latest, proof, vkey); err != nil {
				t.Fatalf("consistency: %v", err)
			}
			// The log, read apart, extends the first receipt and holds its entry.
			if got, err := journal.CheckReceipt(ctx, loc, vkey, receipts[0]); err != nil || got.Size != 4 {
				t.Fatalf("CheckReceipt: %v %+v", err, got)
			}
			// A fresh receipt for an old entry, against the latest checkpoint.
			again, err := j.Prove(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := journal.VerifyReceipt(again, vkey); err != nil || again.Checkpoint != string(latest) {
				t.Fatalf("Prove: %v", err)
			}
			report, err := j.Audit(ctx)
			if err != nil {
				t.Fatalf("Audit: %v", err)
			}
			if report.Size != 4 || report.Messages != 3 || report.Rectifications != 1 {
				t.Fatalf("audit report %+v", report)
			}
			if err := j.Close(ctx); err != nil {
				t.Fatal(err)
			}

			_, otherV := newKey(t)
			altered := *receipts[2]
			altered.Entry = bytes.Replace(altered.Entry, []byte("declaration 2"), []byte("declaration 3"), 1)
			other := open(t, t.TempDir(), skey) // same key, another log
			defer other.Close(ctx)
			or, err := other.Append(ctx, entry(7))
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				err  error
				want error
			}{
				{"entry altered", verr(journal.VerifyReceipt(&altered, vkey)), journal.ErrBadReceipt},
				{"another key", verr(journal.VerifyReceipt(receipts[0], otherV)), journal.ErrBadReceipt},
				{"another log's checkpoint", journal.VerifyConsistency([]byte(or.Checkpoint), latest, proof, vkey), journal.ErrTampered},
				{"older after newer", journal.VerifyConsistency(latest, []byte(receipts[0].Checkpoint), proof, vkey), journal.ErrTampered},
			} {
				if !errors.Is(tc.err, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
				}
			}
		})
	}
}

func verr[A, B any](_ A, _ B, err error) error { return err }

// fill makes a closed log of n entries at location.
func fill(t *testing.T, location, skey string, n int) {
	t.Helper()
	ctx := context.Background()
	j := open(t, location, skey)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if _, err := j.Append(ctx, entry(i)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := j.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// bundle encodes entries as a tlog-tiles entry bundle.
func bundle(entries [][]byte) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		binary.Write(&b, binary.BigEndian, uint16(len(e)))
		b.Write(e)
	}
	return b.Bytes()
}

func unbundle(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var eb api.EntryBundle
	if err := eb.UnmarshalText(b); err != nil {
		t.Fatal(err)
	}
	return eb.Entries
}

// tampers change the entries of the first bundle; want is the first bad
// index.
var tampers = []struct {
	name   string
	change func(entries [][]byte) [][]byte
	want   uint64
}{
	{"entry changed", func(e [][]byte) [][]byte {
		e[37] = bytes.Replace(e[37], []byte("accepted"), []byte("refused!"), 1)
		return e
	}, 37},
	{"entry removed", func(e [][]byte) [][]byte { return append(e[:100:100], e[101:]...) }, 100},
	{"entries reordered", func(e [][]byte) [][]byte { e[200], e[201] = e[201], e[200]; return e }, 200},
}

// TestTamperPOSIX: entries changed, removed or reordered on disk are found
// by AuditLog (read-only, with the verifier key), which names the first
// bad entry; a checkpoint signed by another key is refused.
func TestTamperPOSIX(t *testing.T) {
	skey, vkey := newKey(t)
	base := t.TempDir()
	fill(t, base, skey, 300)
	ctx := context.Background()
	if rep, err := journal.AuditLog(ctx, base, vkey); err != nil || rep.Size != 300 {
		t.Fatalf("untouched log: %+v %v", rep, err)
	}
	for _, tc := range tampers {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "log")
			if out, err := exec.Command("cp", "-a", base, dir).CombinedOutput(); err != nil {
				t.Fatalf("cp: %v %s", err, out)
			}
			p := filepath.Join(dir, filepath.FromSlash(layout.EntriesPath(0, 0)))
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			os.Chmod(p, 0o644)
			if err := os.WriteFile(p, bundle(tc.change(unbundle(t, b))), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = journal.AuditLog(ctx, dir, vkey)
			var te *journal.TamperedError
			if !errors.As(err, &te) || te.Index != tc.want || !te.Known {
				t.Fatalf("audit: %v, want entry %d named", err, tc.want)
			}
		})
	}
	t.Run("entry and its leaf hash rewritten together", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "log")
		if out, err := exec.Command("cp", "-a", base, dir).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		bp := filepath.Join(dir, filepath.FromSlash(layout.EntriesPath(0, 0)))
		tp := filepath.Join(dir, filepath.FromSlash(layout.TilePath(0, 0, 0)))
		b, err := os.ReadFile(bp)
		if err != nil {
			t.Fatal(err)
		}
		entries := unbundle(t, b)
		entries[37] = bytes.Replace(entries[37], []byte("accepted"), []byte("refused!"), 1)
		tb, err := os.ReadFile(tp)
		if err != nil {
			t.Fatal(err)
		}
		var tile api.HashTile
		if err := tile.UnmarshalText(tb); err != nil {
			t.Fatal(err)
		}
		tile.Nodes[37] = rfc6962.DefaultHasher.HashLeaf(entries[37])
		tb, _ = tile.MarshalText()
		os.Chmod(bp, 0o644)
		os.Chmod(tp, 0o644)
		os.WriteFile(bp, bundle(entries), 0o644)
		os.WriteFile(tp, tb, 0o644)
		rewriteLog(t, dir, true, func(log [][]byte) [][]byte { log[37] = entries[37]; return log })
		_, err = journal.AuditLog(ctx, dir, vkey)
		var te *journal.TamperedError
		if !errors.As(err, &te) || te.Index != 0 || te.Known || !strings.Contains(te.Reason, "entries 0 to 255") {
			t.Fatalf("audit: %v, want the range of entries 0 to 255", err)
		}
	})
	t.Run("checkpoint of another key", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "log")
		exec.Command("cp", "-a", base, dir).Run()
		other, _ := newKey(t)
		forged := t.TempDir()
		fill(t, forged, other, 1)
		cp, err := os.ReadFile(filepath.Join(forged, "checkpoint"))
		if err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dir, "checkpoint"), 0o644)
		os.WriteFile(filepath.Join(dir, "checkpoint"), cp, 0o644)
		if _, err := journal.AuditLog(ctx, dir, vkey); !errors.Is(err, journal.ErrTampered) {
			t.Fatalf("audit: %v", err)
		}
	})
}

// readLog returns the entries of the log file of the journal in dir.
func readLog(t *testing.T, dir string) [][]byte {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(filestore.LogFile)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rr, err := filestore.NewRecordReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var entries [][]byte
	for {
		e, err := rr.Next()
		if err == io.EOF {
			return entries
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
}

// rewriteLog rewrites the log file of the journal in dir with the entries
// change returns, in the documented record format; with resum, each record
// gets the checksum of its new place (a tamperer who read the format),
// else the record moves with its old checksum.
func rewriteLog(t *testing.T, dir string, resum bool, change func([][]byte) [][]byte) {
	t.Helper()
	old := readLog(t, dir)
	sums := map[string]uint32{}
	for i, e := range old {
		sums[string(e)] = recordSum(uint64(i), e)
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(filestore.LogFile)))
	if err != nil {
		t.Fatal(err)
	}
	b = b[:filestore.HeaderSize]
	for i, e := range change(old) {
		sum, ok := sums[string(e)]
		if resum || !ok {
			sum = recordSum(uint64(i), e)
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(e)))
		b = binary.BigEndian.AppendUint32(b, sum)
		b = append(b, e...)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(filestore.LogFile)), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func recordSum(index uint64, e []byte) uint32 {
	c := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	binary.Write(c, binary.BigEndian, index)
	c.Write(e)
	return c.Sum32()
}

// TestTamperPOSIXLog: the same faults made in the log of entries alone
// (the tlog-tiles files intact), with the records' checksums left as
// they were or recomputed, are found by AuditLog and by Audit on the open
// journal, naming the first bad entry.
func TestTamperPOSIXLog(t *testing.T) {
	skey, vkey := newKey(t)
	base := t.TempDir()
	fill(t, base, skey, 300)
	ctx := context.Background()
	for _, tc := range tampers {
		for _, resum := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, checksums recomputed %v", tc.name, resum), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "log")
				if out, err := exec.Command("cp", "-a", base, dir).CombinedOutput(); err != nil {
					t.Fatalf("cp: %v %s", err, out)
				}
				rewriteLog(t, dir, resum, tc.change)
				_, err := journal.AuditLog(ctx, dir, vkey)
				var te *journal.TamperedError
				if !errors.As(err, &te) || te.Index != tc.want || !te.Known {
					t.Fatalf("audit: %v, want entry %d named", err, tc.want)
				}
			})
		}
	}
	t.Run("log removed", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "log")
		exec.Command("cp", "-a", base, dir).Run()
		os.Remove(filepath.Join(dir, filepath.FromSlash(filestore.LogFile)))
		if _, err := journal.AuditLog(ctx, dir, vkey); !errors.Is(err, journal.ErrTampered) {
			t.Fatalf("audit: %v", err)
		}
	})
	t.Run("open journal", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "log")
		exec.Command("cp", "-a", base, dir).Run()
		j := open(t, dir, skey)
		defer j.Close(ctx)
		if _, err := j.Audit(ctx); err != nil {
			t.Fatalf("untouched: %v", err)
		}
		rewriteLog(t, dir, true, tampers[0].change)
		_, err := j.Audit(ctx)
		var te *journal.TamperedError
		if !errors.As(err, &te) || te.Index != tampers[0].want {
			t.Fatalf("audit: %v, want entry %d named", err, tampers[0].want)
		}
	})
}

// TestTamperMariaDB: the same faults made with SQL in the tessera tables.
func TestTamperMariaDB(t *testing.T) {
	skey, vkey := newKey(t)
	ctx := context.Background()
	for _, tc := range tampers {
		t.Run(tc.name, func(t *testing.T) {
			dsn := jtestenv.MySQLDSN(t)
			fill(t, "mysql:"+dsn, skey, 300)
			if _, err := journal.AuditLog(ctx, "mysql:"+dsn, vkey); err != nil {
				t.Fatalf("untouched log: %v", err)
			}
			db, err := sql.Open("mysql", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var data []byte
			if err := db.QueryRowContext(ctx, "SELECT `data` FROM `TiledLeaves` WHERE `tile_index` = 0").Scan(&data); err != nil {
				t.Fatal(err)
			}
			changed := bundle(tc.change(unbundle(t, data)))
			if _, err := db.ExecContext(ctx, "UPDATE `TiledLeaves` SET `data` = ? WHERE `tile_index` = 0", changed); err != nil {
				t.Fatal(err)
			}
			_, err = journal.AuditLog(ctx, "mysql:"+dsn, vkey)
			var te *journal.TamperedError
			if !errors.As(err, &te) || te.Index != tc.want || !te.Known {
				t.Fatalf("audit: %v, want entry %d named", err, tc.want)
			}
		})
	}
}

// TestParseReceiptBounds: oversized and unknown-field receipts are refused.
func TestParseReceiptBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"too large", bytes.Repeat([]byte(" "), journal.MaxReceiptSize+1)},
		{"unknown field", []byte(`{"index":1,"extra":true}`)},
		{"trailing data", []byte(`{"index":1} {}`)},
		{"not JSON", []byte(`index=1`)},
		{"proof too long", []byte(`{"inclusion_proof":[` + strings.Repeat(`"AA==",`, 64) + `"AA=="]}`)},
	} {
		if _, err := journal.ParseReceipt(tc.in); !errors.Is(err, journal.ErrBadReceipt) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
