package x509check

// DisableResultCache makes v validate without its result cache (its path
// and revocation caches stay), for the benchmark of the checks the cache
// saves. Call it before v's first validation.
func DisableResultCache(v *Validator) { v.results = nil }
