package journal_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/csam-go/csam/journal"
	"github.com/csam-go/csam/journal/internal/filestore"
)

// The writer mode of the test binary (see TestKillWriter): it appends
// entries from 32 goroutines and prints "ack ID INDEX" for each receipt.
func TestMain(m *testing.M) {
	if loc := os.Getenv("CSAM_JOURNAL_WRITER"); loc != "" {
		os.Exit(writer(loc))
	}
	os.Exit(m.Run())
}

func writer(location string) int {
	ctx := context.Background()
	from, _ := strconv.Atoi(os.Getenv("CSAM_JOURNAL_FROM"))
	count, _ := strconv.Atoi(os.Getenv("CSAM_JOURNAL_COUNT")) // 0: until killed
	j, err := journal.Open(ctx, location, journal.Options{Key: os.Getenv("CSAM_JOURNAL_KEY")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var next atomic.Int64
	next.Store(int64(from))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for {
				id := int(next.Add(1) - 1)
				if count > 0 && id >= from+count {
					return
				}
				r, err := j.Append(ctx, entry(id))
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Printf("ack %d %d\n", id, r.Index)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := j.Close(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

// runWriter runs the writer; with kill > 0 it is killed (SIGKILL) once it
// acknowledged that many entries. It returns the acknowledgements.
func runWriter(t *testing.T, location, skey string, from, count, kill int) map[int]uint64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CSAM_JOURNAL_WRITER="+location, "CSAM_JOURNAL_KEY="+skey,
		"CSAM_JOURNAL_FROM="+strconv.Itoa(from), "CSAM_JOURNAL_COUNT="+strconv.Itoa(count))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acks := map[int]uint64{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var id int
		var idx uint64
		if _, err := fmt.Sscanf(sc.Text(), "ack %d %d", &id, &idx); err != nil {
			t.Fatalf("writer said %q", sc.Text())
		}
		acks[id] = idx
		if kill > 0 && len(acks) == kill {
			cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	err = cmd.Wait()
	if kill > 0 {
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("writer not killed: %v", err)
		}
	} else if err != nil {
		t.Fatalf("writer: %v", err)
	}
	return acks
}

// tear ends the log of entries of a folder with half a record, as a
// power loss in the middle of a batch would.
func tear(t *testing.T, location string) {
	t.Helper()
	if strings.HasPrefix(location, "mysql:") {
		return
	}
	f, err := os.OpenFile(filepath.Join(location, filepath.FromSlash(filestore.LogFile)), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte{0, 0, 0, 200, 1, 2, 3, 4, 't', 'o', 'r', 'n'}); err != nil {
		t.Fatal(err)
	}
}

// TestKillWriter kills a writer in the middle of appending, twice, and
// starts another on the same store (a folder, whose log then ends with a
// torn record; a MariaDB database): every acknowledged entry is in the log
// at its acknowledged index, none twice, and the log audits clean.
func TestKillWriter(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			skey, vkey := newKey(t)
			loc := s.location(t)
			first := runWriter(t, loc, skey, 0, 0, 60)
			tear(t, loc)
			again := runWriter(t, loc, skey, 50000, 0, 300)
			tear(t, loc)
			second := runWriter(t, loc, skey, 100000, 40, 0)
			if len(first) < 60 || len(again) < 300 || len(second) != 40 {
				t.Fatalf("acknowledged %d, %d then %d", len(first), len(again), len(second))
			}
			ctx := context.Background()
			rep, err := journal.AuditLog(ctx, loc, vkey)
			if err != nil {
				t.Fatalf("audit after the kill: %v", err)
			}
			j := open(t, loc, skey)
			defer j.Close(ctx)
			seen := map[int]uint64{}
			for i := range rep.Size {
				b, err := j.Entry(ctx, i)
				if err != nil {
					t.Fatal(err)
				}
				e, err := journal.ParseEntry(b)
				if err != nil {
					t.Fatal(err)
				}
				var id int
				fmt.Sscanf(strings.TrimPrefix(e.Decision, "declaration "), "%d", &id)
				if prev, dup := seen[id]; dup {
					t.Fatalf("entry %d stored twice, at %d and %d", id, prev, i)
				}
				seen[id] = i
			}
			for _, acks := range []map[int]uint64{first, again, second} {
				for id, idx := range acks {
					if got, ok := seen[id]; !ok || got != idx {
						t.Fatalf("acknowledged entry %d at %d: found at %d (present %v)", id, idx, got, ok)
					}
				}
			}
			t.Logf("%d and %d acknowledged before the kills, %d after; log of %d entries", len(first), len(again), len(second), rep.Size)
		})
	}
}
