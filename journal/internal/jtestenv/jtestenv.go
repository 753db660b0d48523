// Package jtestenv is the journal module's small counterpart of the root
// module's internal/testenv (which a nested module cannot import): strict
// mode, tools, and the MariaDB server scripts/test.sh starts.
package jtestenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"os/exec"
	"testing"

	_ "github.com/go-sql-driver/mysql" // the driver the DSN is for
)

// Strict reports whether missing prerequisites fail tests instead of
// skipping them (CSAM_STRICT=1).
func Strict() bool { return os.Getenv("CSAM_STRICT") == "1" }

// Missing skips t with reason, or fails it in strict mode.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if Strict() {
		t.Fatalf("required for this test (CSAM_STRICT=1): %s", reason)
	}
	t.Skipf("skipped: %s", reason)
}

// Tool returns the path of an executable on PATH, skipping (or failing
// in strict mode) when it is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not installed (scripts/setup.sh installs it)")
	}
	return p
}

// MySQLDSN returns the DSN of a fresh database on the MariaDB server of
// $CSAM_MYSQL_DSN (set by scripts/test.sh), dropped when the test ends;
// it skips (or fails in strict mode) when the variable is unset.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	server := os.Getenv("CSAM_MYSQL_DSN")
	if server == "" {
		Missing(t, "CSAM_MYSQL_DSN is not set: no MariaDB server for this test (scripts/test.sh starts one)")
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "journal_test_" + hex.EncodeToString(b)
	db, err := sql.Open("mysql", server)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		t.Fatalf("MariaDB at %s: %v", server, err)
	}
	t.Cleanup(func() {
		db.ExecContext(context.Background(), "DROP DATABASE "+name)
		db.Close()
	})
	return server + name
}
