// Package seams holds the cross-package tests of the flows csam is
// imported for: a certificate validated by x509check, turned into a key by
// Result.PresentedKey and decided on by levels.Decide; an eID card read by
// eid and its certificates validated by x509check; a TOTP code verified by
// totp and the key decided on. It has no API: its tests cross from one
// package to the next without HTTP, so that a seam that breaks fails here.
package seams
