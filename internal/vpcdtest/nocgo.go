//go:build !cgo

package vpcdtest

const cgoEnabled = false
