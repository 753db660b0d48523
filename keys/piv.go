package keys

import "github.com/csam-go/csam/levels"

// IDPIVToken identifies the built-in key type of a PIV token (a NIST SP
// 800-73 card or a YubiKey): an X.509 certificate whose private key is on
// the token, used with the token's PIN.
const IDPIVToken ID = "piv-token"

// FactorPIVToken is a PIV token holding the private key (package piv).
const FactorPIVToken Factor = "piv-token"

// pivToken is the PIV token key type. Its level is that of an X.509
// certificate (column 3, art. 3.2.e and 7): like x509-qualified, access
// decisions need the certificate's validation (levels.CertificateStatus:
// qualified, or of a type on the accepted list), which decides. A key
// whose attestation verified also carries the attribute
// levels.AttrAttestedNonExportable (package piv sets it), which a service
// may require.
var pivToken = KeyType{
	ID: IDPIVToken,
	Names: Names{
		FR: "Certificat X.509 sur token PIV (carte à puce) avec code PIN",
		NL: "X.509-certificaat op een PIV-token (chipkaart) met pincode",
		EN: "X.509 certificate on a PIV token (smart card) with PIN",
		DE: "X.509-Zertifikat auf einem PIV-Token (Chipkarte) mit PIN",
	},
	Level:    levels.Column3,
	Channels: []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries},
	Factors:  []Factor{FactorUsername, FactorPassword, FactorCertificate, FactorPrivateKey, FactorPIVToken, FactorPIN},
}

func init() { builtins = append(builtins, pivToken) }
