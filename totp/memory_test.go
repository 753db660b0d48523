package totp_test

import (
	"testing"

	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) totp.Store { return totp.NewMemoryStore() })
}
