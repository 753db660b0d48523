package tl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file is a strict XML 1.0 tokenizer over a byte slice, with
// namespaces resolved: one pass, names interned, text and attribute values
// sliced from the input when they need no decoding. It accepts what a
// trusted list may hold and refuses the rest (document type declarations,
// entities other than the predefined ones, encodings other than UTF-8,
// unbound prefixes).

const xmlNS = "http://www.w3.org/XML/1998/namespace"

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
	tokComment
	tokPI
)

// xattr is an attribute of a start tag. A namespace declaration has
// isNS set, prefix "xmlns" and local the declared prefix, or prefix ""
// and local "xmlns" for the default namespace.
type xattr struct {
	prefix, local, uri string
	value              []byte
	isNS               bool
}

// nsBinding binds a prefix ("" for the default namespace) to a URI.
type nsBinding struct{ prefix, uri string }

type openElem struct {
	qname  []byte
	nsMark int
}

// scanner yields the tokens of data. After next returns tokStart, prefix,
// local, uri and attrs describe the element; after tokEnd, the element
// closed; after tokText, tokComment and tokPI, text holds the (decoded)
// character data, comment text or PI data, and target the PI target.
// Slices are valid until the next call.
type scanner struct {
	data []byte
	pos  int

	prefix, local, uri   string
	target               string
	text                 []byte
	attrs                []xattr
	ns                   []nsBinding
	open                 []openElem
	pendingEnd, rootSeen bool
	rootClosed           bool
	names                map[string]string
	scratch              []byte
}

// maxAttrs and maxNamespaces bound the attributes of an element and the
// namespace declarations in scope (a trusted list has at most about ten of
// each), so that the checks and lookups that are linear in them stay
// cheap on hostile input.
const (
	maxAttrs      = 64
	maxNamespaces = 64
)

func newScanner(data []byte) *scanner {
	s := &scanner{data: data, names: make(map[string]string, 64)}
	s.ns = append(s.ns, nsBinding{"xml", xmlNS})
	return s
}

func (s *scanner) errf(format string, args ...any) error {
	return malformed("", fmt.Sprintf("not well-formed XML: byte %d: %s", s.pos, fmt.Sprintf(format, args...)), nil)
}

// intern returns b as a string, allocating once per distinct name.
func (s *scanner) intern(b []byte) string {
	if v, ok := s.names[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.names) < 4096 {
		s.names[v] = v
	}
	return v
}

// depth is the number of open elements.
func (s *scanner) depth() int { return len(s.open) }

// checkChars refuses bytes that are not UTF-8 or not XML characters.
func checkChars(data []byte) error {
	if !utf8.Valid(data) {
		return malformed("", "not well-formed XML: not UTF-8", nil)
	}
	if i := controlChar(data); i >= 0 {
		return malformed("", fmt.Sprintf("not well-formed XML: byte %d: control character %#x", i, data[i]), nil)
	}
	// U+FFFE and U+FFFF are not XML characters.
	if bytes.Contains(data, []byte{0xef, 0xbf, 0xbe}) || bytes.Contains(data, []byte{0xef, 0xbf, 0xbf}) {
		return malformed("", "not well-formed XML: non-character U+FFFE or U+FFFF", nil)
	}
	return nil
}

// controlChar returns the index of the first byte below 0x20 other than
// tab, line feed and carriage return, or -1. Eight bytes at a time: a word
// with no byte below 0x20 is passed over whole.
func controlChar(data []byte) int {
	const highs, space = 0x8080808080808080, 0x2020202020202020
	i := 0
	for ; i+8 <= len(data); i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		if (w-space)&^w&highs == 0 {
			continue
		}
		for j, c := range data[i : i+8] {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return i + j
			}
		}
	}
	for j, c := range data[i:] {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return i + j
		}
	}
	return -1
}

