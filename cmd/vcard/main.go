// Command vcard runs a virtual Belgian eID card attached to pcscd through
// the vpcd driver, until interrupted: PC/SC programs (eidread, OpenSC's
// opensc-tool and pkcs15-tool, the official middleware) then see it in the
// reader "Virtual PCD 00 00".
//
// Usage:
//
//	vcard [-profile 1.7|1.8] [-rekeyed] [-seed S] [-pin 1234] [-addr 127.0.0.1:35963] [-export DIR]
//	vcard -dump DIR [-addr ...]
//	vcard -profile piv [-pin 123456] [-addr ...] [-export DIR]
//
// -dump serves a card dump folder (files named by their four-hex-digit file
// identifier) instead of a generated card; -export writes the generated
// card's test PKI (certificates and keys as PEM) to DIR. -profile piv serves
// a virtual PIV token instead (package piv/vtoken: a YubiKey 5 as PIV
// programs see it, with a P-256 key and a certificate in slot 9a; PIN
// default 123456, PUK 12345678, the default management key); -export then
// writes its attestation root and the CA of the slot 9a certificate
// (attestation-root.pem, issuer.pem and their .key files). When the card is
// removed by pcscd or vpcd goes away, vcard reconnects until interrupted.
// vcard -version prints the version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/cliversion"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// stdout is where -version prints; the card's log goes to stderr.
var stdout io.Writer = os.Stdout

// run is the command; it returns the exit status: 0 when interrupted (or
// the card removed with -once), 1 on failure, 2 on bad usage.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("vcard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profile := fs.String("profile", "1.8", "applet profile: 1.7 (RSA-2048) or 1.8 (EC P-384), or piv for a virtual PIV token")
	dump := fs.String("dump", "", "serve this card dump folder instead of a generated card")
	pin := fs.String("pin", vcard.DefaultPIN, "cardholder PIN (4 to 12 digits)")
	seed := fs.String("seed", "", "seed for a reproducible card (default: random)")
	addr := fs.String("addr", "127.0.0.1:35963", "vpcd address (35963: reader \"Virtual PCD 00 00\", 35964: \"Virtual PCD 00 01\")")
	export := fs.String("export", "", "write the test PKI (PEM certificates and keys) to this folder")
	rekeyed := fs.Bool("rekeyed", false, "with -profile 1.7: a card re-keyed to the EC PKI (EC root, CA and RRN; ECDSA identity signatures)")
	once := fs.Bool("once", false, "exit when the card is removed instead of reconnecting")
	showVersion := cliversion.Flag(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: vcard [flags]\n\nRuns a virtual Belgian eID card in a vpcd reader of pcscd until interrupted.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		cliversion.Print(stdout, "vcard")
		return 0
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if *profile == "piv" {
		return runPIV(ctx, fs, log, stderr, pivFlags{pin: *pin, addr: *addr, export: *export, once: *once})
	}

	var card *vcard.Card
	var err error
	if *dump != "" {
		card, err = vcard.FromDump(*dump)
		if err == nil {
			err = card.SetPIN(*pin)
		}
	} else {
		p, perr := vcard.ParseProfile(*profile)
		if perr != nil {
			fmt.Fprintln(stderr, perr)
			return 2
		}
		o := vcard.Options{Profile: p, PIN: *pin, Rekeyed: *rekeyed}
		if *seed != "" {
			o.Seed = []byte(*seed)
		}
		card, err = vcard.New(o)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *export != "" {
		if card.PKI() == nil {
			fmt.Fprintln(stderr, "vcard: -export needs a generated card, not -dump")
			return 2
		}
		if err := card.PKI().Export(*export); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		log.Info("test PKI exported", "dir", *export)
	}

	log.Info("virtual card ready", "profile", card.Profile().String(), "vpcd", *addr, "atr", fmt.Sprintf("% X", card.ATR()))
	for {
		err := card.ServeVPCD(ctx, *addr)
		if ctx.Err() != nil {
			log.Info("card removed, exiting")
			return 0
		}
		if err != nil {
			log.Warn("vpcd connection", "err", err)
		} else {
			log.Info("card removed")
		}
		if *once {
			if err != nil {
				return 1
			}
			return 0
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(500 * time.Millisecond):
		}
		card.Insert()
	}
}
