package eid

import (
	"context"
	"errors"
	"fmt"
)

// Limits against a card (or a broken reader) that never stops answering.
const (
	maxGetResponse = 64     // GET RESPONSE rounds after one command
	maxResponse    = 0x8000 // bytes gathered through GET RESPONSE
	maxFileSize    = 0x8000 // READ BINARY offsets are 15 bits (P1 bit 8 = 0)
)

// sw values.
const (
	swOK           = 0x9000
	swEndOfFile    = 0x6B00
	swNotFound     = 0x6A82
	swWrongP1P2    = 0x6A86
	swWrongLc      = 0x6A87
	insGetResp     = 0xC0
	claISO         = 0x00
	claProprietary = 0x80
)

// exchange sends one command APDU and performs the T=0 processing of
// applet 1.8 reference manual §6.1 / applet 1.7 §6.1: 61xx is followed by
// GET RESPONSE (00 C0 00 00 xx) until the data are complete, and 6Cxx
// ("Le incorrect, xx available", READ BINARY and GET CARD DATA status
// tables) resends the command once with Le = xx. It returns the data and
// the final status word; an empty or one-byte response matches ErrMalformed.
// count is incremented for every APDU sent.
func exchange(ctx context.Context, t Transport, apdu []byte, count *int) ([]byte, uint16, error) {
	data, sw, err := transmit(ctx, t, apdu, count)
	if err != nil {
		return nil, 0, err
	}
	if sw>>8 == 0x6C {
		// Resend with the right Le (once: a second 6Cxx is an error).
		re := withLe(apdu, byte(sw))
		data, sw, err = transmit(ctx, t, re, count)
		if err != nil {
			return nil, 0, err
		}
		if sw>>8 == 0x6C {
			return nil, sw, nil
		}
	}
	var out []byte
	if sw>>8 == 0x61 {
		out = append(out, data...)
		for round := 0; sw>>8 == 0x61; round++ {
			if round >= maxGetResponse || len(out) > maxResponse {
				return nil, 0, fmt.Errorf("%w: GET RESPONSE does not end", errBadResponse)
			}
			gr := []byte{claISO, insGetResp, 0, 0, byte(sw)}
			data, sw, err = transmit(ctx, t, gr, count)
			if err != nil {
				return nil, 0, err
			}
			if sw>>8 == 0x6C { // GET RESPONSE with a too large Le
				data, sw, err = transmit(ctx, t, withLe(gr, byte(sw)), count)
				if err != nil {
					return nil, 0, err
				}
			}
			out = append(out, data...)
		}
		return out, sw, nil
	}
	return data, sw, nil
}

// transmit sends one APDU and splits the response into data and status.
func transmit(ctx context.Context, t Transport, apdu []byte, count *int) ([]byte, uint16, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if count != nil {
		*count++
	}
	resp, err := t.Transmit(ctx, apdu)
	if err != nil {
		return nil, 0, err
	}
	if len(resp) < 2 {
		return nil, 0, fmt.Errorf("%w: %d bytes, no status word", errBadResponse, len(resp))
	}
	n := len(resp) - 2
	return resp[:n:n], uint16(resp[n])<<8 | uint16(resp[n+1]), nil
}

// withLe returns a copy of apdu with its Le set to le: a case-2 or case-4
// short APDU gets its last byte replaced, a case-1 or case-3 APDU gets Le
// appended.
func withLe(apdu []byte, le byte) []byte {
	out := append([]byte(nil), apdu...)
	switch {
	case len(apdu) == 5: // case 2: header + Le
		out[4] = le
	case len(apdu) > 5 && len(apdu) == 5+int(apdu[4])+1: // case 4
		out[len(out)-1] = le
	default: // case 1 or 3
		out = append(out, le)
	}
	return out
}

// command runs one command and turns a status other than 9000 into a
// *StatusError named name.
func (c *Card) command(ctx context.Context, name string, apdu []byte) ([]byte, error) {
	data, sw, err := exchange(ctx, c.t, apdu, &c.apdus)
	if err != nil {
		return nil, fmt.Errorf("eid: %s: %w", name, err)
	}
	c.log(ctx, name, sw)
	if sw != swOK {
		return nil, &StatusError{Command: name, SW: sw}
	}
	return data, nil
}

// selectMode is a way of selecting a file: card content and the reference
// manuals (§6.6 SELECT FILE) give P1=08 with the absolute path without the
// MF; readers in the wild also send P1=08 with 3F00, and the official
// middleware selects by file ID (P1=02), walking the path.
type selectMode int

const (
	selectUnknown selectMode = iota
	selectPath               // P1=08, path without 3F00
	selectPathMF             // P1=08, path with 3F00
	selectWalk               // P1=02, one file ID at a time
)

// selectFile selects the elementary file id. The first file tries the
// modes in order, falling back on 6A82/6A86/6A87; the mode that works is
// kept for the rest of the session, so that every later file costs one
// SELECT (or, walking by ID, one per directory change).
func (c *Card) selectFile(ctx context.Context, id FileID) error {
	if c.mode != selectUnknown {
		return c.selectWith(ctx, c.mode, id)
	}
	var err error
	for _, m := range []selectMode{selectPath, selectPathMF, selectWalk} {
		err = c.selectWith(ctx, m, id)
		if err == nil {
			c.mode = m
			return nil
		}
		var se *StatusError
		if !errors.As(err, &se) || (se.SW != swNotFound && se.SW != swWrongP1P2 && se.SW != swWrongLc) {
			return err
		}
	}
	return err
}

