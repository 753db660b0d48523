// Command keymatrix shows which applications of the règlement's annexes each
// digital key unlocks, prints the application catalog, and decides access
// requests.
//
// Usage:
//
//	keymatrix -catalog [-transfers] [-json]
//	    the catalog of annexes 1-3 (with -transfers, also the (S)FTP and
//	    MQSeries declarations of art. 3.4), as a table or a JSON array of
//	    {"id", "portal", "application", "articles", "audience",
//	    "requirement", "group"}
//	keymatrix -matrix [-keys FILE.json] [-list] [-json]
//	keymatrix -keys FILE.json [-list] [-json]
//	    per key type (the built-ins and those of FILE.json, a keys
//	    definition file), the applications it unlocks by itself: a summary
//	    table followed, with -keys alone, by the applications of each key
//	    type of FILE.json (-list: of every key type), or JSON
//	keymatrix -decide [-keys FILE.json] [-explain] < request.json
//	    decides the access request read on standard input (see
//	    levels.DecodeRequest; "key_type" names a built-in or FILE.json key
//	    type) and prints the decision as JSON
//
// The matrix counts what each key unlocks by itself (level, channels, arts.
// 3.4 and 11), the 11 applications that need no key included; who may use
// them is decided per request. -decide reads the request format of
// levels.DecodeRequest: "key_type" names a built-in or -keys key type, or
// "key" describes one inline ({"type", "level", "channels",
// "uses_certificate", "eid_signature", "certificate", "state", "holder"});
// -explain prints the reasons as text. For example:
//
//	go run ./cmd/keymatrix -catalog -json          # the catalog: portal, application, articles, requirement
//	go run ./cmd/keymatrix -keys testdata/keys/future-keys.json   # per key type counts, then each future key's applications
//	go run ./cmd/keymatrix -matrix -list -json     # every key type with the applications it unlocks, as JSON
//	echo '{"application": "Rina", "roles": ["main-access-manager"], "key_type": "eid-signature"}' |
//		go run ./cmd/keymatrix -decide                # decision JSON; exit 0 allowed, 1 denied, 2 bad input
//
// -keys - reads the definitions from standard input (at most 1 MiB, as a
// file), except with -decide, whose request is standard input. -version
// prints the version and exits.
//
// Exit status: 0 on success or access allowed, 1 access denied, 2 bad input
// or usage.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/csam-go/csam/internal/cliversion"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

// Exit statuses.
const (
	exitOK     = 0
	exitDenied = 1
	exitUsage  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the program: it parses args, reads stdin and writes the results,
// and returns the exit status.
// maxKeysFile bounds -keys.
const maxKeysFile = 1 << 20

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keymatrix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		catalog   = fs.Bool("catalog", false, "print the application catalog of annexes 1-3")
		transfers = fs.Bool("transfers", false, "with -catalog: also the art. 3.4 declarations over (S)FTP and MQSeries")
		matrix    = fs.Bool("matrix", false, "print per key type the applications it unlocks")
		keysFile  = fs.String("keys", "", "load future key types from this definition `file` (JSON; \"-\": standard input)")
		list      = fs.Bool("list", false, "with -matrix or -keys: list the applications under each key type")
		decide    = fs.Bool("decide", false, "decide the access request read as JSON on standard input")
		asJSON    = fs.Bool("json", false, "print JSON")
		explain   = fs.Bool("explain", false, "with -decide: print the decision as text instead of JSON")
		version   = cliversion.Flag(fs)
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: keymatrix -catalog [-transfers] [-json]")
		fmt.Fprintln(stderr, "       keymatrix -matrix | -keys FILE.json [-list] [-json]")
		fmt.Fprintln(stderr, "       keymatrix -decide [-keys FILE.json] [-explain] < request.json")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *version {
		cliversion.Print(stdout, "keymatrix")
		return exitOK
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "keymatrix: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	modes := 0
	for _, b := range []bool{*catalog, *matrix || (*keysFile != "" && !*decide), *decide} {
		if b {
			modes++
		}
	}
	if modes != 1 {
		fmt.Fprintln(stderr, "keymatrix: choose one of -catalog, -matrix (or -keys) and -decide")
		fs.Usage()
		return exitUsage
	}

	if *decide && *keysFile == "-" {
		fmt.Fprintln(stderr, "keymatrix: -decide reads the request on standard input: -keys - cannot")
		return exitUsage
	}

	reg := keys.NewRegistry()
	var loaded []keys.KeyType
	if *keysFile != "" {
		// A definition file is small; a FIFO or a device is refused.
		b, err := fileinput.Read(*keysFile, maxKeysFile, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "keymatrix: -keys: %v\n", err)
			return exitUsage
		}
		loaded, err = reg.LoadJSON(bytes.NewReader(b))
		if err != nil {
			fmt.Fprintf(stderr, "keymatrix: %s: %v\n", *keysFile, err)
			return exitUsage
		}
	}

	var err error
	switch {
	case *catalog:
		err = printCatalog(stdout, *transfers, *asJSON)
	case *decide:
		return decideRequest(reg, stdin, stdout, stderr, *explain)
	default:
		// -keys FILE alone lists what the file's key types unlock.
		err = printMatrix(stdout, reg.All(), loaded, *list, !*matrix, *asJSON)
	}
	if err != nil {
		fmt.Fprintf(stderr, "keymatrix: %v\n", err)
		return exitUsage
	}
	return exitOK
}

