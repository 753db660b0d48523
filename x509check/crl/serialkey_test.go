package crl

import (
	"bytes"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestSerialKeyForms checks that the key Check converts a serial to, words
// written straight into it, is the one made from its DER content octets:
// at byte and word boundaries, at the inline limit (159 and 160 bits),
// beyond it, for negative serials and random ones.
func TestSerialKeyForms(t *testing.T) {
	one := big.NewInt(1)
	var serials []*big.Int
	for _, b := range []uint{0, 7, 8, 15, 16, 55, 56, 63, 64, 65, 127, 128, 129, 151, 152, 158, 159, 160, 167, 191, 192, 193, 255} {
		p := new(big.Int).Lsh(one, b)
		serials = append(serials, p, new(big.Int).Sub(p, one), new(big.Int).Add(p, big.NewInt(3)), new(big.Int).Neg(p))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		var b [24]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		n := new(big.Int).SetBytes(b[:rng.IntN(len(b)+1)])
		if rng.IntN(4) == 0 {
			n.Neg(n)
		}
		serials = append(serials, n)
	}
	for _, n := range serials {
		var got, want serialKey
		got.set(n)
		var buf [40]byte
		der := serialBytes(n, buf[:0])
		want.setBytes(der)
		if got.n != want.n || got.k != want.k || !bytes.Equal(got.long, want.long) {
			t.Errorf("serial %v (%x): key %d %x %x, want %d %x %x", n, der, got.n, got.k, got.long, want.n, want.k, want.long)
		}
	}
}
