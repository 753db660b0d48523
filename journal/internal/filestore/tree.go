package filestore

import (
	"encoding/binary"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
)

var rangeFactory = compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}

// tree is the Merkle tree of the log as far as it is integrated: its
// compact range, and the right-hand tiles and entry bundle, the only ones
// that still grow. Resources changed since the last take are kept for
// writing.
type tree struct {
	rng    *compact.Range
	tiles  map[uint64]*edgeTile // by tile level
	bundle *edgeBundle

	dirtyTiles   []*edgeTile
	dirtyBundles []*edgeBundle
}

type edgeTile struct {
	level, index uint64
	nodes        [][]byte
	dirty        bool
}

type edgeBundle struct {
	index uint64
	n     int
	data  []byte // tlog-tiles encoding
	dirty bool
}

func newTree() *tree {
	return &tree{rng: rangeFactory.NewEmptyRange(0), tiles: map[uint64]*edgeTile{}}
}

func (t *tree) size() uint64 { return t.rng.End() }

func (t *tree) root() []byte {
	if t.size() == 0 {
		return rfc6962.DefaultHasher.EmptyRoot()
	}
	r, _ := t.rng.GetRootHash(nil)
	return r
}

// add appends an entry.
func (t *tree) add(data []byte) error {
	i := t.size()
	b := t.bundle
	if b == nil || b.index != i/layout.EntryBundleWidth {
		b = &edgeBundle{index: i / layout.EntryBundleWidth}
		t.bundle = b
	}
	if b.n != int(i%layout.EntryBundleWidth) {
		return fmt.Errorf("filestore: entry bundle %d holds %d entries at index %d", b.index, b.n, i)
	}
	b.data = binary.BigEndian.AppendUint16(b.data, uint16(len(data)))
	b.data = append(b.data, data...)
	b.n++
	if !b.dirty {
		b.dirty = true
		t.dirtyBundles = append(t.dirtyBundles, b)
	}
	var err error
	visit := func(id compact.NodeID, hash []byte) {
		if err == nil && id.Level%layout.TileHeight == 0 {
			err = t.setNode(uint64(id.Level/layout.TileHeight), id.Index, hash)
		}
	}
	if aerr := t.rng.Append(rfc6962.DefaultHasher.HashLeaf(data), visit); aerr != nil {
		return aerr
	}
	return err
}

// setNode records the hash of the node at tree level 8*level, index.
func (t *tree) setNode(level, index uint64, hash []byte) error {
	e := t.tiles[level]
	if e == nil || e.index != index/layout.TileWidth {
		e = &edgeTile{level: level, index: index / layout.TileWidth}
		t.tiles[level] = e
	}
	if uint64(len(e.nodes)) != index%layout.TileWidth {
		return fmt.Errorf("filestore: tile %d/%d holds %d nodes, adding node %d", level, e.index, len(e.nodes), index)
	}
	e.nodes = append(e.nodes, hash)
	if !e.dirty {
		e.dirty = true
		t.dirtyTiles = append(t.dirtyTiles, e)
	}
	return nil
}

// resource is a tlog-tiles file to write: its path and contents; full is
// the path of the resource when full, width the number of entries or
// hashes it holds and prefix encodes the first w of them (the partial
// resource of width w).
type resource struct {
	path, full string
	data       []byte
	width      int
	prefix     func(w int) []byte
}

// take returns the entry bundles and tiles changed since the last take,
// bundles first.
func (t *tree) take() []resource {
	var rs []resource
	for _, b := range t.dirtyBundles {
		data := append([]byte(nil), b.data...)
		rs = append(rs, resource{path: layout.EntriesPath(b.index, uint8(b.n%layout.EntryBundleWidth)), full: layout.EntriesPath(b.index, 0),
			data: data, width: b.n, prefix: func(w int) []byte { return data[:bundlePrefix(data, w)] }})
		b.dirty = false
	}
	for _, e := range t.dirtyTiles {
		nodes := e.nodes[:len(e.nodes):len(e.nodes)]
		data, _ := api.HashTile{Nodes: nodes}.MarshalText()
		rs = append(rs, resource{path: layout.TilePath(e.level, e.index, uint8(len(nodes)%layout.TileWidth)), full: layout.TilePath(e.level, e.index, 0),
			data: data, width: len(nodes), prefix: func(w int) []byte { b, _ := api.HashTile{Nodes: nodes[:w]}.MarshalText(); return b }})
		e.dirty = false
	}
	t.dirtyBundles, t.dirtyTiles = t.dirtyBundles[:0], t.dirtyTiles[:0]
	return rs
}

// bundlePrefix returns the size of the first w entries of an encoded
// entry bundle.
func bundlePrefix(data []byte, w int) int {
	off := 0
	for range w {
		off += 2 + int(binary.BigEndian.Uint16(data[off:]))
	}
	return off
}

// resumeTree rebuilds the tree of size from its compact range hashes and
// the right-hand tiles and bundle read with read (the stored resources of
// a tree of that size).
func resumeTree(size uint64, hashes [][]byte, read func(path string) ([]byte, error)) (*tree, error) {
	rng, err := rangeFactory.NewRange(0, size, hashes)
	if err != nil {
		return nil, err
	}
	t := &tree{rng: rng, tiles: map[uint64]*edgeTile{}}
	for level := uint64(0); size>>(level*layout.TileHeight) > 0; level++ {
		count := size >> (level * layout.TileHeight)
		w := count % layout.TileWidth
		if w == 0 {
			continue
		}
		e := &edgeTile{level: level, index: count / layout.TileWidth}
		b, err := read(layout.TilePath(level, e.index, uint8(w)))
		if err != nil {
			return nil, err
		}
		var ht api.HashTile
		if err := ht.UnmarshalText(b); err != nil || uint64(len(ht.Nodes)) != w {
			return nil, fmt.Errorf("filestore: tile %d/%d of a tree of %d: not %d hashes", level, e.index, size, w)
		}
		e.nodes = ht.Nodes
		t.tiles[level] = e
	}
	if w := size % layout.EntryBundleWidth; w > 0 {
		bi := size / layout.EntryBundleWidth
		b, err := read(layout.EntriesPath(bi, uint8(w)))
		if err != nil {
			return nil, err
		}
		var eb api.EntryBundle
		if err := eb.UnmarshalText(b); err != nil || uint64(len(eb.Entries)) != w {
			return nil, fmt.Errorf("filestore: entry bundle %d of a tree of %d: not %d entries", bi, size, w)
		}
		t.bundle = &edgeBundle{index: bi, n: int(w), data: b}
	}
	return t, nil
}
