package vcard_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

var profiles = []vcard.Profile{vcard.Applet17, vcard.Applet18}

// step is one APDU of a table test and what must come back.
type step struct {
	apdu string
	sw   uint16
	data string // expected data prefix in hex ("" = not checked)
}

func runSteps(t *testing.T, c *vcard.Card, steps []step) {
	t.Helper()
	for i, s := range steps {
		d, sw := tx(t, c, s.apdu)
		if sw != s.sw {
			t.Fatalf("step %d %s: SW %04X, want %04X", i, s.apdu, sw, s.sw)
		}
		if s.data != "" && !bytes.HasPrefix(d, unhex(t, s.data)) {
			t.Fatalf("step %d %s: data % X, want prefix %s", i, s.apdu, d, s.data)
		}
	}
}

func TestSelect(t *testing.T) {
	const (
		readID    = "00B0000002" // first two bytes
		identity  = "01"         // identity starts with tag 01 on 1.7 (00 on 1.8, checked below)
		dirPrefix = "6123"
	)
	tests := []struct {
		name  string
		steps []step
	}{
		{"path with 3F00", []step{{"00A4080C063F00DF014033", 0x9000, ""}, {readID, 0x9000, "01"}}},
		{"path without 3F00", []step{{"00A4080C04DF014033", 0x9000, ""}, {readID, 0x9000, "01"}}},
		{"path to EF(DIR)", []step{{"00A4080C043F002F00", 0x9000, ""}, {readID, 0x9000, dirPrefix}}},
		{"path to EF(DIR) without MF", []step{{"00A4080C022F00", 0x9000, ""}, {readID, 0x9000, dirPrefix}}},
		{"file ids one by one", []step{{"00A4020C023F00", 0x9000, ""}, {"00A4020C02DF01", 0x9000, ""}, {"00A4020C024033", 0x9000, ""}, {readID, 0x9000, "01"}}},
		{"file id of an EF in another DF", []step{{"00A4020C023F00", 0x9000, ""}, {"00A4020C024033", 0x6A82, ""}}},
		{"sibling DF by file id", []step{{"00A4080C04DF014031", 0x9000, ""}, {"00A4020C02DF00", 0x9000, ""}, {"00A4020C025031", 0x9000, ""}, {readID, 0x9000, "A00A"}}},
		{"failed select keeps the selection", []step{{"00A4080C04DF004031", 0x6A82, ""}, {"00A4080C04DF014033", 0x9000, ""}, {"00A4080C02FFFF", 0x6A82, ""}, {readID, 0x9000, "01"}}},
		{"AID of DF(ID)", []step{{"00A4040C0CA000000177496446696C6573", 0x9000, ""}, {"00A4020C024033", 0x9000, ""}, {readID, 0x9000, "01"}}},
		{"AID of DF(BELPIC)", []step{{"00A4040C0CA0000001775049434B532D3135", 0x6A82, ""}, {"00A4040C0CA000000177504B43532D3135", 0x9000, ""}, {"00A4020C025032", 0x9000, ""}, {readID, 0x9000, "3027"}}},
		{"applet AID selects the MF", []step{{"00A4080C04DF014033", 0x9000, ""}, {"00A4040C0FA000000030290570 00AD13100101FF", 0x9000, ""}, {"00A4020C022F00", 0x9000, ""}, {readID, 0x9000, dirPrefix}}},
		{"P2 must be 0C", []step{{"00A4080004DF014033", 0x6A86, ""}}},
		{"unknown P1", []step{{"00A4010C02DF01", 0x6A86, ""}}},
		{"odd path", []step{{"00A4080C03DF0140", 0x6A87, ""}}},
		{"file id of wrong length", []step{{"00A4020C03DF0140", 0x6A87, ""}}},
		{"no data", []step{{"00A4080C", 0x6A87, ""}}},
		{"path through an EF", []step{{"00A4080C044033DF01", 0x6A82, ""}}},
		{"read without EF", []step{{"00A4080C02DF01", 0x9000, ""}, {readID, 0x6986, ""}}},
		{"Lc larger than data", []step{{"00A4080C06DF01", 0x6700, ""}}},
	}
	c := newCard(t, vcard.Applet17)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Reset()
			runSteps(t, c, tc.steps)
		})
	}
}

