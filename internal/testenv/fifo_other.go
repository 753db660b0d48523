//go:build !unix

package testenv

// FIFO skips the test (fails in strict mode): named pipes need a Unix.
func FIFO(t TB) string {
	t.Helper()
	Missing(t, "named pipes need a Unix system")
	return ""
}
