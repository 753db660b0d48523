package main

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/totp"
)

// Config is the portal's configuration file (JSON): who the users are,
// their enterprise, roles, designations and mandates, and their keys.
type Config struct {
	Users       []User              `json:"users"`
	Enterprises []levels.Enterprise `json:"enterprises"`
	// Designations: a designated user, the access manager who designated
	// them and the applications authorised (art. 3.1.d, 3.2.d).
	Designations []Designation `json:"designations,omitempty"`
	// Mandates: Tax-on-web mandates held by a user (art. 3.2.c).
	Mandates []Mandate `json:"mandates,omitempty"`
}

// User is one person.
type User struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Enterprise string   `json:"enterprise,omitempty"`
	Roles      []string `json:"roles,omitempty"`
	// NationalNumber links certificate logins: the serialNumber of the
	// certificate's subject.
	NationalNumber string `json:"national_number,omitempty"`
	// Password is an argon2id hash ("argon2id$SALT$HASH", base64), as
	// -hash-password prints it; empty: no password login.
	Password string `json:"password,omitempty"`
	// MustChange: the password must be changed at first use (art. 5).
	MustChange bool `json:"must_change,omitempty"`
	// TOTPSecret is the base32 secret of the user's authenticator app.
	TOTPSecret string `json:"totp_secret,omitempty"`
	// Phone receives SMS codes.
	Phone string `json:"phone,omitempty"`
	// EHealthQuality is the professional quality (art. 3.3.b).
	EHealthQuality string `json:"ehealth_quality,omitempty"`
}

// Designation is a designated user's designation.
type Designation struct {
	User       string   `json:"user"`
	By         string   `json:"by"`
	Authorised []string `json:"authorised"`
}

// Mandate is a Tax-on-web mandate.
type Mandate struct {
	User            string `json:"user"`
	RepertoryNumber string `json:"repertory_number"`
	Mandator        string `json:"mandator"`
	Filed           bool   `json:"filed"`
}

// maxConfig bounds the configuration file.
const maxConfig = 4 << 20

// errConfig is wrapped by every configuration error.
var errConfig = errors.New("portal: configuration")

// loadConfig reads and checks a configuration file ("-": standard input).
func loadConfig(in *fileinput.Inputs, path string) (*Config, error) {
	b, err := in.Read(path, maxConfig)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errConfig, err)
	}
	return parseConfig(b)
}

func parseConfig(b []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", errConfig, err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) check() error {
	bad := func(format string, a ...any) error { return fmt.Errorf("%w: %s", errConfig, fmt.Sprintf(format, a...)) }
	users := map[string]*User{}
	nns := map[string]bool{}
	for i := range c.Users {
		u := &c.Users[i]
		if u.ID == "" || users[u.ID] != nil {
			return bad("users[%d]: missing or repeated id %q", i, u.ID)
		}
		users[u.ID] = u
		if u.NationalNumber != "" {
			if nns[u.NationalNumber] {
				return bad("users[%d]: national number listed twice", i)
			}
			nns[u.NationalNumber] = true
		}
		for j, r := range u.Roles {
			if _, err := levels.ParseRole(r); err != nil {
				return bad("users[%d].roles[%d]: %v", i, j, err)
			}
		}
		if u.Password != "" {
			if _, _, err := parseHash(u.Password); err != nil {
				return bad("users[%d].password: %v", i, err)
			}
		}
		if u.TOTPSecret != "" {
			if _, err := totp.ParseSecret(u.TOTPSecret); err != nil {
				return bad("users[%d].totp_secret: %v", i, err)
			}
		}
	}
	ents := map[string]bool{}
	for i := range c.Enterprises {
		e := &c.Enterprises[i]
		if err := e.Validate(); err != nil {
			return bad("enterprises[%d]: %v", i, err)
		}
		for _, m := range e.Managers {
			if users[m.User] == nil {
				return bad("enterprises[%d]: manager %q is not a user", i, m.User)
			}
		}
		ents[e.ID] = true
	}
	for i, u := range c.Users {
		if u.Enterprise != "" && !ents[u.Enterprise] {
			return bad("users[%d]: unknown enterprise %q", i, u.Enterprise)
		}
	}
	for i, d := range c.Designations {
		if users[d.User] == nil || users[d.By] == nil {
			return bad("designations[%d]: unknown user", i)
		}
	}
	for i, m := range c.Mandates {
		if users[m.User] == nil || m.Mandator == "" {
			return bad("mandates[%d]: unknown user or no mandator", i)
		}
	}
	return nil
}

// Password hashing: argon2id, one pass over 8 MiB (a demo's cost).
const (
	argonTime   = 1
	argonMemory = 8 << 10
	argonLen    = 32
)

func hashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	h := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, 1, argonLen)
	enc := base64.RawStdEncoding
	return "argon2id$" + enc.EncodeToString(salt) + "$" + enc.EncodeToString(h), nil
}

func parseHash(s string) (salt, hash []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 3 || parts[0] != "argon2id" {
		return nil, nil, errors.New("not an argon2id$SALT$HASH value")
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[1]); err != nil || len(salt) < 8 {
		return nil, nil, errors.New("bad salt")
	}
	if hash, err = enc.DecodeString(parts[2]); err != nil || len(hash) != argonLen {
		return nil, nil, errors.New("bad hash")
	}
	return salt, hash, nil
}

func checkPassword(stored, pw string) bool {
	salt, hash, err := parseHash(stored)
	if err != nil {
		return false
	}
	h := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, 1, argonLen)
	return subtle.ConstantTimeCompare(h, hash) == 1
}
