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
	inSig, sigElements := false, 0
	var cur *etree.Element
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
			d := s.depth()
			if d > maxDepth {
				return malformed("", fmt.Sprintf("elements nested deeper than %d", maxDepth), nil)
			}
			switch {
			case d == 1:
				if s.uri != nsTSL || s.local != "TrustServiceStatusList" {
					return malformed("", fmt.Sprintf("root element is {%s}%s, want {%s}TrustServiceStatusList", s.uri, s.local, nsTSL), nil)
				}
				if keepSig {
					p.root = newEtreeElement(s)
				}
			case d == 2 && s.local == "Signature" && s.uri == nsDSig:
				inSig = true
				p.sigs++
				if keepSig && p.sigs == 1 {
					p.sig = newEtreeElement(s)
					p.root.AddChild(p.sig)
					cur = p.sig
				}
				continue
			case inSig:
				if sigElements++; sigElements > maxSignatureElements {
					return malformed("", fmt.Sprintf("more than %d elements in a ds:Signature", maxSignatureElements), nil)
				}
				if cur != nil {
					el := newEtreeElement(s)
					cur.AddChild(el)
					cur = el
				}
				continue
			}
			if p.c14n != nil {
				p.c14n.start(s)
			}
			if p.model != nil {
				p.model.start(s)
			}
		case tokEnd:
			if inSig {
				if s.depth() == 1 {
					inSig, cur = false, nil
				} else if cur != nil {
					cur = cur.Parent()
				}
				continue
			}
			if p.c14n != nil {
				p.c14n.end()
			}
			if p.model != nil {
				p.model.end()
			}
		case tokText:
			if inSig {
				if cur != nil {
					cur.CreateText(string(s.text))
				}
				continue
			}
			if p.c14n != nil {
				p.c14n.text(s.text)
			}
			if p.model != nil {
				p.model.text(s.text)
			}
		case tokComment:
			switch {
			case s.depth() == 0:
			case inSig:
				if cur != nil {
					cur.CreateComment(string(s.text))
				}
			case p.c14n != nil:
				p.c14n.comment(s.text)
			}
		case tokPI:
			switch {
			case s.depth() == 0:
			case inSig:
				if cur != nil {
					cur.CreateProcInst(s.target, string(s.text))
				}
			case p.c14n != nil:
				p.c14n.pi(s.target, s.text)
			}
		}
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
