package keys

import (
	"fmt"
	"io"
	"strconv"
	"sync"
)

// Registry holds key types by identifier: the built-ins and the future key
// types registered at run time or loaded from definition files. A
// registered key type is usable at once according to its level (art.
// 3.1.e, 3.2.f, 3.3.d): the application catalog never changes for it.
//
// A Registry is safe for concurrent use. The zero value is an empty
// registry, without the built-ins; NewRegistry returns one with them.
type Registry struct {
	mu   sync.RWMutex
	byID map[ID]int
	list []KeyType
}

// NewRegistry returns a registry holding the built-in key types (Builtins).
func NewRegistry() *Registry {
	r := &Registry{}
	for _, k := range builtins {
		r.add(k)
	}
	return r
}

// add stores k; the caller holds the write lock and has checked k.
func (r *Registry) add(k KeyType) {
	if r.byID == nil {
		r.byID = make(map[ID]int)
	}
	r.byID[k.ID] = len(r.list)
	r.list = append(r.list, k.Clone())
}

// Register adds a key type. It returns an error (one or several joined
// *DefinitionError values) when k does not pass KeyType.Validate, or when
// its identifier is already registered (ErrDuplicateID); the registry is
// then unchanged.
func (r *Registry) Register(k KeyType) error {
	if err := k.Validate(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byID[k.ID]; dup {
		return &DefinitionError{ID: k.ID, Index: -1, Field: "id",
			Err: fmt.Errorf("%w %q: already registered", ErrDuplicateID, string(k.ID))}
	}
	r.add(k)
	return nil
}

// Lookup returns the key type registered under id.
func (r *Registry) Lookup(id ID) (KeyType, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	i, ok := r.byID[id]
	if !ok {
		return KeyType{}, false
	}
	return r.list[i].Clone(), true
}

// All returns every registered key type: the built-ins first in the order
// of Builtins, then the others in the order they were registered.
func (r *Registry) All() []KeyType {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]KeyType, len(r.list))
	for i, k := range r.list {
		out[i] = k.Clone()
	}
	return out
}

// LoadJSON reads a definition file (a JSON array of key type definitions,
// see the package documentation), registers every key type in it, in file
// order, and returns them. Every definition is checked as KeyType.Validate
// does; an identifier given twice in the file, or already registered, is
// [ErrDuplicateID] on field "id".
//
// It is all or nothing: on error it registers nothing and returns no key
// types and an error that is, or joins, one *DefinitionError per problem
// found, each with the definition's index, the field and the line:column in
// the input. A malformed JSON document stops at its first syntax error.
func (r *Registry) LoadJSON(rd io.Reader) ([]KeyType, error) {
	data, err := readDefinitions(rd)
	if err != nil {
		return nil, err
	}
	kts, src, err := decodeDefinitions(data)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []*DefinitionError
	for i, k := range kts {
		if _, dup := r.byID[k.ID]; dup {
			errs = append(errs, &DefinitionError{ID: k.ID, Index: i, Field: "id", Pos: src.at("[" + strconv.Itoa(i) + "].id"),
				Err: fmt.Errorf("%w %q: already registered", ErrDuplicateID, string(k.ID))})
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	for _, k := range kts {
		r.add(k)
	}
	out := make([]KeyType, len(kts))
	for i, k := range kts {
		out[i] = k.Clone()
	}
	return out, nil
}
