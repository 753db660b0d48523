package tl

import (
	"hash"
	"slices"
	"strings"
)

// This file writes the canonical form (XML C14N 1.0, exclusive or
// inclusive, with or without comments) of an element's subtree from the
// scanner's tokens, straight into a hash: a stack of the namespace
// declarations rendered so far replaces a copy of the namespace map per
// element. The subtree is the document's root element; C14N 1.1 gives
// the same bytes there, having no ancestors to inherit xml:* attributes
// from.

// c14nParams are the canonicalization a reference asks for.
type c14nParams struct {
	exclusive bool
	comments  bool
	// prefixes is the exclusive form's InclusiveNamespaces PrefixList,
	// "#default" standing for the default namespace.
	prefixes string
}

// c14nWriter is fed the tokens of the subtree in document order.
type c14nWriter struct {
	params   c14nParams
	included []string // parsed prefix list ("" for #default)
	h        hash.Hash
	buf      []byte
	rendered []nsBinding // declarations rendered by the open elements
	marks    []int       // len(rendered) at each open element
	names    []qnameStr  // open elements' qualified names
	nsTmp    []nsBinding
	attrTmp  []*xattr
}

type qnameStr struct{ prefix, local string }

// c14nBuffer is how many canonical bytes are gathered before hashing.
const c14nBuffer = 8 << 10

func newC14NWriter(p c14nParams, h hash.Hash) *c14nWriter {
	w := &c14nWriter{params: p, h: h, buf: make([]byte, 0, c14nBuffer+512)}
	if p.exclusive {
		for _, f := range strings.Fields(p.prefixes) {
			if f == "#default" {
				f = ""
			}
			w.included = append(w.included, f)
		}
	}
	return w
}

// flush hashes the gathered bytes when the buffer is full (or always,
// when final); without a hash the bytes are kept.
func (w *c14nWriter) flush(final bool) {
	if w.h == nil || !final && len(w.buf) < c14nBuffer {
		return
	}
	w.h.Write(w.buf)
	w.buf = w.buf[:0]
}

// renderedURI is the URI last rendered for prefix in the open elements.
func (w *c14nWriter) renderedURI(prefix string) string {
	for i := len(w.rendered) - 1; i >= 0; i-- {
		if w.rendered[i].prefix == prefix {
			return w.rendered[i].uri
		}
	}
	return ""
}

func (w *c14nWriter) consider(s *scanner, prefix string) {
	if prefix == "xml" {
		return
	}
	for _, b := range w.nsTmp {
		if b.prefix == prefix {
			return
		}
	}
	uri, _ := s.lookup(prefix)
	if uri != w.renderedURI(prefix) {
		w.nsTmp = append(w.nsTmp, nsBinding{prefix, uri})
	}
}

func (w *c14nWriter) start(s *scanner) {
	w.selectNamespaces(s)
	w.attrTmp = w.attrTmp[:0]
	for i := range s.attrs {
		if !s.attrs[i].isNS {
			w.attrTmp = append(w.attrTmp, &s.attrs[i])
		}
	}
	sortAttrs(w.attrTmp)
	w.marks = append(w.marks, len(w.rendered))
	w.rendered = append(w.rendered, w.nsTmp...)
	w.names = append(w.names, qnameStr{s.prefix, s.local})
	w.writeStart(s)
}

// selectNamespaces sets nsTmp to the namespace declarations the element
// renders, in order: for the exclusive form, those of the prefixes it
// uses (and of the InclusiveNamespaces prefixes) not rendered in effect
// above; for the inclusive form, its own declarations that change what is
// in effect.
func (w *c14nWriter) selectNamespaces(s *scanner) {
	w.nsTmp = w.nsTmp[:0]
	if w.params.exclusive {
		w.consider(s, s.prefix)
		for i := range s.attrs {
			if a := &s.attrs[i]; !a.isNS && a.prefix != "" {
				w.consider(s, a.prefix)
			}
		}
		for _, p := range w.included {
			if _, ok := s.lookup(p); ok {
				w.consider(s, p)
			}
		}
	} else {
		for i := range s.attrs {
			if a := &s.attrs[i]; a.isNS {
				p := a.local
				if a.prefix == "" {
					p = ""
				}
				w.consider(s, p)
			}
		}
	}
	slices.SortFunc(w.nsTmp, func(a, b nsBinding) int { return strings.Compare(a.prefix, b.prefix) })
}

