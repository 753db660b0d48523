package vcard_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

// FuzzFromFiles makes cards with FromFiles (what FromDump reads from a
// folder) from a virtual card's files with some dropped, one cut short and
// patched, and arbitrary ATR and card data: no panic, and a card made
// serves each file as given (certificates up to their DER length).
func FuzzFromFiles(f *testing.F) {
	cards := []*vcard.Card{newCard(f, vcard.Applet17), newCard(f, vcard.Applet18)}
	f.Add(false, uint16(0), uint8(0), uint16(0), []byte{}, uint16(0), []byte{}, []byte{})
	f.Add(true, uint16(1<<3), uint8(6), uint16(1), []byte{0x30, 0x82}, uint16(0), make([]byte, 28), []byte{0x3B})
	f.Fuzz(func(t *testing.T, ec bool, drop uint16, file uint8, off uint16, patch []byte, cut uint16, cardData, atr []byte) {
		src := cards[0]
		if ec {
			src = cards[1]
		}
		files := map[uint16][]byte{}
		for i, id := range eid.DumpFiles {
			if b := src.File(uint16(id)); b != nil && drop&(1<<i) == 0 {
				files[uint16(id)] = b
			}
		}
		target := uint16(eid.DumpFiles[int(file)%len(eid.DumpFiles)])
		if b, ok := files[target]; ok && len(patch) <= 4096 {
			b = bytes.Clone(b)
			if int(cut) > 0 && int(cut) < len(b) {
				b = b[:cut]
			}
			o := int(off) % (len(b) + 1)
			files[target] = append(b[:o], append(bytes.Clone(patch), b[min(o+len(patch), len(b)):]...)...)
		}
		vc, err := vcard.FromFiles(files, atr, cardData)
		if err != nil {
			return
		}
		card := eid.New(vc, nil)
		for id, want := range files {
			got, err := card.ReadFile(context.Background(), eid.FileID(id))
			if err != nil {
				continue // a file the reader refuses (a certificate file that is not DER)
			}
			if id >= 0x5038 && id <= 0x503C {
				if !bytes.HasPrefix(want, got) {
					t.Fatalf("file %04X read as %X, not a prefix of %X", id, got, want)
				}
				continue
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("file %04X read as %X, want %X", id, got, want)
			}
		}
	})
}
