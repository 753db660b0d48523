package crl

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultCacheEntries is the default bound of a Cache.
const DefaultCacheEntries = 64

// CacheOptions configure a Cache. The zero value is ready to use.
type CacheOptions struct {
	// MaxEntries bounds the number of CRLs kept; zero means
	// DefaultCacheEntries. When full, expired CRLs go first, then the one
	// expiring soonest.
	MaxEntries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Doer and Fetch are used by Load (see Fetch).
	Doer  Doer
	Fetch FetchOptions
}

// Cache keeps parsed CRLs (with their Index) by URL until their
// nextUpdate (a CRL without nextUpdate for DefaultMaxAge after its
// thisUpdate). CRLs of the same version (issuer and cRLNumber, or the same
// bytes) share one *CRL, so an index is built once per version. It is safe
// for concurrent use; concurrent Loads of one URL make one download.
type Cache struct {
	opts      CacheOptions
	mu        sync.Mutex
	byURL     map[string]*CRL
	byVersion map[string]*CRL
	group     singleflight.Group
}

// NewCache returns an empty cache.
func NewCache(opts CacheOptions) *Cache {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultCacheEntries
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Cache{opts: opts, byURL: map[string]*CRL{}, byVersion: map[string]*CRL{}}
}

// expiry is when a cached CRL stops being served.
func expiry(c *CRL) time.Time {
	if !c.NextUpdate.IsZero() {
		return c.NextUpdate
	}
	return c.ThisUpdate.Add(DefaultMaxAge)
}

// versionKey identifies a CRL version: issuer, cRLNumber and signature
// (so that a forgery reusing a number is another version), or a hash of
// the bytes without cRLNumber.
func versionKey(c *CRL) string {
	if c.Number == nil {
		h := sha256.Sum256(c.Raw)
		return "sha256:" + string(h[:])
	}
	sig := sha256.Sum256(c.Signature)
	k := string(c.RawIssuer) + "#" + c.Number.String() + "#" + string(sig[:])
	if c.DeltaBase != nil {
		k += "/delta"
	}
	return k
}

// Get returns the CRL cached for url if it has not expired.
func (ca *Cache) Get(url string) (*CRL, bool) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	c, ok := ca.byURL[url]
	if !ok {
		return nil, false
	}
	if ca.opts.Now().After(expiry(c)) {
		ca.remove(url, c)
		return nil, false
	}
	return c, true
}

// Len returns the number of URLs cached.
func (ca *Cache) Len() int {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return len(ca.byURL)
}

// Add caches c under url and returns the CRL now cached for it: an
// already cached *CRL of the same version when there is one, else c.
// An expired c is not cached.
func (ca *Cache) Add(url string, c *CRL) *CRL {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return ca.add(url, c)
}

func (ca *Cache) add(url string, c *CRL) *CRL {
	now := ca.opts.Now()
	if now.After(expiry(c)) {
		return c
	}
	if same, ok := ca.byVersion[versionKey(c)]; ok {
		c = same
	}
	if old, ok := ca.byURL[url]; ok {
		ca.remove(url, old)
	}
	for len(ca.byURL) >= ca.opts.MaxEntries {
		var victim string
		var vc *CRL
		for u, x := range ca.byURL {
			if vc == nil || expiry(x).Before(expiry(vc)) {
				victim, vc = u, x
			}
		}
		ca.remove(victim, vc)
	}
	ca.byURL[url] = c
	ca.byVersion[versionKey(c)] = c
	return c
}

// remove drops url, and the version entry when no other URL shares it.
func (ca *Cache) remove(url string, c *CRL) {
	delete(ca.byURL, url)
	for _, x := range ca.byURL {
		if x == c {
			return
		}
	}
	delete(ca.byVersion, versionKey(c))
}

// lookupVersion returns a cached CRL of the same version as the header.
func (ca *Cache) lookupVersion(c *CRL) (*CRL, bool) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	x, ok := ca.byVersion[versionKey(c)]
	return x, ok
}

// Load returns the cached CRL for url, or fetches (Fetch), parses and
// caches it. A downloaded CRL of a version already cached reuses its
// Index instead of building it again. Load does not verify the CRL: call
// CRL.Verify. Errors are those of Fetch and Parse.
func (ca *Cache) Load(ctx context.Context, url string) (*CRL, error) {
	if c, ok := ca.Get(url); ok {
		return c, nil
	}
	v, err, _ := ca.group.Do(url, func() (any, error) {
		if c, ok := ca.Get(url); ok {
			return c, nil
		}
		data, err := Fetch(ctx, ca.opts.Doer, url, ca.opts.Fetch)
		if err != nil {
			return nil, err
		}
		c, revoked, err := parseUnindexed(data)
		if err != nil {
			return nil, err
		}
		if same, ok := ca.lookupVersion(c); ok {
			c = same
		} else if c.Index, err = buildIndex(revoked); err != nil {
			return nil, err
		}
		return ca.Add(url, c), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*CRL), nil
}
