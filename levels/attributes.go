package levels

import "slices"

// AttrAttestedNonExportable marks a key whose private key was proven, by
// the attestation of the device that holds it, to have been generated on
// that device and to be unable to leave it: art. 7 asks to keep the
// private key "sur un support sécurisé, de préférence sur une carte à
// puce qui ne permet pas d'exporter la clé privée". Package piv sets it
// for a PIV token key whose attestation verified and certifies the
// presented certificate's key.
const AttrAttestedNonExportable = "key-attested-non-exportable"

const (
	msgAttrHeld    = "key attested non-exportable (generated on a smart card it cannot leave)"
	msgAttrMissing = "requires a key attested non-exportable (generated on a smart card it cannot leave)"
	msgAttrOther   = "requires a key attribute this key does not carry"
)

// HasAttribute reports whether the key carries attribute a.
func (k *PresentedKey) HasAttribute(a string) bool { return slices.Contains(k.Attributes, a) }

// keyAttributes adds a reason for each attribute required of the key.
func (j *judge) keyAttributes(required []string, k *PresentedKey) {
	for _, a := range required {
		switch {
		case a == AttrAttestedNonExportable && k.HasAttribute(a):
			j.add("7", msgAttrHeld, Grant)
		case a == AttrAttestedNonExportable:
			j.add("7", msgAttrMissing, Deny)
		case !k.HasAttribute(a):
			j.add("7", msgAttrOther+": "+a, Deny)
		}
	}
}