// start checks the characters and reads the XML declaration, if any.
func (s *scanner) start() error {
	if err := checkChars(s.data); err != nil {
		return err
	}
	s.pos = 0
	if bytes.HasPrefix(s.data, []byte("\xef\xbb\xbf")) {
		s.pos = 3
	}
	rest := s.data[s.pos:]
	if len(rest) >= 6 && bytes.HasPrefix(rest, []byte("<?xml")) && isWS(rest[5]) {
		end := bytes.Index(rest, []byte("?>"))
		if end < 0 {
			return s.errf("unterminated XML declaration")
		}
		decl := string(rest[5:end])
		if i := strings.Index(decl, "encoding"); i >= 0 {
			v := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
			if !strings.HasPrefix(v, "=") {
				return s.errf("bad XML declaration")
			}
			v = strings.TrimLeft(v[1:], " \t\r\n")
			if len(v) < 2 || (v[0] != '"' && v[0] != '\'') {
				return s.errf("bad XML declaration")
			}
			j := strings.IndexByte(v[1:], v[0])
			if j < 0 || !strings.EqualFold(v[1:1+j], "utf-8") {
				return s.errf("encoding other than UTF-8")
			}
		}
		if !strings.HasPrefix(strings.TrimLeft(decl, " \t\r\n"), "version") {
			return s.errf("bad XML declaration")
		}
		s.pos += end + 2
	}
	return nil
}

