// Command vcard runs a virtual Belgian eID card attached to pcscd through
// the vpcd driver, until interrupted: PC/SC programs (eidread, OpenSC's
// opensc-tool and pkcs15-tool, the official middleware) then see it in the
// reader "Virtual PCD 00 00".
//
// Usage:
//
//	vcard [-profile 1.7|1.8] [-seed S] [-pin 1234] [-addr 127.0.0.1:35963] [-export DIR]
//	vcard -dump DIR [-addr ...]
//
// -dump serves a card dump folder (files named by their four-hex-digit file
// identifier) instead of a generated card; -export writes the generated
// card's test PKI (certificates and keys as PEM) to DIR. When the card is
// removed by pcscd or vpcd goes away, vcard reconnects until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/csam-go/csam/eid/vcard"
)

func main() {
	os.Exit(run())
}

func run() int {
	profile := flag.String("profile", "1.8", "applet profile: 1.7 (RSA-2048) or 1.8 (EC P-384)")
	dump := flag.String("dump", "", "serve this card dump folder instead of a generated card")
	pin := flag.String("pin", vcard.DefaultPIN, "cardholder PIN (4 to 12 digits)")
	seed := flag.String("seed", "", "seed for a reproducible card (default: random)")
	addr := flag.String("addr", "127.0.0.1:35963", "vpcd address (35963: reader \"Virtual PCD 00 00\", 35964: \"Virtual PCD 00 01\")")
	export := flag.String("export", "", "write the test PKI (PEM certificates and keys) to this folder")
	once := flag.Bool("once", false, "exit when the card is removed instead of reconnecting")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: vcard [flags]\n\nRuns a virtual Belgian eID card in a vpcd reader of pcscd until interrupted.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	var card *vcard.Card
	var err error
	if *dump != "" {
		card, err = vcard.FromDump(*dump)
	} else {
		p, perr := vcard.ParseProfile(*profile)
		if perr != nil {
			fmt.Fprintln(os.Stderr, perr)
			return 2
		}
		o := vcard.Options{Profile: p, PIN: *pin}
		if *seed != "" {
			o.Seed = []byte(*seed)
		}
		card, err = vcard.New(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if *export != "" {
		if card.PKI() == nil {
			fmt.Fprintln(os.Stderr, "vcard: -export needs a generated card, not -dump")
			return 2
		}
		if err := card.PKI().Export(*export); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		log.Info("test PKI exported", "dir", *export)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
			if err != nil && !errors.Is(err, context.Canceled) {
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
