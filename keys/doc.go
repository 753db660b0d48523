// Package keys describes the digital keys of the règlement (username and
// password, token, SMS code, TOTP app, itsme, eID, certificates) and the
// future key types an integrator registers at run time or from a definition
// file, with the lifecycle of credentials (arts. 5 and 5 bis).
package keys
