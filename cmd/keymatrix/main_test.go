package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/keys"
)

func runArgs(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCatalogJSON(t *testing.T) {
	code, out, stderr := runArgs(t, "", "-catalog", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("output is not a JSON array: %v", err)
	}
	if len(entries) != 132 {
		t.Fatalf("%d entries, want 132", len(entries))
	}
	portals := map[string]int{}
	for i, e := range entries {
		p, _ := e["portal"].(string)
		portals[p]++
		if !slices.Contains([]string{"securitesociale", "belgium", "ehealth"}, p) {
			t.Errorf("entry %d: portal %v", i, e["portal"])
		}
		if r, _ := e["requirement"].(string); !slices.Contains([]string{"none", "column1", "column2", "column3"}, r) {
			t.Errorf("entry %d: requirement %v", i, e["requirement"])
		}
		if a, _ := e["application"].(string); a == "" {
			t.Errorf("entry %d: application %v", i, e["application"])
		}
		arts, _ := e["articles"].([]any)
		if len(arts) == 0 {
			t.Errorf("entry %d: articles %v", i, e["articles"])
		}
		for _, a := range arts {
			if s, _ := a.(string); !strings.HasPrefix(s, "3.") {
				t.Errorf("entry %d: article %v", i, a)
			}
		}
	}
	if portals["securitesociale"] != 55 || portals["belgium"] != 10 || portals["ehealth"] != 67 {
		t.Errorf("entries per portal %v", portals)
	}
	// The first entry, as printed in annex 1.
	if e := entries[0]; e["application"] != "Dimona (non sécurisée)" || e["requirement"] != "none" {
		t.Errorf("first entry %v", e)
	}

	code, out, _ = runArgs(t, "", "-catalog", "-transfers", "-json")
	if err := json.Unmarshal([]byte(out), &entries); code != 0 || err != nil || len(entries) != 138 {
		t.Fatalf("-transfers: exit %d, %d entries, %v", code, len(entries), err)
	}
	if last := entries[137]; last["application"] != "DRS - Déclarations de risques sociaux" || last["portal"] != nil {
		t.Errorf("last entry %v", last)
	}
}

func TestCatalogTable(t *testing.T) {
	code, out, _ := runArgs(t, "", "-catalog")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 133 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("exit %d, %d lines, header %q", code, len(lines), lines[0])
	}
	if !strings.Contains(out, "Mandats Citoyen") {
		t.Error("table misses Mandats Citoyen")
	}
}

