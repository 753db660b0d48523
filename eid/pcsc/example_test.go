package pcsc_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
)

// Waiting for a card in any reader and reading it with package eid.
func Example() {
	pc, err := pcsc.Establish()
	if err != nil {
		fmt.Println(err) // errors.Is(err, pcsc.ErrNoService) without pcscd
		return
	}
	defer pc.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reader, err := pc.WaitForCard(ctx, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	tr, err := pc.Connect(reader)
	if err != nil {
		fmt.Println(err) // pcsc.ErrNoCard: no card, no such reader, card held exclusively
		return
	}
	defer tr.Close()
	c, err := eid.ReadContents(ctx, eid.New(tr, nil), nil)
	if err != nil {
		fmt.Println(err) // pcsc.ErrCardRemoved when pulled out mid-read
		return
	}
	fmt.Println(c.Identity.Name)
}

// Telling PC/SC failures apart: every failure is a *pcsc.Error that keeps
// the operation and the PC/SC return code, and matches ErrNoService,
// ErrNoCard or ErrCardRemoved with errors.Is when it is one of those.
func ExampleError() {
	// What Connect returns for a card another program holds exclusively
	// (SCARD_E_SHARING_VIOLATION).
	var err error = &pcsc.Error{Op: "connect", Code: 0x8010000B, Err: pcsc.ErrNoCard}
	fmt.Println(err)
	fmt.Println(errors.Is(err, pcsc.ErrNoCard), errors.Is(err, pcsc.ErrNoService))
	var pe *pcsc.Error
	if errors.As(err, &pe) {
		fmt.Printf("%s: 0x%08X\n", pe.Op, pe.Code)
	}
	// Output:
	// eid/pcsc: connect: card in exclusive use by another program (0x8010000B)
	// true false
	// connect: 0x8010000B
}
