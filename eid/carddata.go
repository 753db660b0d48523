package eid

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// LifeCycle is the applet life cycle byte of GET CARD DATA.
type LifeCycle byte

// Life cycle values (applet 1.8 reference manual Table 47).
const (
	LifeCycleSelectable   LifeCycle = 0x07
	LifeCyclePersonalized LifeCycle = 0x0F
)

// String returns "selectable", "personalized" or the byte in hex.
func (l LifeCycle) String() string {
	switch l {
	case LifeCycleSelectable:
		return "selectable"
	case LifeCyclePersonalized:
		return "personalized"
	}
	return fmt.Sprintf("0x%02X", byte(l))
}

// CardData is the answer to GET CARD DATA (applet 1.8 reference manual
// §6.14 Tables 46–47; applet 1.7 §6.9).
type CardData struct {
	Serial                 [16]byte // chip serial number
	ComponentCode          byte
	OSNumber               byte
	OSVersion              byte
	SoftmaskNumber         byte
	SoftmaskVersion        byte
	AppletVersion          byte // 0x11, 0x17, 0x18: applet 1.1, 1.7, 1.8
	GlobalOSVersion        uint16
	AppletInterfaceVersion byte
	PKCS1Support           byte
	KeyExchangeVersion     byte
	LifeCycle              LifeCycle
	// PINTriesLeft is byte 28 of the 31-byte answer to P2=01 (applet
	// 1.8), or -1 when the answer has 28 bytes. 0xFF: PIN not found.
	PINTriesLeft int
	// Raw is the answer as received.
	Raw []byte
}

// ParseCardData parses a GET CARD DATA answer of 28 bytes (P2=00) or more
// (P2=01 on applet 1.8 adds the PIN tries left and two reserved bytes).
// Errors match ErrMalformed.
func ParseCardData(b []byte) (*CardData, error) {
	if len(b) < 28 {
		return nil, fmt.Errorf("%w: card data has %d bytes, want at least 28", ErrMalformed, len(b))
	}
	cd := &CardData{
		ComponentCode:          b[16],
		OSNumber:               b[17],
		OSVersion:              b[18],
		SoftmaskNumber:         b[19],
		SoftmaskVersion:        b[20],
		AppletVersion:          b[21],
		GlobalOSVersion:        uint16(b[22])<<8 | uint16(b[23]),
		AppletInterfaceVersion: b[24],
		PKCS1Support:           b[25],
		KeyExchangeVersion:     b[26],
		LifeCycle:              LifeCycle(b[27]),
		PINTriesLeft:           -1,
		Raw:                    append([]byte(nil), b...),
	}
	copy(cd.Serial[:], b[:16])
	if len(b) >= 29 {
		cd.PINTriesLeft = int(b[28])
	}
	return cd, nil
}

// SerialString returns the serial number in upper-case hex.
func (cd *CardData) SerialString() string {
	return strings.ToUpper(hex.EncodeToString(cd.Serial[:]))
}

// AppletVersionString returns the applet version as "major.minor", e.g.
// "1.8" for 0x18.
func (cd *CardData) AppletVersionString() string {
	return fmt.Sprintf("%d.%d", cd.AppletVersion>>4, cd.AppletVersion&0x0F)
}
