// Package bounded is a map with a size bound, safe for concurrent use, for
// the caches of x509check and its OCSP checker.
package bounded

import "sync"

// Cache is a map with a size bound: when full, an arbitrary entry is
// dropped. A negative or zero bound disables it.
type Cache[K comparable, V any] struct {
	mu  sync.RWMutex
	max int
	m   map[K]V
}

// New returns a cache of at most max entries.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, m: map[K]V{}}
}

// Get returns the value of k.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

// Put sets the value of k, dropping an arbitrary entry when the cache is
// full.
func (c *Cache[K, V]) Put(k K, v V) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
}

// Delete removes k.
func (c *Cache[K, V]) Delete(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}
