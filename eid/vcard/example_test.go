package vcard_test

import (
	"context"
	"fmt"

	"github.com/csam-go/csam/eid/vcard"
)

// A virtual applet 1.8 card in process: GET CARD DATA, then reading the
// start of the identity file selected by path.
func Example() {
	card, err := vcard.New(vcard.Options{Profile: vcard.Applet18, Seed: []byte("example")})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	r, _ := card.Transmit(ctx, []byte{0x80, 0xE4, 0x00, 0x00, 0x1C})
	fmt.Printf("applet version %X, SW %X\n", r[21], r[len(r)-2:])

	r, _ = card.Transmit(ctx, []byte{0x00, 0xA4, 0x08, 0x0C, 0x04, 0xDF, 0x01, 0x40, 0x31})
	fmt.Printf("select: %X\n", r)
	r, _ = card.Transmit(ctx, []byte{0x00, 0xB0, 0x00, 0x00, 0x04})
	fmt.Printf("read: % X\n", r)
	r, _ = card.Transmit(ctx, []byte{0x00, 0xB0, 0x40, 0x00, 0x04})
	fmt.Printf("past the end: %X\n", r)
	// Output:
	// applet version 18, SW 9000
	// select: 9000
	// read: 00 02 00 02 90 00
	// past the end: 6B00
}
