// Package tlfile loads a signed trusted list and its pinned signer from
// files, as the programs' -trusted-list and -tl-signer flags name them.
package tlfile

import (
	"errors"
	"fmt"
	"time"

	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/x509check/tl"
)

// ErrNoSigner is returned when a list is given without its signer.
var ErrNoSigner = errors.New("-trusted-list needs -tl-signer (the list's signer certificate, pinned)")

// Load reads the list at listPath (a regular file of at most
// tl.DefaultMaxSize bytes) and verifies it against the signer
// certificates at signerPath at the time at (zero: now); allowExpired
// accepts a list past its next update. Either path may be "-", standard
// input as in hands it out; in may be nil (files only).
func Load(in *fileinput.Inputs, listPath, signerPath string, at time.Time, allowExpired bool) (*tl.List, error) {
	if signerPath == "" {
		return nil, ErrNoSigner
	}
	if in == nil {
		in = &fileinput.Inputs{}
	}
	data, err := in.Read(listPath, tl.DefaultMaxSize)
	if err != nil {
		return nil, err
	}
	signers, err := in.Certificates(signerPath)
	if err != nil {
		return nil, err
	}
	l, err := tl.Verify(data, tl.VerifyOptions{Signers: signers, Time: at, AllowExpired: allowExpired})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", listPath, err)
	}
	return l, nil
}
