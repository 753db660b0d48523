package pcsc_test

import (
	"context"
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
		fmt.Println(err) // pcsc.ErrNoCard, pcsc.ErrSharingViolation, ...
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
