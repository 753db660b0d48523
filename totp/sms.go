package totp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/csam-go/csam/keys"
)

// Sender delivers SMS one-time codes. Implementations talk to an SMS
// gateway; they must neither log the code nor put it in their errors, which
// Send logs and returns.
type Sender interface {
	// SendCode sends code to the phone number to.
	SendCode(ctx context.Context, to, code string) error
}

// SenderFunc adapts a function to the Sender interface.
type SenderFunc func(ctx context.Context, to, code string) error

// SendCode calls f.
func (f SenderFunc) SendCode(ctx context.Context, to, code string) error { return f(ctx, to, code) }

// Verdicts of SMS codes, besides [ErrInvalidCode], [ErrReplayed] and
// [ErrThrottled].
var (
	// ErrNoChallenge is returned when no SMS code is pending for the
	// identifier: none was sent.
	ErrNoChallenge = errors.New("totp: no pending SMS code")
	// ErrExpired is returned when the pending SMS code expired.
	ErrExpired = errors.New("totp: SMS code expired")
)

// errLastAttempt: a wrong SMS code that used the last attempt;
// errNoAttempts: the attempts are used up, a new code must be sent.
var (
	errLastAttempt = fmt.Errorf("%w: that was the last attempt for the SMS code", ErrInvalidCode)
	errNoAttempts  = fmt.Errorf("%w: no attempts left for the SMS code, send a new one", ErrInvalidCode)
)

// SendLimitError reports that Send refused to send a code because
// SMSOptions.MaxSends codes went to the phone number within the current
// SendWindow. errors.Is matches it with [ErrThrottled].
type SendLimitError struct {
	Wait  time.Duration // until the window ends and sending is possible again
	Until time.Time     // end of the window
	Sent  int           // codes sent in the window
}

func (e *SendLimitError) Error() string {
	return fmt.Sprintf("totp: too many SMS codes sent (%d), retry in %s", e.Sent, e.Wait.Round(time.Second))
}

// Unwrap returns ErrThrottled.
func (e *SendLimitError) Unwrap() error { return ErrThrottled }

// SMSOptions configures an SMS. The zero value, with a Sender, gives
// 6-digit codes valid 5 minutes with 3 attempts, and at most 5 codes per
// phone number and hour.
type SMSOptions struct {
	// Digits is the code length, 6 (zero means 6) to 8.
	Digits int
	// TTL is how long a code stays valid; zero means 5 minutes.
	TTL time.Duration
	// MaxAttempts is the number of wrong codes allowed before the code is
	// void; zero means 3.
	MaxAttempts int
	// MaxSends is the number of codes Send sends to one phone number within
	// SendWindow, failed sends included; beyond it Send fails with a
	// *SendLimitError until the window ends. Since every new code brings
	// MaxAttempts fresh guesses, this bounds the guesses as well as the
	// cost of the messages. Zero means 5; a negative value means no limit.
	MaxSends int
	// SendWindow is the period over which MaxSends counts, from the first
	// send to the number; zero means one hour.
	SendWindow time.Duration
	// Key is the HMAC-SHA-256 key under which codes are stored (only their
	// MAC is stored). Replicas sharing a store must share the key, of at
	// least 16 bytes; nil means a random key for this SMS value only.
	Key []byte
	// Sender delivers the codes; required.
	Sender Sender
	// Store keeps pending codes and send counts; nil means a new
	// MemoryStore. A send count the store lost within SendWindow of the
	// store's epoch (see the package documentation) counts as MaxSends-1:
	// a store that loses its data lets one more code go to each number.
	Store Store
	// Now is the clock; nil means the store's clock when it has one (a
	// ClockStore), else time.Now.
	Now func() time.Time
	// Rand is the source of codes and salts; nil means crypto/rand.
	Rand io.Reader
	// Logger receives diagnostics (never codes, nor identifiers above
	// Debug level); nil means none.
	Logger *slog.Logger
}