// writeStart writes the start tag with the selected declarations and the
// sorted attributes.
func (w *c14nWriter) writeStart(s *scanner) {
	b := append(w.buf, '<')
	b = appendQName(b, s.prefix, s.local)
	for _, n := range w.nsTmp {
		if n.prefix == "" {
			b = append(b, ` xmlns="`...)
		} else {
			b = append(b, " xmlns:"...)
			b = append(b, n.prefix...)
			b = append(b, `="`...)
		}
		b = escapeAttr(b, n.uri)
		b = append(b, '"')
	}
	for _, a := range w.attrTmp {
		b = append(b, ' ')
		b = appendQName(b, a.prefix, a.local)
		b = append(b, `="`...)
		b = escapeAttr(b, a.value)
		b = append(b, '"')
	}
	w.buf = append(b, '>')
	w.flush(false)
}

func appendQName(b []byte, prefix, local string) []byte {
	if prefix != "" {
		b = append(b, prefix...)
		b = append(b, ':')
	}
	return append(b, local...)
}

func (w *c14nWriter) end() {
	n := w.names[len(w.names)-1]
	w.names = w.names[:len(w.names)-1]
	w.rendered = w.rendered[:w.marks[len(w.marks)-1]]
	w.marks = w.marks[:len(w.marks)-1]
	b := append(w.buf, "</"...)
	b = appendQName(b, n.prefix, n.local)
	w.buf = append(b, '>')
	w.flush(false)
}

func (w *c14nWriter) text(t []byte) {
	if w.h != nil && len(w.buf)+len(t) > cap(w.buf) {
		// Hash what is gathered rather than grow the buffer.
		w.h.Write(w.buf)
		w.buf = w.buf[:0]
		for len(t) > c14nBuffer {
			w.buf = escapeText(w.buf, t[:c14nBuffer])
			w.h.Write(w.buf)
			w.buf, t = w.buf[:0], t[c14nBuffer:]
		}
	}
	w.buf = escapeText(w.buf, t)
	w.flush(false)
}

func (w *c14nWriter) comment(t []byte) {
	if !w.params.comments {
		return
	}
	b := append(w.buf, "<!--"...)
	b = append(b, t...)
	w.buf = append(b, "-->"...)
	w.flush(false)
}

func (w *c14nWriter) pi(target string, data []byte) {
	b := append(w.buf, "<?"...)
	b = append(b, target...)
	if len(data) > 0 {
		b = append(b, ' ')
		b = append(b, data...)
	}
	w.buf = append(b, "?>"...)
	w.flush(false)
}

// textEscapes marks the bytes escapeText replaces.
var textEscapes = [256]bool{'&': true, '<': true, '>': true, '\r': true}

// escapeText appends t escaped as C14N text: &amp; &lt; &gt; &#xD;.
func escapeText(b, t []byte) []byte {
	last := 0
	for i, c := range t {
		if !textEscapes[c] {
			continue
		}
		var rep string
		switch c {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		default:
			rep = "&#xD;"
		}
		b = append(b, t[last:i]...)
		b = append(b, rep...)
		last = i + 1
	}
	return append(b, t[last:]...)
}

// escapeAttr appends v escaped as a C14N attribute value.
func escapeAttr[T []byte | string](b []byte, v T) []byte {
	last := 0
	for i := 0; i < len(v); i++ {
		var rep string
		switch v[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '"':
			rep = "&quot;"
		case '\t':
			rep = "&#x9;"
		case '\n':
			rep = "&#xA;"
		case '\r':
			rep = "&#xD;"
		default:
			continue
		}
		b = append(b, v[last:i]...)
		b = append(b, rep...)
		last = i + 1
	}
	return append(b, v[last:]...)
}

// sortAttrs sorts attributes in canonical order: by namespace URI (none
// first), then local name.
func sortAttrs(attrs []*xattr) {
	if len(attrs) < 2 {
		return
	}
	slices.SortFunc(attrs, func(a, b *xattr) int {
		if c := strings.Compare(a.uri, b.uri); c != 0 {
			return c
		}
		return strings.Compare(a.local, b.local)
	})
}
