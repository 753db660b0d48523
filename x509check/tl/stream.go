package tl

import (
	"bytes"
	"fmt"

	"github.com/beevik/etree"
)

// listPass is one streaming pass over a list's bytes: it checks the
// markup bounds and well-formedness, feeds the root element (without its
// ds:Signature children) to the canonicalizer and to the model, and keeps
// the signature, the one small subtree needed as a tree.
type listPass struct {
	c14n   *c14nWriter // nil: no canonical form
	decode bool        // build raw
	raw    xmlList     // the model, when decode is set
	model  *unmarshaler
	root   *etree.Element // the root with its attributes and the signature only
	sig    *etree.Element // the first ds:Signature child of the root
	sigs   int            // how many ds:Signature children the root has

	keepSig     bool           // build root and sig
	inSig       bool           // in a ds:Signature child of the root
	sigElements int            // elements seen in signatures
	cur         *etree.Element // the open element of sig
}

// maxSignatureElements bounds the elements of a ds:Signature, the one
// subtree kept as a tree (a few hundred bytes per element): a list's
// signature has about fifty.
const maxSignatureElements = 4096

// checkMarkup refuses documents with more markup than bytesPerTag allows,
// counted at memory speed before anything is built.
func checkMarkup(data []byte) error {
	if n, max := bytes.Count(data, []byte("<")), len(data)/bytesPerTag+minTags; n > max {
		return malformed("", fmt.Sprintf("%d tags in %d bytes: more than one per %d bytes (bound %d)", n, len(data), bytesPerTag, max), nil)
	}
	return nil
}

// run makes the pass over data; keepSig keeps the signature as a tree.
func (p *listPass) run(data []byte, keepSig bool) error {
	if err := checkMarkup(data); err != nil {
		return err
	}
	s := newScanner(data)
	if err := s.start(); err != nil {
		return err
	}
	if p.decode {
		p.model = newUnmarshaler(&p.raw)
	}
	p.keepSig = keepSig
	for {
		kind, err := s.next()
		if err != nil {
			return err
		}
		switch kind {
		case tokEOF:
			if p.c14n != nil {
				p.c14n.flush(true)
			}
			return nil
		case tokStart:
			err = p.start(s)
		case tokEnd:
			p.end(s)
		case tokText:
			p.text(s)
		case tokComment, tokPI:
			p.other(s, kind)
		}
		if err != nil {
			return err
		}
	}
}

func (p *listPass) start(s *scanner) error {
	d := s.depth()
	switch {
	case d > maxDepth:
		return malformed("", fmt.Sprintf("elements nested deeper than %d", maxDepth), nil)
	case d == 1:
		if s.uri != nsTSL || s.local != "TrustServiceStatusList" {
			return malformed("", fmt.Sprintf("root element is {%s}%s, want {%s}TrustServiceStatusList", s.uri, s.local, nsTSL), nil)
		}
		if p.keepSig {
			p.root = newEtreeElement(s)
		}
	case d == 2 && s.local == "Signature" && s.uri == nsDSig:
		p.inSig = true
		p.sigs++
		if p.keepSig && p.sigs == 1 {
			p.sig = newEtreeElement(s)
			p.root.AddChild(p.sig)
			p.cur = p.sig
		}
		return nil
	case p.inSig:
		if p.sigElements++; p.sigElements > maxSignatureElements {
			return malformed("", fmt.Sprintf("more than %d elements in a ds:Signature", maxSignatureElements), nil)
		}
		if p.cur != nil {
			el := newEtreeElement(s)
			p.cur.AddChild(el)
			p.cur = el
		}
		return nil
	}
	if p.c14n != nil {
		p.c14n.start(s)
	}
	if p.model != nil {
		p.model.start(s)
	}
	return nil
}

func (p *listPass) end(s *scanner) {
	if p.inSig {
		if s.depth() == 1 {
			p.inSig, p.cur = false, nil
		} else if p.cur != nil {
			p.cur = p.cur.Parent()
		}
		return
	}
	if p.c14n != nil {
		p.c14n.end()
	}
	if p.model != nil {
		p.model.end()
	}
}

func (p *listPass) text(s *scanner) {
	if p.inSig {
		if p.cur != nil {
			p.cur.CreateText(string(s.text))
		}
		return
	}
	if p.c14n != nil {
		p.c14n.text(s.text)
	}
	if p.model != nil {
		p.model.text(s.text)
	}
}

// other handles comments and processing instructions: outside the root
// they are not part of the signed content.
func (p *listPass) other(s *scanner, kind tokKind) {
	switch {
	case s.depth() == 0:
	case p.inSig && p.cur != nil && kind == tokComment:
		p.cur.CreateComment(string(s.text))
	case p.inSig && p.cur != nil:
		p.cur.CreateProcInst(s.target, string(s.text))
	case p.inSig:
	case p.c14n != nil && kind == tokComment:
		p.c14n.comment(s.text)
	case p.c14n != nil:
		p.c14n.pi(s.target, s.text)
	}
}

// newEtreeElement makes a detached tree element of the start tag s is on.
func newEtreeElement(s *scanner) *etree.Element {
	el := etree.NewElement(s.local)
	el.Space = s.prefix
	for i := range s.attrs {
		a := &s.attrs[i]
		key := a.local
		if a.prefix != "" {
			key = a.prefix + ":" + a.local
		}
		el.CreateAttr(key, string(a.value))
	}
	return el
}