const futureKeys = `[
  {"id": "hardware-token", "names": {"en": "Hardware token"}, "level": "column2",
   "factors": ["username", "password", "hardware-token"]},
  {"id": "passkey", "names": {"en": "Passkey"}, "level": "column3", "eidas": "substantial",
   "factors": ["passkey-device", "pin"]}
]`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKeysTable(t *testing.T) {
	file := writeFile(t, "keys.json", futureKeys)
	code, out, stderr := runArgs(t, "", "-keys", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := map[string][]string{}
	for _, l := range strings.Split(out, "\n")[1:] {
		f := strings.Fields(l)
		if len(f) == 0 {
			break // the end of the summary table
		}
		rows[f[0]] = f
	}
	// A future key unlocks what its level allows: a column-2 token what
	// column 1 does (45 annex entries), a column-3 passkey every entry.
	if r := rows["hardware-token"]; len(r) < 8 || r[1] != "(file)" || r[2] != "column2" || r[7] != "45" || r[8] != "0" {
		t.Errorf("hardware-token row %v", r)
	}
	if r := rows["passkey"]; len(r) < 8 || r[2] != "column3" || r[7] != "132" {
		t.Errorf("passkey row %v", r)
	}
	if r := rows["password"]; len(r) < 7 || r[6] != "45" {
		t.Errorf("password row %v", r)
	}
	if !strings.Contains(out, "the 11 applications that need no key included") {
		t.Errorf("the table does not say its counts include the public applications:\n%s", out)
	}

	// -keys alone lists the applications of the file's key types only.
	if !strings.Contains(out, "passkey (Passkey, column3): 132 applications") ||
		!strings.Contains(out, "hardware-token (Hardware token, column2): 45 applications") ||
		!regexp.MustCompile(`(?m)^  1\.cd\.column1/1 +securitesociale +column1 +Consultation de la e-Box$`).MatchString(out) ||
		strings.Contains(out, "password (Username and password") {
		t.Errorf("-keys does not list exactly the file's key types:\n%.2000s", out)
	}
	code, out, _ = runArgs(t, "", "-matrix", "-keys", file)
	if code != 0 || strings.Contains(out, "applications\n") {
		t.Errorf("-matrix: exit %d, lists applications:\n%.600s", code, out)
	}
	code, out, _ = runArgs(t, "", "-keys", file, "-list")
	if code != 0 || !strings.Contains(out, "passkey (Passkey, column3): 132 applications") ||
		!strings.Contains(out, "password (Username and password, column1): 45 applications") {
		t.Errorf("-list: exit %d\n%.600s", code, out)
	}
}

func TestKeysJSON(t *testing.T) {
	file := writeFile(t, "keys.json", futureKeys)
	code, out, stderr := runArgs(t, "", "-keys", file, "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []struct {
		KeyType      string         `json:"key_type"`
		Level        string         `json:"level"`
		Loaded       bool           `json:"loaded"`
		Counts       map[string]int `json:"counts"`
		Applications []struct {
			Application string `json:"application"`
			Requirement string `json:"requirement"`
		} `json:"applications"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.KeyType != "hardware-token" {
			continue
		}
		found = true
		if !r.Loaded || r.Level != "column2" || len(r.Applications) != 45 {
			t.Errorf("hardware-token: %+v", r)
		}
		for _, a := range r.Applications {
			if a.Requirement == "column3" {
				t.Errorf("column-2 key unlocks column-3 application %q", a.Application)
			}
		}
	}
	if !found || len(rows) != len(keys.Builtins())+2 {
		t.Errorf("%d rows, hardware-token found %v", len(rows), found)
	}
}

func TestKeysBadFile(t *testing.T) {
	file := writeFile(t, "bad.json", `[{"id": "face", "names": {"en": "Face"}, "level": "column4", "factors": ["camera"]}]`)
	code, out, stderr := runArgs(t, "", "-keys", file)
	if code != 2 || out != "" || !strings.Contains(stderr, "level") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, _, stderr = runArgs(t, "", "-keys", filepath.Join(t.TempDir(), "missing.json"))
	if code != 2 || !strings.Contains(stderr, "missing.json") {
		t.Errorf("missing file: exit %d, %q", code, stderr)
	}
}

type decision struct {
	Allowed *bool `json:"allowed"`
	Reasons []struct {
		Article string `json:"article"`
		Message string `json:"message"`
		Effect  string `json:"effect"`
	} `json:"reasons"`
}

func TestDecide(t *testing.T) {
	file := writeFile(t, "keys.json", futureKeys)
	tests := []struct {
		name    string
		args    []string
		in      string
		code    int
		article string // a reason that must be listed
	}{
		{"allowed", nil, `{"application": "Dimona (sécurisé)", "roles": ["access-manager"], "key_type": "password"}`, 0, "3.1.c"},
		{"designated beyond the manager", nil, `{"application": "eCUR", "roles": ["designated-user"],
			"designated_by": {"roles": ["access-manager"], "authorised": ["eCUR"]}, "key_type": "totp-app"}`, 1, "3.1.d"},
		{"eID signature on a portal", nil, `{"application": "Rina", "roles": ["main-access-manager"], "key_type": "eid-signature"}`, 1, "11"},
		{"eID signature over ftp", nil, `{"application": "DmfA", "channel": "ftp", "roles": ["main-access-manager"], "key_type": "eid-signature"}`, 0, "3.4"},
		{"expired certificate", nil, `{"application": "Rina", "roles": ["access-manager"], "key_type": "x509-qualified",
			"key": {"certificate": {"valid": true, "qualified": true, "expired": true}}}`, 1, "7"},
		{"inline key too weak", nil, `{"application": "Rina", "roles": ["access-manager"], "key": {"type": "password", "level": "column1"}}`, 1, "3.1.e"},
		{"future key from the file", []string{"-keys", file}, `{"application": "Rina", "roles": ["access-manager"], "key_type": "passkey"}`, 0, "3.1.e"},
		{"future key at column 2", []string{"-keys", file}, `{"application": "Rina", "roles": ["access-manager"], "key_type": "hardware-token"}`, 1, "3.1.e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runArgs(t, tt.in, append([]string{"-decide"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s\n%s", code, tt.code, stderr, out)
			}
			var d decision
			if err := json.Unmarshal([]byte(out), &d); err != nil || d.Allowed == nil {
				t.Fatalf("output is not a decision: %v\n%s", err, out)
			}
			if *d.Allowed != (tt.code == 0) {
				t.Errorf("allowed = %v with exit %d", *d.Allowed, code)
			}
			found := false
			for _, r := range d.Reasons {
				if r.Article == "" || r.Message == "" {
					t.Errorf("incomplete reason %+v", r)
				}
				found = found || r.Article == tt.article
			}
			if !found {
				t.Errorf("no reason citing art. %s:\n%s", tt.article, out)
			}
		})
	}
}

func TestDecideBadInput(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not JSON", `{"application"`, "malformed request"},
		{"unknown application", `{"application": "Dimona (pas sécurisée)"}`, `unknown application "Dimona (pas sécurisée)"`},
		{"unknown role", `{"application": "eCUR", "roles": ["boss"]}`, `roles[0]: unknown role "boss"`},
		{"bad level", `{"application": "eCUR", "key": {"type": "k", "level": "column9"}}`, `key.level`},
		{"unknown key type", `{"application": "eCUR", "key_type": "telepathy"}`, `unknown key type "telepathy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runArgs(t, tt.in, "-decide")
			if code != 2 || out != "" || !strings.Contains(stderr, tt.want) || !strings.HasPrefix(stderr, "keymatrix: ") {
				t.Errorf("exit %d, stdout %q, stderr %q (want it to contain %q)", code, out, stderr, tt.want)
			}
		})
	}
}

// A FIFO with no writer and an endless device given to -keys: exit status 2
// within a second, through the built program.
func TestKeysFileNotRegular(t *testing.T) {
	bin := testenv.Program(t)
	for _, p := range []string{testenv.FIFO(t), "/dev/zero"} {
		out := testenv.RunProgram(t, bin, 2, time.Second, "-keys", p)
		if !strings.Contains(out, "not a regular file") {
			t.Errorf("-keys %s: %q", p, out)
		}
	}
}
