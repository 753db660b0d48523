// Package tlsauth requires and validates TLS client certificates with an
// x509check.Validator, for crypto/tls and net/http servers. The one line a
// service writes:
//
//	tlsauth.Server(srv, tlsauth.Options{Validator: v})
//
// after which srv.ListenAndServeTLS asks every client for a certificate,
// validates its chain with the validator during the handshake (with the
// handshake's context: the connection's, cancelled when the server shuts
// down), and gives the handler the validation result:
//
//	res, ok := tlsauth.FromRequest(r) // *x509check.Result
//
// crypto/tls itself checks that the client holds the certificate's private
// key (CertificateVerify); the validator decides everything else (path,
// usage, revocation, qualified status, art. 7 of the règlement).
package tlsauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/csam-go/csam/x509check"
)

// Options configure the adapter. The zero value of every field but
// Validator is the safe default: a certificate is required, an invalid
// one fails the handshake.
type Options struct {
	// Validator validates the client's chain; required.
	Validator *x509check.Validator
	// Optional lets clients connect without a certificate (a service that
	// also offers password logins); FromRequest then reports none. Zero:
	// a certificate is required.
	Optional bool
	// DeferFailures completes the handshake of a client whose certificate
	// does not validate, and gives the failed result to the handler, which
	// can answer with a clear error (expired, revoked, unknown CA, wrong
	// usage) instead of a TLS alert. The handler must then check
	// Result.Valid. Zero: such a handshake fails.
	DeferFailures bool
	// ClientCAs are the certificate authorities advertised to clients to
	// help them choose a certificate; they decide nothing (the validator
	// does). Nil advertises none.
	ClientCAs *x509.CertPool
	// Timeout bounds one validation (OCSP and CRL fetches included). Zero
	// means 10 seconds.
	Timeout time.Duration
	// Staples returns DER OCSP responses for the client's chain, given to
	// this validation only (x509check.WithOCSPResponses), e.g. from a cache
	// the service fills. Nil: none.
	Staples func(chain []*x509.Certificate) [][]byte
}

// errNoValidator is returned by Config and Server when Options.Validator is
// nil.
var errNoValidator = errors.New("tlsauth: no validator")

// slot carries one connection's validation result from the handshake to
// the handler.
type slot struct {
	mu  sync.Mutex
	res *x509check.Result
	err error
}

type slotKey struct{}

// connContext is an http.Server ConnContext that makes room in a
// connection's context for its validation result. Server installs it.
func connContext(ctx context.Context, _ net.Conn) context.Context {
	return context.WithValue(ctx, slotKey{}, &slot{})
}

// errNoCertificate is returned by Config and Server when the base
// configuration has no server certificate: the per-connection
// configuration tlsauth derives from it is made when Config is called, so
// the certificate must be loaded first (then serve with
// srv.ListenAndServeTLS("", "")).
var errNoCertificate = errors.New("tlsauth: the TLS configuration has no server certificate (load it before tlsauth.Server, then ListenAndServeTLS(\"\", \"\"))")

// Config returns a copy of base that requires (or, with Optional,
// requests) a client certificate and validates it with opts.Validator in
// VerifyConnection, with the handshake's context. base must hold the
// server certificate (Certificates, GetCertificate or its own
// GetConfigForClient); Config fails, saying so, without it or without a
// Validator. It suits any crypto/tls server; an http.Server should use
// Server, under which FromRequest and Err report each connection's result.
func Config(base *tls.Config, opts Options) (*tls.Config, error) {
	if opts.Validator == nil {
		return nil, errNoValidator
	}
	if base == nil || (len(base.Certificates) == 0 && base.GetCertificate == nil && base.GetConfigForClient == nil) {
		return nil, errNoCertificate
	}
	cfg := base.Clone()
	// crypto/tls checks possession of the key; the chain is the
	// validator's business.
	cfg.ClientAuth = tls.RequireAnyClientCert
	if opts.Optional {
		cfg.ClientAuth = tls.RequestClientCert
	}
	cfg.ClientCAs = opts.ClientCAs
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	prevGet := base.GetConfigForClient
	cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		c := cfg
		if prevGet != nil {
			pc, err := prevGet(hello)
			if err != nil {
				return nil, err
			}
			if pc != nil {
				c = pc.Clone()
				c.ClientAuth, c.ClientCAs = cfg.ClientAuth, cfg.ClientCAs
			}
		}
		c = c.Clone()
		c.GetConfigForClient = nil
		ctx := hello.Context()
		c.VerifyConnection = func(cs tls.ConnectionState) error {
			return verify(ctx, opts, cs)
		}
		return c, nil
	}
	return cfg, nil
}

func verify(ctx context.Context, opts Options, cs tls.ConnectionState) error {
	s, _ := ctx.Value(slotKey{}).(*slot)
	if len(cs.PeerCertificates) == 0 {
		if opts.Optional {
			return nil
		}
		return errors.New("tlsauth: a client certificate is required")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	vctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if opts.Staples != nil {
		vctx = x509check.WithOCSPResponses(vctx, opts.Staples(cs.PeerCertificates)...)
	}
	res, err := opts.Validator.Validate(vctx, cs.PeerCertificates[0], cs.PeerCertificates[1:]...)
	if s != nil {
		s.mu.Lock()
		s.res, s.err = res, err
		s.mu.Unlock()
	}
	if err != nil && !opts.DeferFailures {
		return fmt.Errorf("tlsauth: client certificate: %w", err)
	}
	return nil
}

// Server sets srv's TLSConfig (from the current one) and ConnContext
// (wrapping the current one) so that its TLS connections require and
// validate client certificates with opts, and FromRequest gives handlers
// the result. Use srv.ListenAndServeTLS or srv.ServeTLS after it.
func Server(srv *http.Server, opts Options) error {
	cfg, err := Config(srv.TLSConfig, opts)
	if err != nil {
		return err
	}
	srv.TLSConfig = cfg
	prev := srv.ConnContext
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if prev != nil {
			ctx = prev(ctx, c)
		}
		return connContext(ctx, c)
	}
	return nil
}

// Err returns the validation error of the connection ctx belongs to (nil
// for a valid certificate or none).
func Err(ctx context.Context) error {
	s, _ := ctx.Value(slotKey{}).(*slot)
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// FromRequest returns the validation result of the connection r came on
// (under Server), and whether a client certificate was validated. With
// DeferFailures the result may be invalid: check Result.Valid, and Err for
// the cause.
func FromRequest(r *http.Request) (*x509check.Result, bool) {
	s, _ := r.Context().Value(slotKey{}).(*slot)
	if s == nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res, s.res != nil
}
