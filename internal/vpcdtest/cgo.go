//go:build cgo

package vpcdtest

// cgoEnabled tells whether the module was built with cgo, without which
// package pcsc has no PC/SC.
const cgoEnabled = true