func (c *Card) selectWith(ctx context.Context, m selectMode, id FileID) error {
	p := id.path()
	switch m {
	case selectPath, selectPathMF:
		if m == selectPath {
			p = p[1:]
		}
		apdu := []byte{claISO, 0xA4, 0x08, 0x0C, byte(2 * len(p))}
		for _, f := range p {
			apdu = append(apdu, byte(f>>8), byte(f))
		}
		_, err := c.command(ctx, "SELECT", apdu)
		return err
	default:
		// Walk: skip the directories already selected.
		start := 0
		if c.curDF != 0 && id.dirOf() == c.curDF {
			start = len(p) - 1
		}
		for i := start; i < len(p); i++ {
			f := p[i]
			if _, err := c.command(ctx, "SELECT", []byte{claISO, 0xA4, 0x02, 0x0C, 2, byte(f >> 8), byte(f)}); err != nil {
				c.curDF = 0
				if start > 0 && errors.Is(err, ErrFileNotFound) {
					// The card may have lost its selection (a reset by
					// another program sharing it): walk from the MF once.
					return c.selectWith(ctx, m, id)
				}
				return err
			}
			if i < len(p)-1 {
				c.curDF = f
			}
		}
		return nil
	}
}

// derLength returns the total length of the DER element starting b, when
// its header is complete and its length short enough for a card file.
func derLength(b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	l := int(b[1])
	switch {
	case l < 0x80:
		return 2 + l, true
	case l == 0x81 && len(b) >= 3:
		return 3 + int(b[2]), true
	case l == 0x82 && len(b) >= 4:
		return 4 + (int(b[2])<<8 | int(b[3])), true
	}
	return 0, false
}

// readBinary reads the selected file with READ BINARY (§6.7) and returns
// the whole file or an error; never a part taken for the whole.
//
// It reads chunks of up to 256 bytes (Le=00). A certificate's DER header
// gives its length: the file is read up to it, the last Le exact, and a
// 6B00 or a chunk that ends it sooner matches ErrMalformed; a certificate
// file starting with a zero byte holds none, which its whole first chunk
// must confirm (all zeros). Other files end where the card answers 6B00
// (offset beyond the end): a chunk shorter than asked is not taken for the
// end, reading goes on at the next offset, and a 6B00 after a full chunk is
// confirmed by a second READ BINARY at the same offset, so that no single
// stray answer cuts a file short. This costs one APDU more per file.
func (c *Card) readBinary(ctx context.Context, id FileID) ([]byte, error) {
	buf := []byte{}
	want := -1
	ended := false // a 6B00 was seen at len(buf), to be confirmed
	short := false // the last chunk was shorter than asked
	for {
		le := 256
		if want >= 0 {
			if len(buf) == want {
				return buf[:want:want], nil
			}
			le = min(256, want-len(buf))
		}
		off := len(buf)
		if off >= maxFileSize {
			return nil, fmt.Errorf("eid: READ BINARY %s: %w: file larger than %d bytes", id, errBadResponse, maxFileSize)
		}
		apdu := []byte{claISO, 0xB0, byte(off >> 8), byte(off), byte(le)}
		data, sw, err := exchange(ctx, c.t, apdu, &c.apdus)
		if err != nil {
			return nil, fmt.Errorf("eid: READ BINARY %s: %w", id, err)
		}
		c.log(ctx, "READ BINARY", sw)
		if sw == swEndOfFile {
			switch {
			case want >= 0:
				return nil, fmt.Errorf("eid: READ BINARY %s: %w: file ends at %d bytes, its DER length is %d", id, errBadResponse, off, want)
			case ended || short:
				// Two signs of the end: a short chunk then 6B00, or 6B00
				// twice.
				return buf, nil
			}
			ended = true
			continue
		}
		if sw != swOK {
			return nil, &StatusError{Command: "READ BINARY " + id.String(), SW: sw}
		}
		if ended {
			return nil, fmt.Errorf("eid: READ BINARY %s: %w: data at offset %d after the end of file", id, errBadResponse, off)
		}
		if len(data) > le {
			return nil, fmt.Errorf("eid: READ BINARY %s: %w: %d bytes for Le %d", id, errBadResponse, len(data), le)
		}
		if len(data) == 0 {
			return nil, fmt.Errorf("eid: READ BINARY %s: %w: no data at offset %d", id, errBadResponse, off)
		}
		buf = append(buf, data...)
		short = len(data) < le
		if off == 0 && id.isCertificate() {
			if buf[0] == 0 {
				if len(data) < le || !allZero(buf) {
					return nil, fmt.Errorf("eid: READ BINARY %s: %w: certificate file neither DER nor zeros", id, errBadResponse)
				}
				return []byte{}, nil
			}
			n, ok := derLength(buf)
			if !ok {
				return nil, fmt.Errorf("eid: READ BINARY %s: %w: certificate file without a DER header", id, errBadResponse)
			}
			want = n
			if len(buf) > want {
				return buf[:want:want], nil
			}
		}
	}
}
