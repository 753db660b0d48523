package crl_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/crl"
)

func TestFetch(t *testing.T) {
	ca := newGoCA(t, "Fetch CA")
	der := ca.makeCRL(t, 1, nil)
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/ok.crl", func(w http.ResponseWriter, r *http.Request) { w.Write(der) })
	mux.HandleFunc("/missing.crl", http.NotFound)
	mux.HandleFunc("/big-declared.crl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "2000")
		w.Write(make([]byte, 2000))
	})
	mux.HandleFunc("/big-streamed.crl", func(w http.ResponseWriter, r *http.Request) {
		for range 20 {
			w.Write(make([]byte, 100))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow.crl", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	opts := crl.FetchOptions{MaxBytes: 1000, Timeout: 200 * time.Millisecond}

	t.Run("ok", func(t *testing.T) {
		b, err := crl.Fetch(context.Background(), srv.Client(), srv.URL+"/ok.crl", opts)
		if err != nil || string(b) != string(der) {
			t.Fatalf("%v (%d bytes)", err, len(b))
		}
	})
	t.Run("status", func(t *testing.T) {
		_, err := crl.Fetch(context.Background(), srv.Client(), srv.URL+"/missing.crl", opts)
		var fe *crl.FetchError
		if !errors.Is(err, errFetch) || !errors.As(err, &fe) || fe.StatusCode != 404 {
			t.Fatalf("error %v", err)
		}
	})
	for _, path := range []string{"/big-declared.crl", "/big-streamed.crl"} {
		t.Run(path, func(t *testing.T) {
			_, err := crl.Fetch(context.Background(), srv.Client(), srv.URL+path, opts)
			var tl *crl.TooLargeError
			if !errors.Is(err, errTooLarge) || !errors.As(err, &tl) || tl.Limit != 1000 {
				t.Fatalf("error %v", err)
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		_, err := crl.Fetch(context.Background(), srv.Client(), srv.URL+"/slow.crl", opts)
		var fe *crl.FetchError
		if !errors.Is(err, errTimeout) || !errors.As(err, &fe) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v", err)
		}
		// The handler never answers by itself: the error above already
		// shows the deadline ended the download. This bound only catches
		// a timeout that were not applied to the whole download, without
		// depending on the machine's speed.
		if d := time.Since(start); d > 2*time.Minute {
			t.Errorf("took %v", d)
		}
	})
	t.Run("caller's context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := crl.Fetch(ctx, srv.Client(), srv.URL+"/ok.crl", opts); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v", err)
		}
	})
}

func TestCache(t *testing.T) {
	ca := newGoCA(t, "Cache CA")
	v1 := ca.makeCRL(t, 1, []x509.RevocationListEntry{entry(1, 1)})
	v2 := ca.makeCRL(t, 2, []x509.RevocationListEntry{entry(1, 1), entry(2, 1)})
	var current atomic.Pointer[[]byte]
	current.Store(&v1)
	var hits atomic.Int64
	gate := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-gate
		w.Write(*current.Load())
	}))
	defer srv.Close()
	clock := now
	var mu sync.Mutex
	cache := crl.NewCache(crl.CacheOptions{
		MaxEntries: 2,
		Doer:       srv.Client(),
		Now:        func() time.Time { mu.Lock(); defer mu.Unlock(); return clock },
	})
	url := srv.URL + "/a.crl"

	t.Run("concurrent loads make one request", func(t *testing.T) {
		var wg sync.WaitGroup
		got := make([]*crl.CRL, 50)
		for i := range got {
			wg.Go(func() {
				c, err := cache.Load(context.Background(), url, verifyBy(ca))
				if err != nil {
					t.Error(err)
				}
				got[i] = c
			})
		}
		time.Sleep(50 * time.Millisecond)
		close(gate)
		wg.Wait()
		if n := hits.Load(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
		for _, c := range got {
			if c != got[0] || c.Index.Len() != 1 {
				t.Fatal("loads returned different CRLs")
			}
		}
	})
	t.Run("served from cache", func(t *testing.T) {
		if _, err := cache.Load(context.Background(), url, verifyBy(ca)); err != nil || hits.Load() != 1 {
			t.Errorf("%v, %d requests", err, hits.Load())
		}
	})
	t.Run("same version under another URL shares the index", func(t *testing.T) {
		a, _ := cache.Load(context.Background(), url, verifyBy(ca))
		b, err := cache.Load(context.Background(), srv.URL+"/mirror.crl", verifyBy(ca))
		if err != nil || a != b || hits.Load() != 2 {
			t.Errorf("%v; shared %v; %d requests", err, a == b, hits.Load())
		}
	})
	t.Run("refetched after nextUpdate", func(t *testing.T) {
		current.Store(&v2)
		mu.Lock()
		clock = now.Add(24 * time.Hour)
		mu.Unlock()
		if _, ok := cache.Get(url); ok {
			t.Error("expired CRL served")
		}
		mu.Lock()
		clock = now
		mu.Unlock()
		// v2 is valid at now; v1 was dropped from the cache.
		c, err := cache.Load(context.Background(), url, verifyBy(ca))
		if err != nil || c.Number.Int64() != 2 || c.Index.Len() != 2 {
			t.Errorf("%v; number %v", err, c.Number)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		for i := range 5 {
			if _, err := cache.Load(context.Background(), fmt.Sprintf("%s/%d.crl", srv.URL, i), verifyBy(ca)); err != nil {
				t.Fatal(err)
			}
		}
		if n := cache.Len(); n != 2 {
			t.Errorf("%d URLs cached, want 2", n)
		}
	})
	t.Run("fetch errors are not cached", func(t *testing.T) {
		bad := crl.NewCache(crl.CacheOptions{Doer: srv.Client()})
		_, err := bad.Load(context.Background(), "http://127.0.0.1:1/none.crl", verifyBy(ca))
		if !errors.Is(err, errFetch) || !strings.HasPrefix(err.Error(), "crl: ") {
			t.Errorf("error %v", err)
		}
		if bad.Len() != 0 {
			t.Error("failure cached")
		}
	})
}

// verifyBy verifies a CRL against ca at the Go-made CRLs' time.
func verifyBy(ca *goCA) func(*crl.CRL) error {
	return func(c *crl.CRL) error { return c.Verify(ca.cert, crl.VerifyOptions{CurrentTime: now}) }
}