func printCatalog(w io.Writer, transfers, asJSON bool) error {
	apps := levels.Catalog()
	if transfers {
		apps = append(apps, levels.Transfers()...)
	}
	if asJSON {
		return writeJSON(w, apps)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPORTAL\tARTICLES\tREQUIREMENT\tAPPLICATION")
	for _, a := range apps {
		where := a.Portal.String()
		if a.Channels != nil {
			where = channels(a.Channels)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.ID, where, strings.Join(a.Articles, ","), a.Requirement, a.Name)
	}
	return tw.Flush()
}

// keyRow is one key type of the matrix.
type keyRow struct {
	KeyType      string               `json:"key_type"`
	Name         string               `json:"name"`
	Level        levels.Level         `json:"level"`
	Channels     []levels.Channel     `json:"channels"`
	Loaded       bool                 `json:"loaded,omitempty"` // from the -keys file
	Counts       map[string]int       `json:"counts"`           // per portal, and "transfer" for art. 3.4
	Applications []levels.Application `json:"applications"`
}

func matrixRows(all, loaded []keys.KeyType) []keyRow {
	fromFile := map[keys.ID]bool{}
	for _, k := range loaded {
		fromFile[k.ID] = true
	}
	rows := make([]keyRow, 0, len(all))
	for _, kt := range all {
		apps := levels.UnlockedBy(kt.Presented())
		counts := map[string]int{"securitesociale": 0, "belgium": 0, "ehealth": 0, "transfer": 0}
		for _, a := range apps {
			if a.Channels != nil {
				counts["transfer"]++
			} else {
				counts[a.Portal.String()]++
			}
		}
		rows = append(rows, keyRow{
			KeyType: string(kt.ID), Name: kt.Names.In("en"), Level: kt.Level, Channels: kt.EffectiveChannels(),
			Loaded: fromFile[kt.ID], Counts: counts, Applications: apps,
		})
	}
	return rows
}

// printMatrix prints the summary table of what each key type unlocks, then
// the applications of every key type (list) or of those loaded from the
// definition file (listLoaded).
func printMatrix(w io.Writer, all, loaded []keys.KeyType, list, listLoaded, asJSON bool) error {
	rows := matrixRows(all, loaded)
	if asJSON {
		return writeJSON(w, rows)
	}
	annex := len(levels.Catalog())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "KEY TYPE\tLEVEL\tCHANNELS\tSECURITESOCIALE\tBELGIUM\tEHEALTH\tANNEXES (of %d)\tART. 3.4 (of %d)\n", annex, len(levels.Transfers()))
	for _, r := range rows {
		id := r.KeyType
		if r.Loaded {
			id += " (file)"
		}
		c := r.Counts
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", id, r.Level, channels(r.Channels),
			c["securitesociale"], c["belgium"], c["ehealth"], c["securitesociale"]+c["belgium"]+c["ehealth"], c["transfer"])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "Counts are what each key unlocks by itself (its level, its channels, arts. 3.4 and 11),\n"+
		"the %d applications that need no key included. Whether a user may use an application\n"+
		"(role, designation, mandate, certificate status) is decided per request: keymatrix -decide.\n",
		len(levels.ForLevel(levels.None)))
	for _, r := range rows {
		if !list && !(listLoaded && r.Loaded) {
			continue
		}
		fmt.Fprintf(w, "\n%s (%s, %s): %d applications\n", r.KeyType, r.Name, r.Level, len(r.Applications))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, a := range r.Applications {
			where := a.Portal.String()
			if a.Channels != nil {
				where = channels(a.Channels)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.ID, where, a.Requirement, a.Name)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func decideRequest(reg *keys.Registry, stdin io.Reader, stdout, stderr io.Writer, explain bool) int {
	opts := levels.DecodeOptions{ResolveKey: func(id string) (levels.PresentedKey, bool) {
		kt, ok := reg.Lookup(keys.ID(id))
		if !ok {
			return levels.PresentedKey{}, false
		}
		return kt.Presented(), true
	}}
	req, err := levels.DecodeRequest(stdin, opts)
	if err != nil {
		fmt.Fprintf(stderr, "keymatrix: bad request: %v\n", err)
		return exitUsage
	}
	d, err := levels.Decide(req)
	if err != nil {
		fmt.Fprintf(stderr, "keymatrix: bad request: %v\n", err)
		return exitUsage
	}
	if explain {
		err = writeExplanation(stdout, d)
	} else {
		err = writeJSON(stdout, d)
	}
	if err != nil {
		fmt.Fprintf(stderr, "keymatrix: %v\n", err)
		return exitUsage
	}
	if !d.Allowed {
		return exitDenied
	}
	return exitOK
}

func writeExplanation(w io.Writer, d levels.Decision) error {
	verdict := "DENIED"
	if d.Allowed {
		verdict = "ALLOWED"
	}
	app := d.Application
	if d.Entry != "" {
		app += " [" + d.Entry + "]"
	}
	if _, err := fmt.Fprintf(w, "%s  %s\n", verdict, app); err != nil {
		return err
	}
	for _, r := range d.Reasons {
		if _, err := fmt.Fprintf(w, "    %-5s art. %-6s %s\n", r.Effect, r.Article, r.Message); err != nil {
			return err
		}
	}
	return nil
}

func channels(cs []levels.Channel) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, ",")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
