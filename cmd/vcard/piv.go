package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/csam-go/csam/piv/vtoken"
)

type pivFlags struct {
	pin, addr, export string
	once              bool
}

// runPIV serves a virtual PIV token (-profile piv).
func runPIV(ctx context.Context, fs *flag.FlagSet, log *slog.Logger, stderr io.Writer, f pivFlags) int {
	pinSet := false
	bad := ""
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "pin":
			pinSet = true
		case "dump", "seed", "rekeyed":
			bad = fl.Name
		}
	})
	if bad != "" {
		fmt.Fprintf(stderr, "vcard: -%s does not apply to -profile piv\n", bad)
		return 2
	}
	o := vtoken.Options{}
	if pinSet {
		o.PIN = f.pin
	}
	tok, err := vtoken.New(o)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if f.export != "" {
		if err := tok.AttestationRoot().WritePEM(f.export, "attestation-root"); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if err := tok.Issuer().WritePEM(f.export, "issuer"); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		log.Info("test PKI exported", "dir", f.export)
	}
	log.Info("virtual PIV token ready", "serial", tok.Serial(), "vpcd", f.addr, "atr", fmt.Sprintf("% X", tok.ATR()))
	for {
		err := tok.ServeVPCD(ctx, f.addr)
		if ctx.Err() != nil {
			log.Info("token removed, exiting")
			return 0
		}
		if err != nil {
			log.Warn("vpcd connection", "err", err)
		} else {
			log.Info("token removed")
		}
		if f.once {
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
		tok.Insert()
	}
}