func TestReadBinary(t *testing.T) {
	c := newCard(t, vcard.Applet18)
	id := c.File(uint16(eid.FileIdentity))
	n := len(id)
	off := func(o, le int) string { return fmt.Sprintf("00B0%04X%02X", o, le) }
	tests := []struct {
		name  string
		steps []step
	}{
		{"exact", []step{{off(0, n), 0x9000, hex.EncodeToString(id)}}},
		{"Le too large gives 6Cxx", []step{{off(0, n+1), 0x6C00 | uint16(n), ""}, {off(0, n), 0x9000, ""}}},
		{"Le 00 asks for 256", []step{{off(0, 0), 0x6C00 | uint16(n), ""}}},
		{"end of file", []step{{off(n, 1), 0x6B00, ""}}},
		{"past the end", []step{{off(n+10, 1), 0x6B00, ""}}},
		{"last byte", []step{{off(n-1, 1), 0x9000, hex.EncodeToString(id[n-1:])}, {off(n-1, 2), 0x6C01, ""}}},
		{"SFI addressing not supported", []step{{"00B0810004", 0x6B00, ""}}},
		{"data field not allowed", []step{{"00B000000100", 0x6700, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Reset()
			mustSW(t, c, "00A4080C063F00DF014031", 0x9000)
			runSteps(t, c, tc.steps)
		})
	}
	t.Run("big file in 256-byte chunks", func(t *testing.T) {
		c.Reset()
		want := c.File(uint16(eid.FileAuthCert))
		mustSW(t, c, "00A4080C04DF005038", 0x9000)
		var got []byte
		for len(got)+256 <= len(want) {
			got = append(got, mustSW(t, c, off(len(got), 0), 0x9000)...)
		}
		left := len(want) - len(got)
		_, sw := tx(t, c, off(len(got), 0))
		if sw != 0x6C00|uint16(left) {
			t.Fatalf("last chunk: SW %04X, want 6C%02X", sw, left)
		}
		got = append(got, mustSW(t, c, off(len(got), left), 0x9000)...)
		if !bytes.Equal(got, want) {
			t.Fatal("file read in chunks differs from the file")
		}
	})
	t.Run("readFile helper", func(t *testing.T) {
		c.Reset()
		for _, f := range []struct {
			path string
			id   uint16
		}{{"3F002F00", uint16(eid.FileDir)}, {"3F00DF005037", uint16(eid.FileCDF)}, {"3F00DF014035", uint16(eid.FilePhoto)}, {"3F00DF014040", uint16(eid.FileBasicKey)}} {
			if got := readFile(t, c, f.path); !bytes.Equal(got, c.File(f.id)) {
				t.Errorf("%s: read %d bytes, file has %d", f.path, len(got), len(c.File(f.id)))
			}
		}
	})
}

func TestGetCardData(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			c := newCard(t, p)
			d := mustSW(t, c, "80E400001C", 0x9000)
			if len(d) != 28 {
				t.Fatalf("%d bytes", len(d))
			}
			if want := byte(p); d[21] != byte(want/10)<<4|byte(want%10) {
				t.Errorf("applet version %02X", d[21])
			}
			if d[27] != 0x0F {
				t.Errorf("life cycle %02X, want 0F (personalized)", d[27])
			}
			serial := d[:16]
			if !bytes.Equal(serial, c.File(uint16(eid.FileTokenInfo))[7:23]) {
				t.Errorf("serial % X differs from TokenInfo's", serial)
			}
			mustSW(t, c, "80E4000000", 0x6C1C)
			mustSW(t, c, "80E4000010", 0x6C1C)
			mustSW(t, c, "80E4010000", 0x6B00)
			mustSW(t, c, "00E400001C", 0x6E00)
			if p == vcard.Applet17 {
				mustSW(t, c, "80E400011F", 0x6B00)
				return
			}
			d = mustSW(t, c, "80E400011F", 0x9000)
			if len(d) != 31 || d[28] != 3 || d[29] != 0xFF || d[30] != 0xFF {
				t.Fatalf("P2=01: % X", d)
			}
			mustSW(t, c, "0020000108"+pinBlock(t, "9999"), 0x63C2)
			if d = mustSW(t, c, "80E400011F", 0x9000); d[28] != 2 {
				t.Fatalf("tries after a wrong PIN: %d", d[28])
			}
		})
	}
}

