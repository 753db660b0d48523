package totp

import (
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"hash"
	"sync"
	"time"

	pqtotp "github.com/pquerna/otp/totp"
)

var pow10 = [...]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// generator computes HOTP values (RFC 4226 §5.3) for one secret. It runs
// HMAC (RFC 2104) itself on two reused hash states: the states after the
// padded key blocks are computed once per verification and restored for
// each step, so that a step costs two compressions of one block and
// checking a whole window allocates nothing. Generators are pooled per
// algorithm and wiped on release. The tests hold it equal to pquerna/otp's
// hotp.GenerateCodeCustom.
type generator struct {
	alg            Algorithm
	inner, outer   hash.Hash
	innerU, outerU encoding.BinaryUnmarshaler // the same hashes
	ipad, opad     []byte                     // key XOR 0x36 / 0x5c, one block each
	istate, ostate []byte                     // hash states after ipad / opad
	mod            uint32
	calls          int // HMAC computations since newGenerator, for tests
	buf            [8]byte
	sum            [sha512.Size]byte
}

var generators [len(algorithmNames)]sync.Pool

func newGenerator(secret []byte, a Algorithm, digits int) *generator {
	g, _ := generators[a].Get().(*generator)
	if g == nil {
		h := a.hash()
		g = &generator{alg: a, inner: h(), outer: h()}
		// The hashes of the standard library (sha1, sha256, sha512) save
		// and restore their state.
		g.innerU, g.outerU = g.inner.(encoding.BinaryUnmarshaler), g.outer.(encoding.BinaryUnmarshaler)
		bs := g.inner.BlockSize()
		g.ipad, g.opad = make([]byte, bs), make([]byte, bs)
	}
	g.mod, g.calls = pow10[digits], 0
	key := secret
	if len(key) > len(g.ipad) { // long keys are hashed first (RFC 2104 §2)
		g.outer.Reset()
		g.outer.Write(key)
		key = g.outer.Sum(g.sum[:0])
	}
	clear(g.ipad)
	copy(g.ipad, key)
	for i, b := range g.ipad {
		g.ipad[i], g.opad[i] = b^0x36, b^0x5c
	}
	g.istate = saveState(g.inner, g.ipad, g.istate)
	g.ostate = saveState(g.outer, g.opad, g.ostate)
	return g
}

// saveState hashes pad into h from its start and appends h's state to
// buf[:0].
func saveState(h hash.Hash, pad, buf []byte) []byte {
	h.Reset()
	h.Write(pad)
	b, err := h.(encoding.BinaryAppender).AppendBinary(buf[:0])
	if err != nil {
		panic("totp: saving a hash state: " + err.Error()) // cannot fail for the standard hashes
	}
	return b
}

// release wipes the key material and returns g to its pool.
func (g *generator) release() {
	clear(g.ipad)
	clear(g.opad)
	clear(g.istate)
	clear(g.ostate)
	clear(g.sum[:])
	g.inner.Reset()
	g.outer.Reset()
	generators[g.alg].Put(g)
}

// at returns the HOTP value for counter, reduced to the configured digits.
func (g *generator) at(counter uint64) uint32 {
	g.calls++
	binary.BigEndian.PutUint64(g.buf[:], counter)
	g.restore(g.innerU, g.istate)
	g.inner.Write(g.buf[:])
	s := g.inner.Sum(g.sum[:0])
	g.restore(g.outerU, g.ostate)
	g.outer.Write(s)
	s = g.outer.Sum(g.sum[:0])
	off := s[len(s)-1] & 0x0f
	return (binary.BigEndian.Uint32(s[off:off+4]) & 0x7fffffff) % g.mod
}

func (g *generator) restore(h encoding.BinaryUnmarshaler, state []byte) {
	if err := h.UnmarshalBinary(state); err != nil {
		panic("totp: restoring a hash state: " + err.Error()) // a state it saved itself
	}
}

// GenerateCode returns the TOTP code of secret at time t with the period,
// digits and algorithm of o (other fields are ignored), computed by
// pquerna/otp. It fails for invalid options or a secret shorter than
// MinSecretBytes.
func GenerateCode(secret []byte, t time.Time, o Options) (string, error) {
	c, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	if len(secret) < MinSecretBytes {
		return "", &InputError{Err: errSecretTooShort, Detail: "secret too short for a code"}
	}
	if t.Unix() < 0 {
		return "", errBeforeEpoch
	}
	return pqtotp.GenerateCodeCustom(EncodeSecret(secret), t, pqtotp.ValidateOpts{
		Period:    uint(c.period / time.Second),
		Digits:    otpDigits(c.digits),
		Algorithm: c.alg.otp(),
	})
}