func isWS(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// name reads a Name at pos.
func (s *scanner) name() ([]byte, error) {
	i := s.pos
	if i >= len(s.data) || !isNameStart(s.data[i]) {
		return nil, s.errf("expected a name")
	}
	for i < len(s.data) && isNameByte(s.data[i]) {
		i++
	}
	n := s.data[s.pos:i]
	s.pos = i
	return n, nil
}

// splitQName splits a QName into prefix and local part.
func (s *scanner) splitQName(q []byte) (prefix, local []byte, err error) {
	i := bytes.IndexByte(q, ':')
	if i < 0 {
		return nil, q, nil
	}
	prefix, local = q[:i], q[i+1:]
	if len(prefix) == 0 || len(local) == 0 || bytes.IndexByte(local, ':') >= 0 || !isNameStart(local[0]) || local[0] == ':' {
		return nil, nil, s.errf("bad qualified name %q", q)
	}
	return prefix, local, nil
}

func (s *scanner) skipWS() {
	for s.pos < len(s.data) && isWS(s.data[s.pos]) {
		s.pos++
	}
}

// lookup returns the URI bound to prefix, and whether it is bound.
func (s *scanner) lookup(prefix string) (string, bool) {
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == prefix {
			return s.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

// next reads the next token.
func (s *scanner) next() (tokKind, error) {
	if s.pendingEnd {
		s.pendingEnd = false
		return s.closeElem()
	}
	for {
		if s.pos >= len(s.data) {
			if len(s.open) > 0 {
				return tokEOF, s.errf("unexpected end of document: %d elements open", len(s.open))
			}
			if !s.rootSeen {
				return tokEOF, s.errf("no root element")
			}
			return tokEOF, nil
		}
		if s.data[s.pos] != '<' {
			k, err := s.charData()
			if err != nil || k != tokEOF {
				return k, err
			}
			continue
		}
		rest := s.data[s.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			return s.comment()
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			return s.cdata()
		case bytes.HasPrefix(rest, []byte("<!")):
			return tokEOF, s.errf("document type declarations are not allowed")
		case bytes.HasPrefix(rest, []byte("<?")):
			return s.pi()
		case bytes.HasPrefix(rest, []byte("</")):
			return s.endTag()
		default:
			return s.startTag()
		}
	}
}

// charData reads text up to the next "<". Outside the root only white
// space is allowed, and it is not reported (tokEOF, nil).
func (s *scanner) charData() (tokKind, error) {
	start := s.pos
	end := bytes.IndexByte(s.data[start:], '<')
	if end < 0 {
		end = len(s.data)
	} else {
		end += start
	}
	raw := s.data[start:end]
	s.pos = end
	if len(s.open) == 0 {
		for _, c := range raw {
			if !isWS(c) {
				return tokEOF, s.errf("text outside the root element")
			}
		}
		return tokEOF, nil
	}
	if bytes.Contains(raw, []byte("]]>")) {
		return tokEOF, s.errf("]]> in text")
	}
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		s.text = raw
	} else {
		var err error
		s.scratch, err = s.decode(s.scratch[:0], raw, false)
		if err != nil {
			return tokEOF, err
		}
		s.text = s.scratch
	}
	return tokText, nil
}

// decode appends raw to dst with references replaced and line ends
// normalized; in an attribute value, white space becomes a space.
func (s *scanner) decode(dst, raw []byte, attr bool) ([]byte, error) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			if attr {
				dst = append(dst, ' ')
			} else {
				dst = append(dst, '\n')
			}
		case '\n', '\t':
			if attr {
				dst = append(dst, ' ')
			} else {
				dst = append(dst, c)
			}
		case '&':
			end := bytes.IndexByte(raw[i:], ';')
			if end < 0 {
				return nil, s.errf("unterminated reference")
			}
			ref := raw[i+1 : i+end]
			i += end
			var err error
			if dst, err = s.reference(dst, ref); err != nil {
				return nil, err
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

func (s *scanner) reference(dst, ref []byte) ([]byte, error) {
	switch string(ref) {
	case "lt":
		return append(dst, '<'), nil
	case "gt":
		return append(dst, '>'), nil
	case "amp":
		return append(dst, '&'), nil
	case "apos":
		return append(dst, '\''), nil
	case "quot":
		return append(dst, '"'), nil
	}
	if len(ref) < 2 || ref[0] != '#' {
		return nil, s.errf("undefined entity %q", ref)
	}
	var r rune
	digits := ref[1:]
	base := rune(10)
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 || len(digits) > 8 {
		return nil, s.errf("bad character reference %q", ref)
	}
	for _, d := range digits {
		var v rune
		switch {
		case d >= '0' && d <= '9':
			v = rune(d - '0')
		case base == 16 && d >= 'a' && d <= 'f':
			v = rune(d-'a') + 10
		case base == 16 && d >= 'A' && d <= 'F':
			v = rune(d-'A') + 10
		default:
			return nil, s.errf("bad character reference %q", ref)
		}
		r = r*base + v
	}
	if !isXMLChar(r) {
		return nil, s.errf("reference to a character not allowed in XML %q", ref)
	}
	return utf8.AppendRune(dst, r), nil
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func (s *scanner) comment() (tokKind, error) {
	start := s.pos + 4
	end := bytes.Index(s.data[start:], []byte("--"))
	if end < 0 {
		return tokEOF, s.errf("unterminated comment")
	}
	end += start
	if end+2 >= len(s.data) || s.data[end+2] != '>' {
		return tokEOF, s.errf("-- in a comment")
	}
	s.text = s.data[start:end]
	if bytes.IndexByte(s.text, '\r') >= 0 {
		s.scratch = normalizeLines(s.scratch[:0], s.text)
		s.text = s.scratch
	}
	s.pos = end + 3
	return tokComment, nil
}

func normalizeLines(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\r' {
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			dst = append(dst, '\n')
			continue
		}
		dst = append(dst, raw[i])
	}
	return dst
}

func (s *scanner) cdata() (tokKind, error) {
	if len(s.open) == 0 {
		return tokEOF, s.errf("CDATA outside the root element")
	}
	start := s.pos + 9
	end := bytes.Index(s.data[start:], []byte("]]>"))
	if end < 0 {
		return tokEOF, s.errf("unterminated CDATA section")
	}
	s.text = s.data[start : start+end]
	if bytes.IndexByte(s.text, '\r') >= 0 {
		s.scratch = normalizeLines(s.scratch[:0], s.text)
		s.text = s.scratch
	}
	s.pos = start + end + 3
	return tokText, nil
}

func (s *scanner) pi() (tokKind, error) {
	s.pos += 2
	target, err := s.name()
	if err != nil {
		return tokEOF, err
	}
	if strings.EqualFold(string(target), "xml") {
		return tokEOF, s.errf("misplaced XML declaration")
	}
	if bytes.IndexByte(target, ':') >= 0 {
		return tokEOF, s.errf("colon in a processing instruction target")
	}
	end := bytes.Index(s.data[s.pos:], []byte("?>"))
	if end < 0 {
		return tokEOF, s.errf("unterminated processing instruction")
	}
	body := s.data[s.pos : s.pos+end]
	if len(body) > 0 && !isWS(body[0]) {
		return tokEOF, s.errf("bad processing instruction")
	}
	for len(body) > 0 && isWS(body[0]) {
		body = body[1:]
	}
	s.target = s.intern(target)
	s.text = body
	if bytes.IndexByte(body, '\r') >= 0 {
		s.scratch = normalizeLines(s.scratch[:0], body)
		s.text = s.scratch
	}
	s.pos += end + 2
	return tokPI, nil
}

func (s *scanner) startTag() (tokKind, error) {
	if s.rootClosed {
		return tokEOF, s.errf("element after the root element")
	}
	s.pos++
	qname, err := s.name()
	if err != nil {
		return tokEOF, err
	}
	prefix, local, err := s.splitQName(qname)
	if err != nil {
		return tokEOF, err
	}
	nsMark := len(s.ns)
	selfClosing, err := s.readAttributes()
	if err != nil {
		return tokEOF, err
	}
	if err := s.declareNamespaces(); err != nil {
		return tokEOF, err
	}
	if err := s.resolveAttributes(); err != nil {
		return tokEOF, err
	}
	s.prefix = s.intern(prefix)
	s.local = s.intern(local)
	uri, ok := s.lookup(s.prefix)
	if !ok || s.prefix != "" && uri == "" {
		return tokEOF, s.errf("unbound prefix %q", s.prefix)
	}
	s.uri = uri
	if len(s.open) == 0 {
		if s.rootSeen {
			return tokEOF, s.errf("more than one root element")
		}
		s.rootSeen = true
	}
	s.open = append(s.open, openElem{qname: qname, nsMark: nsMark})
	s.pendingEnd = selfClosing
	return tokStart, nil
}

// readAttributes reads the attributes of a start tag and its end ("/>"
// or ">").
func (s *scanner) readAttributes() (selfClosing bool, err error) {
	s.attrs = s.attrs[:0]
	for {
		ws := s.pos < len(s.data) && isWS(s.data[s.pos])
		s.skipWS()
		if s.pos >= len(s.data) {
			return false, s.errf("unterminated start tag")
		}
		c := s.data[s.pos]
		if c == '>' || c == '/' {
			break
		}
		if !ws {
			return false, s.errf("no white space before an attribute")
		}
		if len(s.attrs) == maxAttrs {
			return false, s.errf("more than %d attributes on an element", maxAttrs)
		}
		if err := s.attribute(); err != nil {
			return false, err
		}
	}
	if s.data[s.pos] == '>' {
		s.pos++
		return false, nil
	}
	if s.pos+1 >= len(s.data) || s.data[s.pos+1] != '>' {
		return false, s.errf("bad empty-element tag")
	}
	s.pos += 2
	return true, nil
}

// declareNamespaces puts the tag's namespace declarations in scope.
func (s *scanner) declareNamespaces() error {
	for i := range s.attrs {
		a := &s.attrs[i]
		if a.prefix != "xmlns" && (a.prefix != "" || a.local != "xmlns") {
			continue
		}
		a.isNS = true
		p := a.local
		if a.prefix == "" {
			p = ""
		}
		uri := s.intern(a.value)
		if err := checkNSDecl(p, uri); err != nil {
			return s.errf("%v", err)
		}
		a.uri = uri
		s.ns = append(s.ns, nsBinding{p, uri})
	}
	if len(s.ns) > maxNamespaces {
		return s.errf("more than %d namespace declarations in scope", maxNamespaces)
	}
	return nil
}

// resolveAttributes gives prefixed attributes their namespace and refuses
// duplicates, by name or by namespace and local name.
func (s *scanner) resolveAttributes() error {
	for i := range s.attrs {
		a := &s.attrs[i]
		if a.isNS || a.prefix == "" {
			continue
		}
		uri, ok := s.lookup(a.prefix)
		if !ok || uri == "" {
			return s.errf("unbound prefix %q", a.prefix)
		}
		a.uri = uri
	}
	for i := range s.attrs {
		for j := i + 1; j < len(s.attrs); j++ {
			a, b := &s.attrs[i], &s.attrs[j]
			if a.prefix == b.prefix && a.local == b.local ||
				!a.isNS && !b.isNS && a.local == b.local && a.uri == b.uri && (a.prefix != "") == (b.prefix != "") {
				return s.errf("duplicate attribute %q", b.local)
			}
		}
	}
	return nil
}

// checkNSDecl applies the Namespaces in XML constraints on a declaration.
func checkNSDecl(prefix, uri string) error {
	switch {
	case prefix == "xmlns":
		return fmt.Errorf("the xmlns prefix cannot be declared")
	case prefix == "xml" && uri != xmlNS, prefix != "xml" && uri == xmlNS:
		return fmt.Errorf("the xml prefix is bound to its namespace only")
	case uri == "http://www.w3.org/2000/xmlns/":
		return fmt.Errorf("the xmlns namespace cannot be declared")
	case prefix != "" && uri == "":
		return fmt.Errorf("prefix %q undeclared (XML 1.0 namespaces cannot be undeclared)", prefix)
	}
	return nil
}

// attribute reads name="value" at pos; values are decoded into scratch
// when they need it (the slices of earlier attributes stay valid, since
// scratch only grows within a tag: they are re-sliced at the end).
func (s *scanner) attribute() error {
	qname, err := s.name()
	if err != nil {
		return err
	}
	prefix, local, err := s.splitQName(qname)
	if err != nil {
		return err
	}
	s.skipWS()
	if s.pos >= len(s.data) || s.data[s.pos] != '=' {
		return s.errf("attribute without a value")
	}
	s.pos++
	s.skipWS()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' && s.data[s.pos] != '\'' {
		return s.errf("unquoted attribute value")
	}
	q := s.data[s.pos]
	end := bytes.IndexByte(s.data[s.pos+1:], q)
	if end < 0 {
		return s.errf("unterminated attribute value")
	}
	raw := s.data[s.pos+1 : s.pos+1+end]
	s.pos += end + 2
	if bytes.IndexByte(raw, '<') >= 0 {
		return s.errf("< in an attribute value")
	}
	value := raw
	if bytes.ContainsAny(raw, "&\t\n\r") {
		// Decoded values live in a buffer of their own, so that growing
		// it cannot move the values of the tag's other attributes.
		value, err = s.decode(nil, raw, true)
		if err != nil {
			return err
		}
	}
	s.attrs = append(s.attrs, xattr{prefix: s.intern(prefix), local: s.intern(local), value: value})
	return nil
}

func (s *scanner) endTag() (tokKind, error) {
	s.pos += 2
	qname, err := s.name()
	if err != nil {
		return tokEOF, err
	}
	s.skipWS()
	if s.pos >= len(s.data) || s.data[s.pos] != '>' {
		return tokEOF, s.errf("bad end tag")
	}
	s.pos++
	if len(s.open) == 0 || !bytes.Equal(s.open[len(s.open)-1].qname, qname) {
		return tokEOF, s.errf("end tag %q does not match", qname)
	}
	return s.closeElem()
}

func (s *scanner) closeElem() (tokKind, error) {
	top := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	s.ns = s.ns[:top.nsMark]
	if len(s.open) == 0 {
		s.rootClosed = true
	}
	return tokEnd, nil
}
