package keys_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

func TestRegisterDuplicate(t *testing.T) {
	reg := keys.NewRegistry()
	k := keys.KeyType{ID: "passkey", Names: keys.Names{EN: "Passkey"}, Level: levels.Column3, Factors: []keys.Factor{"device"}}
	if err := reg.Register(k); err != nil {
		t.Fatal(err)
	}
	for _, id := range []keys.ID{"passkey", keys.IDEID} {
		k.ID = id
		err := reg.Register(k)
		var de *keys.DefinitionError
		if !errors.Is(err, keys.ErrDuplicateID) || !errors.As(err, &de) || de.Field != "id" || de.ID != id {
			t.Errorf("Register(%q) again = %v, want ErrDuplicateID on field id", id, err)
		}
	}
	if got, _ := reg.Lookup(keys.IDEID); got.Level != levels.Column3 || got.FAS != keys.FAS500 {
		t.Errorf("built-in eid changed by a refused registration: %+v", got)
	}
}

// TestRegistryCopies checks that callers cannot change registered key
// types through the slices they pass in or get back.
func TestRegistryCopies(t *testing.T) {
	reg := &keys.Registry{}
	if len(reg.All()) != 0 {
		t.Fatalf("zero Registry holds %d key types", len(reg.All()))
	}
	k := keys.KeyType{ID: "a", Names: keys.Names{EN: "A"}, Level: levels.Column1,
		Channels: []levels.Channel{levels.ChannelPortal}, Factors: []keys.Factor{"x"}}
	if err := reg.Register(k); err != nil {
		t.Fatal(err)
	}
	k.Factors[0] = "changed"
	k.Channels[0] = levels.ChannelFTP
	got, _ := reg.Lookup("a")
	got.Factors[0] = "changed too"
	all := reg.All()
	all[0].Channels[0] = levels.ChannelMQSeries
	again, _ := reg.Lookup("a")
	if again.Factors[0] != "x" || again.Channels[0] != levels.ChannelPortal {
		t.Fatalf("registered key type changed through a caller's slice: %+v", again)
	}
	if _, ok := reg.Lookup(keys.IDPassword); ok {
		t.Fatal("zero Registry holds the built-ins")
	}
}

// TestRegistryConcurrent registers, loads and reads from many goroutines;
// run with -race.
func TestRegistryConcurrent(t *testing.T) {
	reg := keys.NewRegistry()
	base := len(reg.All())
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(3)
		go func() {
			defer wg.Done()
			errs <- reg.Register(keys.KeyType{ID: keys.ID(fmt.Sprintf("run-%d", i)), Names: keys.Names{EN: "R"},
				Level: levels.Column2, Factors: []keys.Factor{"x"}})
		}()
		go func() {
			defer wg.Done()
			def := fmt.Sprintf(`[{"id":"file-%d","names":{"en":"F"},"level":"column3","factors":["y"]}]`, i)
			_, err := reg.LoadJSON(strings.NewReader(def))
			errs <- err
		}()
		go func() {
			defer wg.Done()
			for _, k := range reg.All() {
				if _, ok := reg.Lookup(k.ID); !ok {
					errs <- fmt.Errorf("%q listed but not found", k.ID)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(reg.All()); got != base+2*n {
		t.Fatalf("Len = %d, want %d", got, base+2*n)
	}
	// Exactly one of several concurrent registrations of one ID wins.
	var won sync.WaitGroup
	results := make(chan error, n)
	for range n {
		won.Add(1)
		go func() {
			defer won.Done()
			results <- reg.Register(keys.KeyType{ID: "contended", Names: keys.Names{EN: "C"}, Level: levels.Column1, Factors: []keys.Factor{"x"}})
		}()
	}
	won.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, keys.ErrDuplicateID):
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d registrations of one identifier succeeded, want 1", ok)
	}
}

// TestLoadJSONAtomic checks that a file with one bad definition registers
// none of its good ones.
func TestLoadJSONAtomic(t *testing.T) {
	reg := keys.NewRegistry()
	n := len(reg.All())
	_, err := reg.LoadJSON(strings.NewReader(`[
		{"id":"good","names":{"en":"G"},"level":"column1","factors":["x"]},
		{"id":"password","names":{"en":"P"},"level":"column1","factors":["x"]}
	]`))
	if !errors.Is(err, keys.ErrDuplicateID) {
		t.Fatalf("LoadJSON = %v, want ErrDuplicateID", err)
	}
	if _, ok := reg.Lookup("good"); ok || len(reg.All()) != n {
		t.Fatal("a refused file registered some of its key types")
	}
	if _, err := reg.LoadJSON(strings.NewReader(`[]`)); err != nil {
		t.Fatalf("empty file: %v", err)
	}
}
