// Command totp enrolls, generates and verifies TOTP codes (RFC 6238) with
// package totp.
//
//	totp enroll -issuer I -account A [-qr FILE.png]   print a new secret and its otpauth URI
//	totp code -secret-file FILE|- [-at TIME] [-digits N] [-algorithm A] [-period P]
//	totp verify -secret-file FILE|- [-at TIME] [...] CODE   exit 0 valid, 1 not valid, 2 bad input
//	totp demo                                          enroll, verify, and refuse a replay
//	totp -version
//
// TIME is Unix seconds (1111111109 or @1111111109) or RFC 3339; the default
// is now. The secret is base32, as authenticator apps show it; -secret-file
// reads it from a file ("-": standard input, at most 4 KiB either way),
// which keeps it out of the process list. -secret S still gives it on the
// command line, for tests and known-answer vectors only: it is discouraged,
// since any user of the machine sees it in ps. -window is at most
// totp.MaxWindow steps.
//
//	go run ./cmd/totp enroll -issuer CSAM -account alice@example.be -qr qr.png   # secret and otpauth URI
//	echo GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ | go run ./cmd/totp code -secret-file - -at 59 -digits 8   # 94287082
//	go run ./cmd/totp verify -secret-file secret.txt -at 59 -digits 8 94287082
//	# exit 0 valid, 1 not valid, 2 bad input (-algorithm SHA256, -period 30s, -window 1 up to 10)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/csam-go/csam/internal/cliversion"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/totp"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// stdin is the standard input -secret-file - reads.
var stdin io.Reader = os.Stdin

const usage = `usage:
  totp enroll -issuer I -account A [-qr FILE.png] [-digits N] [-algorithm A] [-period P]
  totp code -secret-file FILE|- [-at TIME] [-digits N] [-algorithm A] [-period P]
  totp verify -secret-file FILE|- [-at TIME] [-digits N] [-algorithm A] [-period P] [-window W] CODE
  totp demo
  totp -version
TIME is Unix seconds (1111111109, @1111111109) or RFC 3339; default now.
-secret-file - reads the secret on standard input. (-secret S works too,
but shows the secret to every user of the machine in ps: discouraged.)
verify exits 0 when the code is valid, 1 when not, 2 on bad input.
`

// exit codes
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// run executes the command line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	code := exitOK
	switch args[0] {
	case "enroll":
		err = enroll(args[1:], stdout)
	case "code":
		err = genCode(args[1:], stdout)
	case "verify":
		code, err = verify(args[1:], stdout)
	case "demo":
		err = demo(stdout)
	case "-version", "--version":
		cliversion.Print(stdout, "totp")
		return exitOK
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		err = fmt.Errorf("unknown command %q", args[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "totp %s: %v\n", args[0], err)
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return code
}

// common holds the flags shared by the subcommands.
type common struct {
	digits    int
	algorithm string
	period    time.Duration
}

func (c *common) register(fs *flag.FlagSet) {
	fs.IntVar(&c.digits, "digits", 6, "code length: 6, 7 or 8")
	fs.StringVar(&c.algorithm, "algorithm", "SHA1", "HMAC algorithm: SHA1, SHA256 or SHA512")
	fs.DurationVar(&c.period, "period", 30*time.Second, "time step")
}

func (c *common) options() (totp.Options, error) {
	alg, err := totp.ParseAlgorithm(c.algorithm)
	if err != nil {
		return totp.Options{}, err
	}
	o := totp.Options{Digits: c.digits, Algorithm: alg, Period: c.period}
	// Validate the options now, for a clear error before any work.
	if _, err := totp.NewVerifier(o); err != nil {
		return totp.Options{}, err
	}
	return o, nil
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	if n, err := strconv.ParseInt(strings.TrimPrefix(s, "@"), 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("-at %q is neither Unix seconds nor RFC 3339", s)
	}
	return t, nil
}

func enroll(args []string, stdout io.Writer) error {
	fs := newFlags("enroll")
	var c common
	c.register(fs)
	issuer := fs.String("issuer", "", "issuer shown by the app (required)")
	account := fs.String("account", "", "account name shown by the app (required)")
	qr := fs.String("qr", "", "write a QR code PNG of the URI to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *issuer == "" || *account == "" || fs.NArg() != 0 {
		return errors.New("-issuer and -account are required, and nothing else")
	}
	o, err := c.options()
	if err != nil {
		return err
	}
	v, err := totp.NewVerifier(o)
	if err != nil {
		return err
	}
	e, err := v.Enroll(*issuer+":"+*account, *issuer, *account)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "secret: %s\nuri: %s\n", e.SecretBase32(), e.URI)
	if *qr != "" {
		png, err := e.QRCode(256)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*qr, png, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "qr: %s\n", *qr)
	}
	return nil
}

