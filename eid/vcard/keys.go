package vcard

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"io"
	"math/big"
	mrand "math/rand/v2"
)

// drbg returns a deterministic random stream for one purpose (label) of a
// card seed. It is used only to derive test keys and serial numbers, so that
// a seed always gives the same card.
func drbg(seed []byte, label string) io.Reader {
	h := sha256.New()
	h.Write([]byte("csam vcard drbg\x00"))
	h.Write(seed)
	h.Write([]byte{0})
	h.Write([]byte(label))
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return mrand.NewChaCha8(s)
}

// ecKey derives a P-384 private key from r: a uniformly drawn scalar in
// [1, n-1] (rejection sampling), parsed with ecdsa.ParseRawPrivateKey.
func ecKey(r io.Reader) (*ecdsa.PrivateKey, error) {
	c := elliptic.P384()
	n := c.Params().N
	buf := make([]byte, (n.BitLen()+7)/8)
	for range 1000 {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		k := new(big.Int).SetBytes(buf)
		if k.Sign() == 0 || k.Cmp(n) >= 0 {
			continue
		}
		return ecdsa.ParseRawPrivateKey(c, buf)
	}
	return nil, errors.New("vcard: cannot derive an EC key")
}

// rsaKey derives an RSA key of the given size from r. crypto/rsa ignores
// its random source since Go 1.26, so deterministic test keys are built
// here from two probable primes drawn from r.
func rsaKey(r io.Reader, bits int) (*rsa.PrivateKey, error) {
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for range 100 {
		p, err := prime(r, bits/2)
		if err != nil {
			return nil, err
		}
		q, err := prime(r, bits-bits/2)
		if err != nil {
			return nil, err
		}
		if p.Cmp(q) == 0 {
			continue
		}
		if p.Cmp(q) < 0 {
			p, q = q, p
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		pm := new(big.Int).Sub(p, one)
		qm := new(big.Int).Sub(q, one)
		phi := new(big.Int).Mul(pm, qm)
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		k := &rsa.PrivateKey{
			PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())},
			D:         d,
			Primes:    []*big.Int{p, q},
		}
		k.Precompute()
		if err := k.Validate(); err != nil {
			continue
		}
		return k, nil
	}
	return nil, errors.New("vcard: cannot derive an RSA key")
}

// smallPrimes are the odd primes below 4096, for sieving candidates.
var smallPrimes = func() []uint64 {
	var ps []uint64
	composite := make([]bool, 4096)
	for i := 3; i < len(composite); i += 2 {
		if composite[i] {
			continue
		}
		ps = append(ps, uint64(i))
		for j := i * i; j < len(composite); j += 2 * i {
			composite[j] = true
		}
	}
	return ps
}()

// prime draws a probable prime of exactly bits bits with the two top bits
// set (so that the product of two has the full size): a random odd start,
// then the next number not divisible by a small prime that passes the
// Baillie-PSW test, skipping p ≡ 1 (mod 65537).
func prime(r io.Reader, bits int) (*big.Int, error) {
	buf := make([]byte, (bits+7)/8)
	mods := make([]uint64, len(smallPrimes))
	m := new(big.Int)
	for {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		if extra := len(buf)*8 - bits; extra > 0 {
			buf[0] &= byte(0xFF >> extra)
		}
		base := new(big.Int).SetBytes(buf)
		base.SetBit(base, bits-1, 1)
		base.SetBit(base, bits-2, 1)
		base.SetBit(base, 0, 1)
		for i, sp := range smallPrimes {
			mods[i] = m.Mod(base, m.SetUint64(sp)).Uint64()
		}
	next:
		for delta := uint64(0); delta < 1<<20; delta += 2 {
			for i, sp := range smallPrimes {
				if (mods[i]+delta)%sp == 0 {
					continue next
				}
			}
			p := new(big.Int).Add(base, m.SetUint64(delta))
			if p.BitLen() != bits {
				break
			}
			if p.ProbablyPrime(0) && new(big.Int).Mod(p, big.NewInt(65537)).Int64() != 1 {
				return p, nil
			}
		}
	}
}

// detSigner makes signatures that depend only on the key and the message:
// RSA PKCS#1 v1.5 is deterministic already, ECDSA uses RFC 6979 nonces.
// Certificates made with it are identical for identical inputs.
type detSigner struct{ crypto.Signer }

func (s detSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if k, ok := s.Signer.(*ecdsa.PrivateKey); ok {
		return k.Sign(nil, digest, opts)
	}
	return s.Signer.Sign(nil, digest, opts)
}