// SMS issues one-time codes sent by SMS and checks them: random codes from
// the server, stored only as a salted MAC with an expiry, single use, with
// an attempt limit. A successful check proves the keys.IDSMS key type. It is
// safe for concurrent use.
type SMS struct {
	o     SMSOptions
	clock ClockStore // the store, when it has a clock and Now is not set
	max   *big.Int
}

// NewSMS returns an SMS with the given options. It fails with an error
// saying which option is invalid ("totp: invalid options: ...").
func NewSMS(o SMSOptions) (*SMS, error) {
	if o.Sender == nil {
		return nil, errBadOptions("an SMS sender is required")
	}
	if o.Digits == 0 {
		o.Digits = 6
	}
	if o.Digits < 6 || o.Digits > 8 {
		return nil, errBadOptions("SMS codes have 6 to 8 digits")
	}
	if o.TTL == 0 {
		o.TTL = 5 * time.Minute
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 3
	}
	if o.TTL < 0 || o.MaxAttempts < 0 || o.MaxAttempts > 255 {
		return nil, errBadOptions("SMS TTL must be positive and attempts between 1 and 255")
	}
	if o.MaxSends == 0 {
		o.MaxSends = 5
	}
	if o.SendWindow == 0 {
		o.SendWindow = time.Hour
	}
	if o.SendWindow < 0 {
		return nil, errBadOptions("SMS send window must be positive")
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Key == nil {
		o.Key = make([]byte, 32)
		if _, err := io.ReadFull(o.Rand, o.Key); err != nil {
			return nil, fmt.Errorf("totp: making an SMS key: %w", err)
		}
	} else if len(o.Key) < 16 {
		return nil, errBadOptions("the SMS key must have at least 16 bytes")
	} else {
		o.Key = append([]byte(nil), o.Key...)
	}
	if o.Store == nil {
		o.Store = NewMemoryStore()
	}
	var clock ClockStore
	if cs, ok := o.Store.(ClockStore); ok && o.Now == nil {
		clock = cs
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &SMS{o: o, clock: clock, max: big.NewInt(int64(pow10[o.Digits]))}, nil
}

// challenge is what the store holds per pending SMS code.
type challenge struct {
	expires  int64 // Unix nanoseconds
	attempts uint8 // attempts left
	used     bool
	salt     [16]byte
	mac      [sha256.Size]byte
}

const challengeTag, challengeLen = 'S', 1 + 8 + 1 + 1 + 16 + sha256.Size

func (c challenge) encode() []byte {
	b := make([]byte, 0, challengeLen)
	b = append(b, challengeTag)
	b = binary.BigEndian.AppendUint64(b, uint64(c.expires))
	used := byte(0)
	if c.used {
		used = 1
	}
	b = append(b, c.attempts, used)
	b = append(b, c.salt[:]...)
	return append(b, c.mac[:]...)
}

func decodeChallenge(b []byte) (challenge, error) {
	var c challenge
	if len(b) != challengeLen || b[0] != challengeTag || b[10] > 1 {
		return c, errCorruptState
	}
	c.expires = int64(binary.BigEndian.Uint64(b[1:]))
	c.attempts, c.used = b[9], b[10] == 1
	copy(c.salt[:], b[11:27])
	copy(c.mac[:], b[27:])
	return c, nil
}

func (s *SMS) mac(id string, salt []byte, code string) [sha256.Size]byte {
	m := hmac.New(sha256.New, s.o.Key)
	m.Write([]byte("csam-totp-sms\x00"))
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(salt)
	m.Write([]byte(code))
	var out [sha256.Size]byte
	m.Sum(out[:0])
	return out
}

func smsKey(id string) string { return "sms:" + id }

// sendsKey is the store key of the send count of a phone number: a MAC of
// the number, so that the store holds no phone numbers.
func (s *SMS) sendsKey(to string) string {
	m := hmac.New(sha256.New, s.o.Key)
	m.Write([]byte("csam-totp-sms-to\x00"))
	m.Write([]byte(to))
	return "smssends:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// sends is what the store holds per phone number: the codes sent in the
// current window and its end.
type sends struct {
	end  int64 // Unix nanoseconds
	sent uint32
}

const sendsTag, sendsLen = 'R', 1 + 8 + 4

func (r sends) encode() []byte {
	b := append(make([]byte, 0, sendsLen), sendsTag)
	b = binary.BigEndian.AppendUint64(b, uint64(r.end))
	return binary.BigEndian.AppendUint32(b, r.sent)
}

func decodeSends(b []byte) (sends, error) {
	if len(b) != sendsLen || b[0] != sendsTag {
		return sends{}, errCorruptState
	}
	return sends{end: int64(binary.BigEndian.Uint64(b[1:])), sent: binary.BigEndian.Uint32(b[9:])}, nil
}

// countSend counts a send to the phone number to, or refuses it with a
// *SendLimitError when MaxSends were sent in the current window.
func (s *SMS) countSend(ctx context.Context, id, to string) error {
	key := s.sendsKey(to)
	for range 32 {
		raw, ver, now, err := readNow(ctx, s.o.Store, s.clock, s.o.Now, key)
		if err != nil {
			return storeErr("reading SMS send count", err)
		}
		var r sends
		if raw != nil {
			if r, err = decodeSends(raw); err != nil {
				return err
			}
		} else {
			// A count the store lost within a window of its epoch may have
			// reached the limit: one more send until that window ends.
			epoch, lost, err := storeEpoch(ctx, s.o.Store, now)
			if err != nil {
				return err
			}
			if end := epoch.Add(s.o.SendWindow); lost && now.Before(end) {
				r = sends{end: end.UnixNano(), sent: uint32(max(s.o.MaxSends-1, 0))}
			}
		}
		if r.end == 0 || now.UnixNano() >= r.end {
			r = sends{end: now.Add(s.o.SendWindow).UnixNano()}
		}
		until := time.Unix(0, r.end)
		if int64(r.sent) >= int64(s.o.MaxSends) {
			s.o.Logger.LogAttrs(ctx, slog.LevelDebug, "totp: SMS send limit reached", slog.String("id", id), slog.Int("sent", int(r.sent)))
			return &SendLimitError{Wait: until.Sub(now), Until: until, Sent: int(r.sent)}
		}
		r.sent++
		ok, err := s.o.Store.CompareAndSwap(ctx, key, ver, r.encode(), until.Sub(now))
		if err != nil {
			return storeErr("writing SMS send count", err)
		}
		if ok {
			return nil
		}
	}
	return errContention
}

// Send makes a new code for id (a login attempt or a user), stores its MAC,
// replacing any pending code for id, and sends it to the phone number to.
// It returns the code's expiry. When sending fails the code is withdrawn.
// Beyond MaxSends codes to the number within SendWindow it fails with a
// *SendLimitError ([ErrThrottled]).
func (s *SMS) Send(ctx context.Context, id, to string) (time.Time, error) {
	if id == "" {
		return time.Time{}, fmt.Errorf("%w: empty SMS identifier", errCredential)
	}
	if s.o.MaxSends > 0 {
		if err := s.countSend(ctx, id, to); err != nil {
			return time.Time{}, err
		}
	}
	n, err := rand.Int(s.o.Rand, s.max)
	if err != nil {
		return time.Time{}, fmt.Errorf("totp: making an SMS code: %w", err)
	}
	code := fmt.Sprintf("%0*d", s.o.Digits, n.Int64())
	var c challenge
	if _, err := io.ReadFull(s.o.Rand, c.salt[:]); err != nil {
		return time.Time{}, fmt.Errorf("totp: making an SMS salt: %w", err)
	}
	c.mac = s.mac(id, c.salt[:], code)
	c.attempts = uint8(s.o.MaxAttempts)
	key := smsKey(id)
	var ver uint64
	var expires time.Time
	for i := 0; ; i++ {
		if i == 32 {
			return time.Time{}, errContention
		}
		_, v, now, err := readNow(ctx, s.o.Store, s.clock, s.o.Now, key)
		if err != nil {
			return time.Time{}, storeErr("reading SMS state", err)
		}
		expires = now.Add(s.o.TTL)
		c.expires = expires.UnixNano()
		enc := c.encode()
		ok, err := s.o.Store.CompareAndSwap(ctx, key, v, enc, s.o.TTL)
		if err != nil {
			return time.Time{}, storeErr("writing SMS state", err)
		}
		if ok {
			// The version of our write, to withdraw it if sending fails;
			// not that of a code another Send stored since (salts differ).
			if raw, v, err := s.o.Store.Get(ctx, key); err == nil && bytes.Equal(raw, enc) {
				ver = v
			}
			break
		}
	}
	if err := s.o.Sender.SendCode(ctx, to, code); err != nil {
		if ver != 0 {
			_, _ = s.o.Store.CompareAndSwap(ctx, key, ver, nil, 0)
		}
		s.o.Logger.LogAttrs(ctx, slog.LevelWarn, "totp: SMS sending failed", slog.Any("error", err))
		return time.Time{}, fmt.Errorf("totp: sending SMS code: %w", err)
	}
	s.o.Logger.LogAttrs(ctx, slog.LevelDebug, "totp: SMS code sent", slog.String("id", id), slog.Time("expires", expires))
	return expires, nil
}

// Verify checks the pending SMS code of id. A valid code is used up: a
// second check of it fails with [ErrReplayed]. Errors: *InputError;
// [ErrNoChallenge]; [ErrExpired]; [ErrInvalidCode], also once the code's
// attempts are used up (the message then says so); ErrReplayed;
// [ErrStore].
func (s *SMS) Verify(ctx context.Context, id, code string) (Result, error) {
	want, err := parseCode(code, s.o.Digits)
	if err != nil {
		return Result{}, err
	}
	norm := fmt.Sprintf("%0*d", s.o.Digits, want)
	key := smsKey(id)
	for range 32 {
		raw, ver, now, err := readNow(ctx, s.o.Store, s.clock, s.o.Now, key)
		if err != nil {
			return Result{}, storeErr("reading SMS state", err)
		}
		if raw == nil {
			return Result{}, ErrNoChallenge
		}
		c, err := decodeChallenge(raw)
		if err != nil {
			return Result{}, err
		}
		left := time.Unix(0, c.expires).Sub(now)
		switch {
		case c.used:
			return Result{}, ErrReplayed
		case left <= 0:
			_, _ = s.o.Store.CompareAndSwap(ctx, key, ver, nil, 0)
			return Result{}, ErrExpired
		case c.attempts == 0:
			return Result{}, errNoAttempts
		}
		m := s.mac(id, c.salt[:], norm)
		ok := hmac.Equal(m[:], c.mac[:])
		if ok {
			c.used = true
		} else {
			c.attempts--
		}
		swapped, err := s.o.Store.CompareAndSwap(ctx, key, ver, c.encode(), left)
		if err != nil {
			return Result{}, storeErr("writing SMS state", err)
		}
		if !swapped {
			continue
		}
		if !ok {
			s.o.Logger.LogAttrs(ctx, slog.LevelDebug, "totp: SMS code refused", slog.String("id", id), slog.Int("attempts_left", int(c.attempts)))
			if c.attempts == 0 {
				return Result{}, errLastAttempt
			}
			return Result{}, ErrInvalidCode
		}
		s.o.Logger.LogAttrs(ctx, slog.LevelDebug, "totp: SMS code accepted", slog.String("id", id))
		return Result{Key: keys.IDSMS}, nil
	}
	return Result{}, errContention
}