// maxSecretFile bounds -secret-file: a base32 secret of 64 bytes or more
// is about a hundred characters.
const maxSecretFile = 4096

// secretFlags defines -secret-file and the discouraged -secret.
func secretFlags(fs *flag.FlagSet) (secret, file *string) {
	secret = fs.String("secret", "", "base32 secret (discouraged: visible in ps; use -secret-file)")
	file = fs.String("secret-file", "", "file holding the base32 secret (-: standard input)")
	return secret, file
}

func secretFlag(s, file string) ([]byte, error) {
	switch {
	case s != "" && file != "":
		return nil, errors.New("-secret and -secret-file exclude each other")
	case file != "":
		b, err := fileinput.Read(file, maxSecretFile, stdin)
		if err != nil {
			return nil, fmt.Errorf("-secret-file: %w", err)
		}
		s = strings.TrimSpace(string(b))
		if s == "" {
			return nil, errors.New("-secret-file: empty")
		}
	case s == "":
		return nil, errors.New("-secret or -secret-file is required")
	}
	return totp.ParseSecret(s)
}

func genCode(args []string, stdout io.Writer) error {
	fs := newFlags("code")
	var c common
	c.register(fs)
	secret, secretFile := secretFlags(fs)
	at := fs.String("at", "", "time (Unix seconds or RFC 3339); default now")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	key, err := secretFlag(*secret, *secretFile)
	if err != nil {
		return err
	}
	o, err := c.options()
	if err != nil {
		return err
	}
	t, err := parseTime(*at)
	if err != nil {
		return err
	}
	code, err := totp.GenerateCode(key, t, o)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, code)
	return nil
}

func verify(args []string, stdout io.Writer) (int, error) {
	fs := newFlags("verify")
	var c common
	c.register(fs)
	secret, secretFile := secretFlags(fs)
	at := fs.String("at", "", "time (Unix seconds or RFC 3339); default now")
	window := fs.Int("window", 1, fmt.Sprintf("steps accepted on either side, at most %d", totp.MaxWindow))
	if err := fs.Parse(args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() != 1 {
		return exitUsage, errors.New("want exactly one CODE argument after the flags")
	}
	key, err := secretFlag(*secret, *secretFile)
	if err != nil {
		return exitUsage, err
	}
	o, err := c.options()
	if err != nil {
		return exitUsage, err
	}
	t, err := parseTime(*at)
	if err != nil {
		return exitUsage, err
	}
	if *window < 0 {
		return exitUsage, errors.New("-window must not be negative")
	}
	o.Behind, o.Ahead = *window, *window
	if *window == 0 {
		o.Behind, o.Ahead = -1, -1
	}
	o.Now = func() time.Time { return t }
	// A check on its own: a store of this check only, holding nothing
	// used before.
	o.Store = totp.NewMemoryStore()
	if err := totp.MarkNewStore(context.Background(), o.Store, t); err != nil {
		return exitUsage, err
	}
	v, err := totp.NewVerifier(o)
	if err != nil {
		return exitUsage, err
	}
	res, err := v.Verify(context.Background(), totp.Authenticator{ID: "cli", Secret: key}, fs.Arg(0))
	switch {
	case errors.Is(err, totp.ErrInvalidCode):
		fmt.Fprintln(stdout, "invalid")
		return exitInvalid, nil
	case err != nil:
		return exitUsage, err
	}
	fmt.Fprintf(stdout, "valid: step %d, drift %d\n", res.Step, res.Drift)
	return exitOK, nil
}

// demo runs the life of a credential in one process, with the memory store.
func demo(stdout io.Writer) error {
	ctx := context.Background()
	v, err := totp.NewVerifier(totp.Options{})
	if err != nil {
		return err
	}
	e, err := v.Enroll("demo-credential", "CSAM demo", "alice@example.be")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "enrolled: %d-bit secret, uri %s\n", 8*len(e.Secret), e.URI)
	code, err := totp.GenerateCode(e.Secret, time.Now(), totp.Options{})
	if err != nil {
		return err
	}
	// A demo shows the code, as the user's app would; a service never logs it.
	fmt.Fprintf(stdout, "code from the app: %s\n", code)
	cred, res, err := v.Activate(ctx, e, code)
	if err != nil {
		return fmt.Errorf("activation: %w", err)
	}
	fmt.Fprintf(stdout, "activated %s: key type %s, step %d, drift %d\n", cred.ID, res.Key, res.Step, res.Drift)
	if _, err := v.Verify(ctx, cred, code); !errors.Is(err, totp.ErrReplayed) {
		return fmt.Errorf("replay was not refused: %v", err)
	}
	fmt.Fprintf(stdout, "same code again: refused (%v)\n", totp.ErrReplayed)
	return nil
}