func TestPIN(t *testing.T) {
	good, bad := pinBlock(t, "1234"), pinBlock(t, "4321")
	verify := func(b string) string { return "0020000108" + b }
	status := "0020000100"
	tests := []struct {
		name  string
		steps []step
		tries int
	}{
		{"status without try", []step{{status, 0x63C3, ""}, {"00200001", 0x63C3, ""}}, 3},
		{"right PIN", []step{{verify(good), 0x9000, ""}, {status, 0x9000, ""}}, 3},
		{"log off drops the right", []step{{verify(good), 0x9000, ""}, {"80E60000", 0x9000, ""}, {status, 0x63C3, ""}}, 3},
		{"reset drops the right", []step{{verify(good), 0x9000, ""}}, 3},
		{"wrong then right", []step{{verify(bad), 0x63C2, ""}, {status, 0x63C2, ""}, {verify(good), 0x9000, ""}, {status, 0x9000, ""}}, 3},
		{"down to blocked", []step{
			{verify(bad), 0x63C2, ""}, {verify(bad), 0x63C1, ""}, {verify(bad), 0x63C0, ""},
			{verify(good), 0x6983, ""}, {status, 0x6983, ""}, {"0024000110" + good + good, 0x6983, ""},
		}, 0},
		{"wrong PIN drops the right", []step{{verify(good), 0x9000, ""}, {verify(bad), 0x63C2, ""}, {status, 0x63C2, ""}}, 2},
		{"malformed block counts as wrong", []step{{"00200001081234FFFFFFFFFFFF", 0x63C2, ""}}, 2},
		{"wrong length", []step{{"002000010424123 4", 0x6700, ""}}, 3},
		{"unknown PIN reference", []step{{"0020000208" + good, 0x6A88, ""}}, 3},
		{"wrong P1", []step{{"0020010108" + good, 0x6A86, ""}}, 3},
		{"change", []step{
			{"0024000110" + good + pinBlock(t, "987654"), 0x9000, ""}, {status, 0x9000, ""},
			{verify(good), 0x63C2, ""}, {verify(pinBlock(t, "987654")), 0x9000, ""},
		}, 3},
		{"change with wrong old PIN", []step{{"0024000110" + bad + good, 0x63C2, ""}, {verify(good), 0x9000, ""}}, 3},
		{"change to a malformed PIN", []step{{"0024000110" + good + "2312FFFFFFFFFFFF", 0x6A80, ""}, {"0024000110" + good + "26123456789AFFFF", 0x6A80, ""}, {status, 0x63C3, ""}}, 3},
		{"change wrong length", []step{{"0024000108" + good, 0x6700, ""}}, 3},
	}
	for _, p := range profiles {
		for _, tc := range tests {
			t.Run(p.String()+"/"+tc.name, func(t *testing.T) {
				c := newCard(t, p)
				runSteps(t, c, tc.steps)
				if c.PINTriesLeft() != tc.tries {
					t.Errorf("tries left %d, want %d", c.PINTriesLeft(), tc.tries)
				}
				if tc.name == "reset drops the right" {
					c.Reset()
					mustSW(t, c, status, 0x63C3)
				}
			})
		}
	}
}

func TestPINOptions(t *testing.T) {
	c, err := vcard.New(vcard.Options{Profile: vcard.Applet18, Seed: []byte("pin option"), PIN: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x63C2)
	mustSW(t, c, "0020000108"+pinBlock(t, "123456789012"), 0x9000)
	for _, pin := range []string{"123", "1234567890123", "12a4"} {
		if _, err := vcard.New(vcard.Options{PIN: pin, Seed: []byte("x")}); err == nil {
			t.Errorf("PIN %q accepted", pin)
		}
	}
	if got := pinBlock(t, "1234"); got != "241234ffffffffff" {
		t.Errorf("PIN block of 1234: %s", got)
	}
}

// signRaw runs MSE SET, PSO and GET RESPONSE and returns the signature.
func signRaw(t *testing.T, c *vcard.Card, alg, key byte, data []byte, verifyFirst bool) []byte {
	t.Helper()
	mustSW(t, c, fmt.Sprintf("002241B6050480%02X84%02X", alg, key), 0x9000)
	if verifyFirst {
		mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)
	}
	return pso(t, c, data)
}

