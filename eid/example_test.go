package eid_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

// An identity file is a list of tag-length-value fields (card content v5.4
// §6.1); ParseIdentity gives typed values.
func ExampleParseIdentity() {
	var file []byte
	for _, f := range []eid.TLV{
		{Tag: 0x01, Value: []byte("591234567890")},
		{Tag: 0x02, Value: []byte("0123456789ABCDEF")},
		{Tag: 0x03, Value: []byte("23.07.2021")},
		{Tag: 0x04, Value: []byte("23.07.2031")},
		{Tag: 0x05, Value: []byte("Bruxelles")},
		{Tag: 0x06, Value: []byte("85073003328")},
		{Tag: 0x07, Value: []byte("Peeters")},
		{Tag: 0x08, Value: []byte("An Marie  ")}, // older cards pad with spaces
		{Tag: 0x0A, Value: []byte("Belge")},
		{Tag: 0x0C, Value: []byte("30 JUIL 1985")},
		{Tag: 0x0D, Value: []byte("V")},
		{Tag: 0x0F, Value: []byte("1")},
		{Tag: 0x10, Value: []byte("1")},
		{Tag: 0x11, Value: make([]byte, 20)},
	} {
		file = append(file, f.Tag, byte(len(f.Value))) // values under 255 bytes
		file = append(file, f.Value...)
	}
	file = append(file, 0, 0, 0, 0) // files are zero padded
	id, err := eid.ParseIdentity(file)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Name+",", id.FirstNames)
	fmt.Println("born", id.BirthDate, "sex", id.Sex)
	fmt.Println("national number", id.NationalNumber)
	fmt.Println(id.DocumentType, "valid", id.ValidityBegin, "to", id.ValidityEnd)
	fmt.Println("special status:", id.SpecialStatus)
	// Output:
	// Peeters, An Marie
	// born 1985-07-30 sex F
	// national number 85073003328
	// eID valid 2021-07-23 to 2031-07-23
	// special status: white cane
}

// Birth dates come in French, Dutch or German, sometimes year-only.
func ExampleParseBirthDate() {
	for _, s := range []string{"01 MARS 1971", "01 MAAR 1971", "01.MÄR.1971", "1971"} {
		d, err := eid.ParseBirthDate(s)
		fmt.Println(d, err)
	}
	// Output:
	// 1971-03-01 <nil>
	// 1971-03-01 <nil>
	// 1971-03-01 <nil>
	// 1971 <nil>
}

// The last two digits of a national number check the first nine (mod 97);
// for people born from 2000 on, 2000000000 is added first.
func ExampleNationalNumber_Check() {
	fmt.Println(eid.NationalNumber("85073003328").Check())
	fmt.Println(eid.NationalNumber("00012556777").BornFrom2000())
	fmt.Println(eid.NationalNumber("85073003329").Check())
	// Output:
	// <nil>
	// true
	// eid: national number "85073003329": check digits 29 are wrong
}

// A full read and the integrity checks of a card, here the module's virtual
// card in process (a PC/SC reader from eid/pcsc works the same way).
func Example_readAndVerify() {
	ctx := context.Background()
	vc, err := vcard.New(vcard.Options{Profile: vcard.Applet18, Seed: []byte("example")})
	if err != nil {
		fmt.Println(err)
		return
	}
	card := eid.New(vc, nil)
	c, err := eid.ReadContents(ctx, card, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("applet", c.CardData.AppletVersionString(), "document", c.Identity.DocumentType)
	in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{vc.PKI().Root}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ch := range in.Checks() {
		fmt.Println(ch.Name+":", ch.Status)
	}
	// Output:
	// applet 1.8 document eID
	// photo: passed
	// identity signature: passed
	// address signature: passed
	// basic key: passed
	// internal authenticate: passed
	// RRN certificate: passed
	// root: passed
	// certificates: passed
}

// The card's signing (non-repudiation) key as a crypto.Signer: the PIN is
// asked through the prompt for every signature and verified right before
// it; a wrong PIN comes back with the tries left and is never retried.
func ExamplePrivateKey_SignContext() {
	ctx := context.Background()
	vc, err := vcard.New(vcard.Options{Profile: vcard.Applet18, Seed: []byte("example"), PIN: "1234"})
	if err != nil {
		fmt.Println(err)
		return
	}
	card := eid.New(vc, nil)
	pin := "1234"
	key, err := card.PrivateKey(ctx, eid.SigningKey, eid.KeyAuth{
		PINPrompt: func(ctx context.Context, role eid.KeyRole) ([]byte, error) {
			fmt.Println("PIN asked for the", role, "key")
			return []byte(pin), nil // zeroed by the package after use
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	digest := sha512.Sum384([]byte("contract"))
	sig, err := key.SignContext(ctx, digest[:], crypto.SHA384)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("signature verifies:", ecdsa.VerifyASN1(key.Public().(*ecdsa.PublicKey), digest[:], sig))

	pin = "9999"
	_, err = key.SignContext(ctx, digest[:], crypto.SHA384)
	var pe *eid.PINError
	fmt.Println(errors.As(err, &pe), pe.TriesLeft, pe.Blocked())
	// Output:
	// PIN asked for the signing key
	// signature verifies: true
	// PIN asked for the signing key
	// true 2 false
}
