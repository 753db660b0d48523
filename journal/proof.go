package journal

import (
	"context"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
)

// proofBuilder builds the inclusion proofs of a tree of one size from its
// tiles, as tessera's client.ProofBuilder does, but computes the inner
// nodes of a tile once for all the proofs that need them (the receipts of
// a batch share their tiles).
type proofBuilder struct {
	size  uint64
	read  func(ctx context.Context, level, index uint64, p uint8) ([]byte, error)
	tiles map[[2]uint64][][][]byte // tile -> node level in the tile -> hashes
}

func newProofBuilder(size uint64, read func(context.Context, uint64, uint64, uint8) ([]byte, error), prev *proofBuilder) *proofBuilder {
	b := &proofBuilder{size: size, read: read, tiles: map[[2]uint64][][][]byte{}}
	if prev != nil {
		// Full tiles do not change as the tree grows.
		for k, t := range prev.tiles {
			if len(t[0]) == layout.TileWidth {
				b.tiles[k] = t
			}
		}
	}
	return b
}

// inclusion returns the inclusion proof of the entry at index.
func (b *proofBuilder) inclusion(ctx context.Context, index uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, b.size)
	if err != nil {
		return nil, err
	}
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		if hashes[i], err = b.node(ctx, id); err != nil {
			return nil, err
		}
	}
	return nodes.Rehash(hashes, rfc6962.DefaultHasher.HashChildren)
}

// node returns the hash of a perfect subtree of the tree.
func (b *proofBuilder) node(ctx context.Context, id compact.NodeID) ([]byte, error) {
	tl, ti, nl, ni := layout.NodeCoordsToTileAddress(uint64(id.Level), id.Index)
	t, ok := b.tiles[[2]uint64{tl, ti}]
	if !ok {
		raw, err := b.read(ctx, tl, ti, layout.PartialTileSize(tl, ti, b.size))
		if err != nil {
			return nil, err
		}
		var ht api.HashTile
		if err := ht.UnmarshalText(raw); err != nil {
			return nil, err
		}
		t = [][][]byte{ht.Nodes}
		for l := 1; l < layout.TileHeight; l++ {
			below := t[l-1]
			row := make([][]byte, len(below)/2)
			for k := range row {
				row[k] = rfc6962.DefaultHasher.HashChildren(below[2*k], below[2*k+1])
			}
			t = append(t, row)
		}
		b.tiles[[2]uint64{tl, ti}] = t
	}
	if ni >= uint64(len(t[nl])) {
		return nil, fmt.Errorf("tile %d/%d has no node %d at level %d", tl, ti, ni, nl)
	}
	return t[nl][ni], nil
}