func pso(t *testing.T, c *vcard.Card, data []byte) []byte {
	t.Helper()
	_, sw := txb(t, c, append([]byte{0x00, 0x2A, 0x9E, 0x9A, byte(len(data))}, data...))
	if sw>>8 != 0x61 {
		t.Fatalf("PSO: SW %04X, want 61xx", sw)
	}
	return mustSW(t, c, fmt.Sprintf("00C00000%02X", byte(sw)), 0x9000)
}

func TestSignRSA(t *testing.T) {
	c := newCard(t, vcard.Applet17)
	k := c.PKI()
	authPub := k.Auth.PublicKey.(*rsa.PublicKey)
	signPub := k.Sign.PublicKey.(*rsa.PublicKey)
	msg := []byte("message to sign")
	h256 := sha256.Sum256(msg)
	h1 := sha1.Sum(msg)
	digestInfo256 := append(unhex(t, "3031300d060960864801650304020105000420"), h256[:]...)

	t.Run("auth needs the PIN", func(t *testing.T) {
		c.Reset()
		mustSW(t, c, "002241B60504800184 82", 0x9000)
		mustSW(t, c, "002A9E9A33"+hex.EncodeToString(digestInfo256), 0x6982)
	})
	t.Run("PSO without MSE", func(t *testing.T) {
		c.Reset()
		mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)
		mustSW(t, c, "002A9E9A20"+hex.EncodeToString(h256[:]), 0x6985)
	})
	tests := []struct {
		name   string
		alg    byte
		data   []byte
		verify func(sig []byte) error
	}{
		{"PKCS#1 v1.5 with DigestInfo", 0x01, digestInfo256, func(s []byte) error { return rsa.VerifyPKCS1v15(authPub, crypto.SHA256, h256[:], s) }},
		{"SHA-256 bare hash", 0x08, h256[:], func(s []byte) error { return rsa.VerifyPKCS1v15(authPub, crypto.SHA256, h256[:], s) }},
		{"SHA-1 bare hash", 0x02, h1[:], func(s []byte) error { return rsa.VerifyPKCS1v15(authPub, crypto.SHA1, h1[:], s) }},
		{"PSS SHA-256", 0x20, h256[:], func(s []byte) error { return rsa.VerifyPSS(authPub, crypto.SHA256, h256[:], s, nil) }},
		{"PSS SHA-1", 0x10, h1[:], func(s []byte) error { return rsa.VerifyPSS(authPub, crypto.SHA1, h1[:], s, nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Reset()
			sig := signRaw(t, c, tc.alg, 0x82, tc.data, true)
			if len(sig) != 256 {
				t.Fatalf("signature of %d bytes", len(sig))
			}
			if err := tc.verify(sig); err != nil {
				t.Fatal(err)
			}
			// PIN once: a second signature needs no VERIFY.
			if err := tc.verify(pso(t, c, tc.data)); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("wrong hash length", func(t *testing.T) {
		c.Reset()
		mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)
		mustSW(t, c, "002241B60504800884 82", 0x9000)
		mustSW(t, c, "002A9E9A14"+hex.EncodeToString(h1[:]), 0x6700)
	})
	t.Run("non-repudiation needs VERIFY just before", func(t *testing.T) {
		c.Reset()
		sig := signRaw(t, c, 0x08, 0x83, h256[:], true)
		if err := rsa.VerifyPKCS1v15(signPub, crypto.SHA256, h256[:], sig); err != nil {
			t.Fatal(err)
		}
		mustSW(t, c, "002A9E9A20"+hex.EncodeToString(h256[:]), 0x6982) // second one: no
		// VERIFY, MSE, PSO: one command in between is too many on 1.7.
		mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)
		mustSW(t, c, "002241B60504800884 83", 0x9000)
		mustSW(t, c, "002A9E9A20"+hex.EncodeToString(h256[:]), 0x6982)
		// That VERIFY still counts as the authentication key's PIN.
		sig = signRaw(t, c, 0x08, 0x82, h256[:], false)
		if err := rsa.VerifyPKCS1v15(authPub, crypto.SHA256, h256[:], sig); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("VERIFY used by non-repudiation does not unlock auth", func(t *testing.T) {
		c.Reset()
		signRaw(t, c, 0x08, 0x83, h256[:], true)
		mustSW(t, c, "002241B60504800884 82", 0x9000)
		mustSW(t, c, "002A9E9A20"+hex.EncodeToString(h256[:]), 0x6982)
	})
	t.Run("MSE errors", func(t *testing.T) {
		c.Reset()
		mustSW(t, c, "002241B60504804084 82", 0x6A80) // ECDSA alg on an RSA card
		mustSW(t, c, "002241B60504800184 81", 0x6A80) // basic key is not a signature key
		mustSW(t, c, "002241B60504800184 84", 0x6A80)
		mustSW(t, c, "002241B6040480018482", 0x6700)
		mustSW(t, c, "002241A4050480018482", 0x6B00)
	})
	t.Run("no INTERNAL AUTHENTICATE on 1.7", func(t *testing.T) {
		mustSW(t, c, "00880281329430"+hex.EncodeToString(make([]byte, 48)), 0x6D00)
	})
}

func rawVerify(pub *ecdsa.PublicKey, hash, sig []byte) bool {
	n := len(sig) / 2
	return ecdsa.Verify(pub, hash, new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:]))
}

func TestSignEC(t *testing.T) {
	c := newCard(t, vcard.Applet18)
	k := c.PKI()
	authPub := k.Auth.PublicKey.(*ecdsa.PublicKey)
	signPub := k.Sign.PublicKey.(*ecdsa.PublicKey)
	h384 := sha512.Sum384([]byte("message"))
	h256 := sha256.Sum256([]byte("message"))
	tests := []struct {
		name string
		alg  byte
		key  byte
		hash []byte
		pub  *ecdsa.PublicKey
	}{
		{"auth SHA-384", 0x02, 0x82, h384[:], authPub},
		{"auth SHA-256", 0x01, 0x82, h256[:], authPub},
		{"auth hash not specified", 0x40, 0x82, h384[:], authPub},
		{"sign SHA-384", 0x02, 0x83, h384[:], signPub},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Reset()
			sig := signRaw(t, c, tc.alg, tc.key, tc.hash, true)
			if len(sig) != 96 {
				t.Fatalf("signature of %d bytes, want 96 (r‖s)", len(sig))
			}
			if !rawVerify(tc.pub, tc.hash, sig) {
				t.Fatal("signature does not verify")
			}
		})
	}
	t.Run("non-repudiation allows one command between", func(t *testing.T) {
		c.Reset()
		mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)
		mustSW(t, c, "002241B60504800284 83", 0x9000)
		if !rawVerify(signPub, h384[:], pso(t, c, h384[:])) {
			t.Fatal("bad signature")
		}
		mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)
		mustSW(t, c, "80E400001C", 0x9000)
		mustSW(t, c, "80E400001C", 0x9000)
		mustSW(t, c, "002A9E9A30"+hex.EncodeToString(h384[:]), 0x6982)
	})
	t.Run("wrong hash length", func(t *testing.T) {
		c.Reset()
		mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)
		mustSW(t, c, "002241B60504800284 82", 0x9000)
		mustSW(t, c, "002A9E9A20"+hex.EncodeToString(h256[:]), 0x6700)
	})
	t.Run("RSA-only algorithm refused", func(t *testing.T) {
		mustSW(t, c, "002241B60504808084 82", 0x6A80)
	})
	t.Run("internal authenticate", func(t *testing.T) {
		c.Reset()
		chal := sha512.Sum384([]byte("challenge"))
		_, sw := tx(t, c, "0088028132 9430"+hex.EncodeToString(chal[:]))
		if sw != 0x6160 {
			t.Fatalf("SW %04X, want 6160", sw)
		}
		sig := mustSW(t, c, "00C0000060", 0x9000)
		pub, err := x509.ParsePKIXPublicKey(c.File(uint16(eid.FileBasicKey)))
		if err != nil {
			t.Fatal(err)
		}
		if !rawVerify(pub.(*ecdsa.PublicKey), chal[:], sig) {
			t.Fatal("INTERNAL AUTHENTICATE signature does not verify with file 4040")
		}
		mustSW(t, c, "0088028232 9430"+hex.EncodeToString(chal[:]), 0x6A88)
		mustSW(t, c, "0088028132 9530"+hex.EncodeToString(chal[:]), 0x6A80)
		mustSW(t, c, "0088018132 9430"+hex.EncodeToString(chal[:]), 0x6B00)
	})
}

