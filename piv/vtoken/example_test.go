package vtoken_test

import (
	"context"
	"fmt"

	"github.com/csam-go/csam/piv/vtoken"
)

func Example() {
	tok, err := vtoken.New(vtoken.Options{Serial: 7654321})
	if err != nil {
		fmt.Println(err)
		return
	}
	// In process: SELECT the PIV application, then GET SERIAL (YubiKey).
	ctx := context.Background()
	r, _ := tok.Transmit(ctx, []byte{0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08})
	fmt.Printf("SELECT: % X\n", r[len(r)-2:])
	r, _ = tok.Transmit(ctx, []byte{0x00, 0xf8, 0x00, 0x00})
	fmt.Printf("serial: % X\n", r)
	// Or in the reader "Virtual PCD 00 00" of pcscd (vpcd driver):
	//	go tok.ServeVPCD(ctx, "127.0.0.1:35963")
	fmt.Println("slot 9a:", tok.SlotCertificate(0x9a).Subject.CommonName)
	// Output:
	// SELECT: 90 00
	// serial: 00 74 CB B1 90 00
	// slot 9a: Virtual PIV token 7654321
}
