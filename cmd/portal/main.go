// Command portal is a reference HTTPS service built on csam: people log in
// with their eID or a qualified certificate over mutual TLS (validated with
// x509check, OCSP included), or with username and password (art. 5) and a
// TOTP or SMS code, and the service decides, per application of the
// règlement's annexes, whether they may use it (levels.Decide).
//
//	portal -addr 127.0.0.1:8443 -config portal.json -tls-cert server.pem -tls-key server.key \
//	       -client-roots roots.pem [-belgian-roots DIR] [-accepted accepted.json] [-redis HOST:PORT]
//	       [-revocation ocsp-first] [-ocsp-server URL] [-new-totp-store]
//	       [-trusted-list TL.xml -tl-signer SIGNER.pem]
//
// Endpoints:
//
//	POST /login                 {"user","password","totp"|"sms","new_password"} → session token
//	POST /login/sms             {"user","password"} → an SMS code (the demo gateway writes it to -sms-outbox)
//	GET  /applications          what this login may use (JSON, or HTML with ?format=html)
//	POST /access/{application}  the decision: 200 allowed, 403 denied, 400 bad request, 401 no or bad key
//	GET  /matrix                the key-type × application matrix, coloured (HTML)
//	GET  /healthz
//
// A certificate login needs no session: each request carries the
// certificate. Errors are JSON {"error": {"code", "message"}} with a stable
// code. Logs are JSON lines (log/slog) on standard error, without
// passwords, codes, tokens or secrets. SIGINT and SIGTERM shut the server
// down gracefully.
//
// # Tests with real clients
//
// Besides its Go client tests, the portal's tests drive it with clients no
// one here wrote:
//
//   - TestCurlTOTPLogin: curl, the code from oathtool --totp. Password +
//     TOTP login; the same code again refused (401 replayed); the session
//     as bearer token and as curl's cookie.
//   - TestGoClientWithCard: Go crypto/tls with eid.PrivateKey over eid/pcsc,
//     pcscd, vpcd. Mutual TLS with the virtual card (applets 1.7 RSA and
//     1.8 EC P-384), the PIN asked once; the signature certificate refused
//     (401 certificate_wrong_usage); a revoked card refused (401
//     certificate_revoked).
//   - TestCurlWithCard: curl --engine pkcs11 (OpenSSL pkcs11 engine on
//     OpenSC's opensc-pkcs11.so), pcscd, vpcd. Mutual TLS with the 1.7
//     card's authentication key (pkcs11:id=%02;type=private;pin-value=…),
//     the applications, then decisions; the signature certificate refused.
//   - TestGoClientQualifiedFromTrustedList: Go crypto/tls with a software
//     key. A qualified certificate (QCStatements, QCP-n-qscd) from a CA
//     that is only a granted CA/QC service of a test-signed trusted list
//     (-trusted-list, -tl-signer) and published in the art. 7 list: allowed
//     as x509-qualified; refused under a list where the service is
//     withdrawn, and from a CA the list does not name.
//   - TestChromiumPages: headless chromium. The matrix page through
//     --dump-dom and --screenshot; over the DevTools protocol
//     (--remote-debugging-pipe) the browser logs in with a TOTP code, keeps
//     the portal's session cookie (HttpOnly, SameSite=Strict) and loads the
//     decisions page; DOM text checked, screenshots kept in
//     $CSAM_RUN_DIR/portal and checked as PNG with the coloured cells.
//
// Run them with pcscd and vpcd running:
//
//	CSAM_PCSC=1 go test -race -run 'Curl|GoClient|Chromium' ./cmd/portal/
//
// What the clients can and cannot do, as found by these tests:
//
//   - Through OpenSC, the card signs with RSA PKCS#1 v1.5 only: curl is held
//     to TLS 1.2 (TLS 1.3 wants RSA-PSS) and to PKCS#1 v1.5 signature
//     algorithms for the client certificate (ClientSignatureAlgorithms in
//     an OpenSSL configuration file). eid.PrivateKey makes RSA-PSS too, so
//     the Go client uses TLS 1.3.
//   - OpenSC's belpic driver, as Debian builds it, refuses signatures with
//     the non-repudiation key ("No GUI for NonRep key present"): no PKCS#11
//     client can use the card's signature key. The curl test presents the
//     signature certificate with the virtual card's key as a file instead;
//     the Go client test uses the card itself.
//   - Debian's OpenSC 0.23 answers the pkcs11 engine's signature on the 1.8
//     (EC P-384) card with CKR_MECHANISM_INVALID; curl uses the 1.7 card,
//     the Go client both.
//   - The virtual card's certificates name no OCSP responder: the card
//     tests and the demo give the portal's -ocsp-server a real openssl ocsp
//     responder of the card's CA (-revocation ocsp); a card whose
//     authentication certificate it says revoked is refused. TOTP tests
//     start the portal with -new-totp-store: a memory store not declared
//     new refuses the current step's code as possibly replayed (see
//     TestPortalRestartedStore).
//
// # Standard input
//
// -config, -client-roots, -belgian-roots, -intermediates, -trusted-list,
// -tl-signer, -accepted, -tls-cert and -tls-key may name "-", standard
// input, with the bound of a file (one of them only: standard input is
// read once). portal -version prints the
// version.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/csam-go/csam/internal/cliversion"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/internal/tlfile"
	"github.com/csam-go/csam/tlsauth"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/redisstore"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/ocsp"
	"github.com/csam-go/csam/x509check/tl"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, nil))
}

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// run parses args, starts the server and serves until ctx ends. ready, when
// not nil, receives the listening address.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, ready chan<- string) int {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		addr       = fs.String("addr", "127.0.0.1:8443", "listen address")
		configPath = fs.String("config", "", "configuration file (users, enterprises, roles, designations, mandates)")
		version    = cliversion.Flag(fs)
		hashPw     = fs.Bool("hash-password", false, "read a password on standard input and print its hash for the configuration")
		certFile   = fs.String("tls-cert", "", "server certificate (PEM)")
		keyFile    = fs.String("tls-key", "", "server private key (PEM)")
		accepted   = fs.String("accepted", "", "art. 7 list of authorities and accepted certificates (JSON)")
		revocation = fs.String("revocation", "ocsp-first", "revocation policy: ocsp-first, crl-first, ocsp, crl, none")
		ocspServer = fs.String("ocsp-server", "", "OCSP responder to ask instead of the client certificate's address")
		tlPath     = fs.String("trusted-list", "", "ETSI TS 119 612 trusted list: its granted CA/QC services are trust anchors and qualify what they issue (needs -tl-signer)")
		tlSigner   = fs.String("tl-signer", "", "certificate of the trusted list's signer (pinned)")
		redisAddr  = fs.String("redis", "", "Redis address for TOTP and SMS state (default: in memory)")
		newStore   = fs.Bool("new-totp-store", false, "declare the TOTP and SMS store new (a first deployment, nothing used before): codes are accepted from the first step on, without the precautions taken for a store that may have lost its data")
		outbox     = fs.String("sms-outbox", "", "file the demo SMS gateway appends messages to (default: standard output)")
		roots      listFlag
		broots     listFlag
		inters     listFlag
	)
	fs.Var(&roots, "client-roots", "trust anchors for client certificates (file or folder; repeatable)")
	fs.Var(&broots, "belgian-roots", "Belgian eID roots, checked against their pins (file or folder; repeatable)")
	fs.Var(&inters, "intermediates", "intermediate CA certificates (file or folder; repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *version {
		cliversion.Print(stdout, "portal")
		return exitOK
	}
	if *hashPw {
		b, err := io.ReadAll(io.LimitReader(stdin, 4096))
		if err != nil {
			fmt.Fprintln(stderr, "portal:", err)
			return exitError
		}
		h, err := hashPassword(strings.TrimRight(string(b), "\r\n"))
		if err != nil {
			fmt.Fprintln(stderr, "portal:", err)
			return exitError
		}
		fmt.Fprintln(stdout, h)
		return exitOK
	}
	if *configPath == "" || *certFile == "" || *keyFile == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "portal: -config, -tls-cert and -tls-key are required")
		fs.Usage()
		return exitUsage
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	in := &fileinput.Inputs{Stdin: stdin}
	cfg, err := loadConfig(in, *configPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	pol, err := x509check.ParseRevocationPolicy(*revocation)
	if err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return exitUsage
	}
	vopts := x509check.Options{Usage: x509check.UsageAuthentication, Revocation: pol, Logger: logger}
	if *ocspServer != "" {
		vopts.OCSP = ocsp.NewChecker(ocsp.Options{Server: *ocspServer})
	}
	for _, l := range []struct {
		flag  string
		paths []string
		dst   *[]*x509.Certificate
	}{{"-client-roots", roots, &vopts.Roots}, {"-belgian-roots", broots, &vopts.BelgianRoots}, {"-intermediates", inters, &vopts.Intermediates}} {
		if len(l.paths) == 0 {
			continue
		}
		if *l.dst, err = in.Certificates(l.paths...); err != nil {
			fmt.Fprintf(stderr, "portal: %s: %v\n", l.flag, err)
			return exitUsage
		}
	}
	if *tlPath != "" {
		list, err := tlfile.Load(in, *tlPath, *tlSigner, time.Now(), false)
		if err != nil {
			fmt.Fprintln(stderr, "portal:", err)
			return exitUsage
		}
		// Certificates of other roots (the Belgian eID roots) keep their
		// own status: the list judges the paths it knows.
		(&tl.Source{List: list, AllowUnlisted: true}).Apply(&vopts)
	}
	if *accepted != "" {
		if vopts.Accepted, err = loadAccepted(in, *accepted); err != nil {
			fmt.Fprintln(stderr, "portal:", err)
			return exitUsage
		}
	}
	validator, err := x509check.NewValidator(vopts)
	if err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return exitUsage
	}
	var store totp.Store
	if *redisAddr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: *redisAddr})
		defer rdb.Close()
		if err := rdb.Ping(ctx).Err(); err != nil {
			fmt.Fprintln(stderr, "portal: redis:", err)
			return exitError
		}
		store = redisstore.New(rdb, "portal:")
	} else {
		store = totp.NewMemoryStore()
	}
	if *newStore {
		if err := totp.MarkNewStore(ctx, store, time.Now()); err != nil {
			fmt.Fprintln(stderr, "portal: -new-totp-store:", err)
			return exitError
		}
	}
	smsOut := stdout
	if *outbox != "" {
		f, err := os.OpenFile(*outbox, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, "portal:", err)
			return exitError
		}
		defer f.Close()
		smsOut = f
	}
	s, err := newServer(cfg, serverOptions{Logger: logger, Store: store, SMSOutbox: smsOut})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	cert, err := loadKeyPair(in, *certFile, *keyFile)
	if err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return exitUsage
	}
	srv := &http.Server{
		Handler:           s.routes(),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
	if err := tlsauth.Server(srv, tlsauth.Options{Validator: validator, Optional: true, DeferFailures: true}); err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return exitError
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return exitError
	}
	logger.Info("portal listening", "addr", ln.Addr().String(), "version", cliversion.Version())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		logger.Error("portal stopped", "err", err)
		return exitError
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "err", err)
		return exitError
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("serve", "err", err)
		return exitError
	}
	logger.Info("portal stopped")
	return exitOK
}

// maxPEMFile bounds the -tls-cert, -tls-key and -accepted files.
const maxPEMFile = 4 << 20

// loadAccepted reads the art. 7 list at path ("-": standard input).
func loadAccepted(in *fileinput.Inputs, path string) (*x509check.AcceptedList, error) {
	if path != "-" {
		return x509check.LoadAcceptedList(path)
	}
	b, err := in.Read(path, maxPEMFile)
	if err != nil {
		return nil, err
	}
	return x509check.ParseAcceptedList(bytes.NewReader(b))
}

// loadKeyPair reads the server's certificate and key (either may be "-":
// standard input).
func loadKeyPair(in *fileinput.Inputs, certFile, keyFile string) (tls.Certificate, error) {
	if certFile != "-" && keyFile != "-" {
		return tls.LoadX509KeyPair(certFile, keyFile)
	}
	certPEM, err := in.Read(certFile, maxPEMFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := in.Read(keyFile, maxPEMFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}