func TestGetResponse(t *testing.T) {
	c := newCard(t, vcard.Applet18)
	h := sha512.Sum384([]byte("x"))
	ia := "0088028132 9430" + hex.EncodeToString(h[:])
	runSteps(t, c, []step{
		{"00C0000010", 0x6985, ""},
		{ia, 0x6160, ""},
		{"00C0000070", 0x6C60, ""}, // too much: the data stays
		{"00C0000020", 0x6140, ""},
		{"00C0000040", 0x9000, ""},
		{"00C0000040", 0x6985, ""},
		{ia, 0x6160, ""},
		{"80E400001C", 0x9000, ""}, // another command drops the data
		{"00C0000060", 0x6985, ""},
		{"00C0010060", 0x6B00, ""},
	})
	// A trailing Le after the data, as PC/SC passes case-4 APDUs, is accepted.
	runSteps(t, c, []step{{ia + "00", 0x6160, ""}, {"00C0000000", 0x6C60, ""}})
}

func TestUnknownCommands(t *testing.T) {
	c := newCard(t, vcard.Applet17)
	runSteps(t, c, []step{
		{"00FF000000", 0x6D00, ""},
		{"80B0000001", 0x6E00, ""},
		{"A0A4000002", 0x6E00, ""},
		{"00A4", 0x6700, ""},
		{"00A4080C08DF01", 0x6700, ""},
		{"80E6000000", 0x9000, ""}, // LOG OFF with P3 = 0
		{"80E60100", 0x6B00, ""},
	})
}

