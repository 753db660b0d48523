package tl

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
)

// Cache remembers lists that Verify verified, keyed by the SHA-256 of
// their bytes and of the pinned signer certificates: a hit stands for
// "these bytes carry a valid signature by one of these signers and decode
// to this list", which no validation time changes; Verify checks the
// list's times against each call's options. The zero value is ready to use
// and holds up to 16 lists; a nil *Cache caches nothing.
type Cache struct {
	// Size bounds the number of lists kept; zero means 16.
	// The oldest entry is dropped first.
	Size int

	mu      sync.Mutex
	entries map[cacheKey]*List
	order   []cacheKey
}

// defaultCacheSize is the bound of a Cache whose Size is zero.
const defaultCacheSize = 16

type cacheKey struct{ data, signers [sha256.Size]byte }

func newCacheKey(data []byte, signers []*x509.Certificate) cacheKey {
	k := cacheKey{data: sha256.Sum256(data)}
	h := sha256.New()
	for _, c := range signers {
		sum := sha256.Sum256(c.Raw)
		h.Write(sum[:])
	}
	h.Sum(k.signers[:0])
	return k
}

// verify returns the list data holds after checking its signature, from
// the cache when it holds it.
func (c *Cache) verify(data []byte, signers []*x509.Certificate) (*List, error) {
	if c == nil {
		return verifyList(data, signers)
	}
	key := newCacheKey(data, signers)
	c.mu.Lock()
	l, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return l, nil
	}
	l, err := verifyList(data, signers)
	if err != nil {
		return nil, err
	}
	c.add(key, l)
	return l, nil
}

func (c *Cache) add(key cacheKey, l *List) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[cacheKey]*List)
	}
	if _, ok := c.entries[key]; ok {
		return
	}
	size := c.Size
	if size <= 0 {
		size = defaultCacheSize
	}
	for len(c.order) >= size {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[key] = l
	c.order = append(c.order, key)
}
