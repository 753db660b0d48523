package vcard

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FromDump makes a card that serves a card dump folder: one file per card
// file, named by its four-hex-digit file identifier (4031, 4032, …, 503C,
// 4040), raw bytes as read from a card. Two optional files describe the
// chip: "atr" (the answer to reset, raw bytes) and "carddata" (the GET CARD
// DATA response, 28 bytes). Other names are ignored.
//
// Missing PKCS#15 files (2F00, 5031–5037) are made from the certificates
// found; without "carddata" the serial number is the identity file's chip
// number and the applet version 1.8 when file 4040 is present, else 1.7
// (1.1 for RSA-1024 certificates). The card has no private keys: MSE SET
// answers 6A88. The PIN is DefaultPIN.
func FromDump(dir string) (*Card, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("vcard: dump: %w", err)
	}
	files := map[uint16][]byte{}
	var atr, cd []byte
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		read := func() ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
		switch {
		case strings.EqualFold(name, "atr"):
			if atr, err = read(); err != nil {
				return nil, fmt.Errorf("vcard: dump: %w", err)
			}
		case strings.EqualFold(name, "carddata"):
			if cd, err = read(); err != nil {
				return nil, fmt.Errorf("vcard: dump: %w", err)
			}
		case len(name) == 4:
			id, err := strconv.ParseUint(name, 16, 16)
			if err != nil {
				continue
			}
			b, err := read()
			if err != nil {
				return nil, fmt.Errorf("vcard: dump: %w", err)
			}
			files[uint16(id)] = b
		}
	}
	return FromFiles(files, atr, cd)
}

// FromFiles makes a card serving the given files (by file identifier), as
// FromDump does for a folder. atr and cardData may be nil.
func FromFiles(files map[uint16][]byte, atr, cardData []byte) (*Card, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("vcard: dump has no card files")
	}
	fs := make(map[uint16][]byte, len(files))
	for id, b := range files {
		if isDF(id) || id == 0 {
			return nil, fmt.Errorf("vcard: dump: %04X is not an elementary file of the card", id)
		}
		fs[id] = bytes.Clone(b)
	}
	p := Applet17
	applet := byte(0x17)
	if _, ok := fs[fileBasicKey]; ok {
		p, applet = Applet18, 0x18
	}
	auth := certIn(fs[fileAuthCert])
	sign := certIn(fs[fileSignCert])
	if kd := describeKey(auth); kd != nil && !kd.ec && kd.bits <= 1024 {
		applet = 0x11
	}
	serial := chipNumber(fs[fileIdentity])
	if len(cardData) >= 28 {
		serial = cardData[:16]
	}
	def := map[uint16]func() []byte{
		fileDIR:       efDIR,
		fileODF:       efODF,
		fileTokenInfo: func() []byte { return efTokenInfo(serial, [4]byte{}) },
		fileAODF:      efAODF,
		filePrKDF:     func() []byte { return efPrKDF(describeKey(auth), describeKey(sign)) },
		fileCDF:       func() []byte { return efCDF(auth != nil, sign != nil) },
	}
	for id, f := range def {
		if _, ok := fs[id]; !ok {
			fs[id] = f()
		}
	}
	if atr == nil {
		atr = profileATR(p)
	}
	if len(cardData) < 28 {
		cardData = cardData17or18(p, serial, applet)
	}
	c := &Card{profile: p, atr: bytes.Clone(atr), cardData: bytes.Clone(cardData[:28]), files: fs, keys: nil}
	block, _ := pinBlock(DefaultPIN)
	return c.clone(block), nil
}

func cardData17or18(p Profile, serial []byte, applet byte) []byte {
	d := cardData(p, serial)
	d[21] = applet
	return d
}

// chipNumber returns tag 02 of an identity file (16 bytes), or zeros.
func chipNumber(id []byte) []byte {
	out := make([]byte, 16)
	for i := 0; i+2 <= len(id); {
		tag := id[i]
		n, j := 0, i+1
		for j < len(id) && id[j] == 0xFF {
			n += 255
			j++
		}
		if j >= len(id) {
			break
		}
		n += int(id[j])
		j++
		if j+n > len(id) {
			break
		}
		if tag == 0x02 {
			copy(out, id[j:j+n])
			return out
		}
		i = j + n
	}
	return out
}

// certIn parses the certificate at the start of a zero-padded certificate
// file, or returns nil.
func certIn(b []byte) *x509.Certificate {
	if len(b) < 4 || b[0] != 0x30 {
		return nil
	}
	var n int
	switch {
	case b[1] < 0x80:
		n = 2 + int(b[1])
	case b[1] == 0x81:
		n = 3 + int(b[2])
	case b[1] == 0x82:
		n = 4 + (int(b[2])<<8 | int(b[3]))
	default:
		return nil
	}
	if n > len(b) {
		return nil
	}
	c, err := x509.ParseCertificate(b[:n])
	if err != nil {
		return nil
	}
	return c
}