func TestRemove(t *testing.T) {
	c := newCard(t, vcard.Applet18)
	ctx := context.Background()
	c.RemoveAfter(2)
	if _, err := c.Transmit(ctx, unhex(t, "80E400001C")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Transmit(ctx, unhex(t, "80E400001C")); !removed(err) {
		t.Fatalf("second APDU: %v, want the card removed", err)
	}
	if _, err := c.Transmit(ctx, unhex(t, "80E400001C")); !removed(err) {
		t.Fatalf("after removal: %v", err)
	}
	c.Insert()
	mustSW(t, c, "80E400001C", 0x9000)
	c.Remove()
	if _, err := c.Transmit(ctx, unhex(t, "80E400001C")); !removed(err) {
		t.Fatalf("after Remove: %v", err)
	}
	if got := c.APDUCount(); got != 3 {
		t.Errorf("APDU count %d, want 3", got)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Transmit(cctx, unhex(t, "80E400001C")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

func TestSetPIN(t *testing.T) {
	c := newCard(t, vcard.Applet18)
	mustSW(t, c, "0020000108"+pinBlock(t, "0000"), 0x63C2)
	if err := c.SetPIN("24680"); err != nil {
		t.Fatal(err)
	}
	mustSW(t, c, "0020000100", 0x63C3)
	mustSW(t, c, "0020000108"+pinBlock(t, "24680"), 0x9000)
	if err := c.SetPIN("12"); err == nil {
		t.Error("2-digit PIN accepted")
	}
}

// removed reports whether err is the virtual card's removal error.
func removed(err error) bool {
	return err != nil && err.Error() == "vcard: card removed"
}
