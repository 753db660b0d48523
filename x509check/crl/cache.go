package crl

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults of CacheOptions.
const (
	defaultCacheEntries  = 64
	DefaultCacheLifetime = time.Hour
)

// CacheOptions configure a Cache. The zero value is ready to use.
type CacheOptions struct {
	// MaxEntries bounds the number of CRLs kept; zero means
	// 64. When full, expired CRLs go first, then the one
	// expiring soonest.
	MaxEntries int
	// MaxLifetime bounds how long a CRL stays cached after it was added,
	// whatever its nextUpdate says (a CRL may claim to be good for a
	// century); zero means DefaultCacheLifetime.
	MaxLifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Doer and Fetch are used by Load (see Fetch).
	Doer  Doer
	Fetch FetchOptions
}

// Cache keeps parsed CRLs (with their Index) by URL until their
// nextUpdate (a CRL without nextUpdate for 24 hours after its
// thisUpdate), and at most MaxLifetime after they were added. Load caches
// only CRLs its verify function accepted. CRLs of the same version (issuer and cRLNumber, or the same
// bytes) share one *CRL, so an index is built once per version. It is safe
// for concurrent use; concurrent Loads of one URL make one download.
type Cache struct {
	opts      CacheOptions
	mu        sync.Mutex
	byURL     map[string]cached
	byVersion map[string]*CRL
	group     singleflight.Group
}

// NewCache returns an empty cache.
func NewCache(opts CacheOptions) *Cache {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = defaultCacheEntries
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxLifetime <= 0 {
		opts.MaxLifetime = DefaultCacheLifetime
	}
	return &Cache{opts: opts, byURL: map[string]cached{}, byVersion: map[string]*CRL{}}
}

// cached is a CRL under one URL and when that entry expires.
type cached struct {
	c       *CRL
	expires time.Time
}

// expiry is when a cached CRL stops being served.
func expiry(c *CRL) time.Time {
	if !c.NextUpdate.IsZero() {
		return c.NextUpdate
	}
	return c.ThisUpdate.Add(defaultMaxAge)
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
	e, ok := ca.byURL[url]
	if !ok {
		return nil, false
	}
	if ca.opts.Now().After(e.expires) {
		ca.remove(url, e.c)
		return nil, false
	}
	return e.c, true
}

// Len returns the number of URLs cached.
func (ca *Cache) Len() int {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return len(ca.byURL)
}

// put caches c under url and returns the CRL now cached for it: an
// already cached *CRL of the same version when there is one, else c.
// An expired c is not cached. put does not verify c: the caller must have.
func (ca *Cache) put(url string, c *CRL) *CRL {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return ca.add(url, c)
}

func (ca *Cache) add(url string, c *CRL) *CRL {
	now := ca.opts.Now()
	exp := expiry(c)
	if now.After(exp) {
		return c
	}
	if lim := now.Add(ca.opts.MaxLifetime); lim.Before(exp) {
		exp = lim
	}
	if same, ok := ca.byVersion[versionKey(c)]; ok {
		c = same
	}
	if old, ok := ca.byURL[url]; ok {
		ca.remove(url, old.c)
	}
	for len(ca.byURL) >= ca.opts.MaxEntries {
		var victim string
		var ve cached
		for u, x := range ca.byURL {
			if ve.c == nil || x.expires.Before(ve.expires) {
				victim, ve = u, x
			}
		}
		ca.remove(victim, ve.c)
	}
	ca.byURL[url] = cached{c: c, expires: exp}
	ca.byVersion[versionKey(c)] = c
	return c
}

// remove drops url, and the version entry when no other URL shares it.
func (ca *Cache) remove(url string, c *CRL) {
	delete(ca.byURL, url)
	for _, x := range ca.byURL {
		if x.c == c {
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

// errNoVerify is returned by Load when given no verify function.
var errNoVerify = errors.New("crl: Cache.Load needs a verify function")

// Load returns the cached CRL for url, or fetches (Fetch) and parses it,
// calls verify on it, and caches it only when verify accepts it: a CRL
// that fails verification (forged, stale, of another issuer) is returned
// with verify's error and never cached, so it cannot stay in place of the
// real one, and a good cached CRL is never replaced by it. A downloaded
// CRL of a version already cached reuses its Index instead of building it
// again. verify is required (an error otherwise): it is typically CRL.Verify
// against the certificate's issuer. Other errors are those of Fetch and
// Parse.
func (ca *Cache) Load(ctx context.Context, url string, verify func(*CRL) error) (*CRL, error) {
	if verify == nil {
		return nil, errNoVerify
	}
	if c, ok := ca.Get(url); ok {
		return c, nil
	}
	type loaded struct {
		c   *CRL
		err error // verify's
	}
	v, err, _ := ca.group.Do(url, func() (any, error) {
		if c, ok := ca.Get(url); ok {
			return loaded{c: c}, nil
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
		if err := verify(c); err != nil {
			return loaded{c: c, err: err}, nil
		}
		return loaded{c: ca.put(url, c)}, nil
	})
	if err != nil {
		return nil, err
	}
	// Coalesced callers may verify against another issuer: each checks
	// with its own function.
	l := v.(loaded)
	if err := verify(l.c); err != nil {
		return l.c, err
	}
	if l.err != nil {
		return ca.put(url, l.c), nil
	}
	return l.c, nil
}
