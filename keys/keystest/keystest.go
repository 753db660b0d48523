// Package keystest checks that a key type conforms to what packages keys
// and levels expect, in the spirit of testing/fstest.TestFS. An integrator
// who defines a new key type calls it from their own tests:
//
//	func TestPasskey(t *testing.T) {
//		reg := keys.NewRegistry()
//		if err := reg.Register(passkey); err != nil {
//			t.Fatal(err)
//		}
//		keystest.TestKeyType(t, reg, passkey)
//	}
//
// The checks are:
//
//   - definition: the key type passes keys.KeyType.Validate;
//   - registry: the registry holds exactly this key type under its
//     identifier, and refuses a second registration (keys.ErrDuplicateID);
//   - round trip: the key type encodes to the definition format and decodes
//     back equal, alone (JSON) and in a definition file;
//   - levels: the FAS and eIDAS levels, when known, are plausible for the
//     règlement's column (see CheckLevels);
//   - channels: (S)FTP and MQSeries only for certificate-based keys (art.
//     3.4); the eID signature certificate not on the portal (art. 11);
//   - presented: KeyType.Presented carries the identifier, level, channels
//     and certificate flags;
//   - unlocks: the applications the key unlocks (levels.UnlockedBy) are
//     exactly those of the catalog that its level suffices for, on the
//     channels it works on (art. 3.1.e, 3.2.f, 3.3.d).
package keystest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

// check is one named conformance check.
type check struct {
	name string
	run  func(reg *keys.Registry, kt keys.KeyType) []error
}

var checks = []check{
	{"definition", checkDefinition},
	{"registry", checkRegistry},
	{"round-trip", checkRoundTrip},
	{"levels", func(_ *keys.Registry, kt keys.KeyType) []error { return checkLevels(kt) }},
	{"channels", checkChannels},
	{"presented", checkPresented},
	{"unlocks", checkUnlocks},
}

// Check runs every conformance check on key type kt as registered in reg,
// and returns nil or an error joining one error per failure, each starting
// with "keystest: " and the check's name. When reg is nil, Check uses a
// fresh keys.NewRegistry and registers kt in it (unless kt is a built-in).
func Check(reg *keys.Registry, kt keys.KeyType) error {
	reg, err := prepare(reg, kt)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range checks {
		for _, e := range c.run(reg, kt) {
			errs = append(errs, fmt.Errorf("keystest: %s: %w", c.name, e))
		}
	}
	return errors.Join(errs...)
}

// TestKeyType runs each conformance check of Check as a subtest of t,
// named after the check, and reports every failure.
func TestKeyType(t *testing.T, reg *keys.Registry, kt keys.KeyType) {
	t.Helper()
	reg, err := prepare(reg, kt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			for _, e := range c.run(reg, kt) {
				t.Errorf("%s: %v", kt.ID, e)
			}
		})
	}
}

func prepare(reg *keys.Registry, kt keys.KeyType) (*keys.Registry, error) {
	if reg != nil {
		return reg, nil
	}
	reg = keys.NewRegistry()
	if _, builtin := reg.Lookup(kt.ID); builtin {
		return reg, nil
	}
	if err := reg.Register(kt); err != nil {
		return nil, fmt.Errorf("keystest: registering %q: %w", kt.ID, err)
	}
	return reg, nil
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func checkDefinition(_ *keys.Registry, kt keys.KeyType) []error {
	return unjoin(kt.Validate())
}

func checkRegistry(reg *keys.Registry, kt keys.KeyType) []error {
	got, ok := reg.Lookup(kt.ID)
	if !ok {
		return []error{fmt.Errorf("%q is not registered", kt.ID)}
	}
	var errs []error
	if !reflect.DeepEqual(got, kt) {
		errs = append(errs, fmt.Errorf("the registry holds a different key type under %q:\n\tgot  %+v\n\twant %+v", kt.ID, got, kt))
	}
	if err := reg.Register(kt); !errors.Is(err, keys.ErrDuplicateID) {
		errs = append(errs, fmt.Errorf("registering %q again gave %v, want keys.ErrDuplicateID", kt.ID, err))
	}
	n := 0
	for _, k := range reg.All() {
		if k.ID == kt.ID {
			n++
		}
	}
	if n != 1 {
		errs = append(errs, fmt.Errorf("registry.All lists %q %d times, want once", kt.ID, n))
	}
	return errs
}

func checkRoundTrip(_ *keys.Registry, kt keys.KeyType) []error {
	var errs []error
	b, err := json.Marshal(kt)
	if err != nil {
		return []error{fmt.Errorf("encoding: %w", err)}
	}
	var back keys.KeyType
	if err := json.Unmarshal(b, &back); err != nil {
		errs = append(errs, fmt.Errorf("decoding %s: %w", b, err))
	} else if !reflect.DeepEqual(back, kt) {
		errs = append(errs, fmt.Errorf("JSON round trip changed the key type:\n\tgot  %+v\n\twant %+v", back, kt))
	}
	file, err := keys.MarshalDefinitions([]keys.KeyType{kt})
	if err != nil {
		return append(errs, fmt.Errorf("encoding a definition file: %w", err))
	}
	var empty keys.Registry
	kts, err := empty.LoadJSON(bytes.NewReader(file))
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("loading its definition file: %w", err))
	case len(kts) != 1 || !reflect.DeepEqual(kts[0], kt):
		errs = append(errs, fmt.Errorf("definition file round trip gave %+v, want %+v", kts, kt))
	}
	return errs
}

// CheckLevels reports whether the FAS and eIDAS levels of kt, when known,
// are plausible for its règlement column, and whether its factors can
// reach that column. These are plausibility rules of this package, drawn
// from the publicly documented mappings (username and password: FAS 200,
// eIDAS low; TOTP app: FAS 400, substantial; itsme and eID: FAS 450 and
// 500, high), not official tables:
//
//   - FAS 100 (self-registration) is no key level;
//   - column 3 needs FAS 400 or more and eIDAS substantial or high;
//   - FAS 100–200 goes with eIDAS low; 300–350 with low or substantial;
//     400 with substantial or high; 450–500 with high;
//   - a key of only a username and a password is column 1 at most.
//
// A level the règlement rates lower than FAS or eIDAS would is plausible
// (the SMS code: eIDAS substantial, column 1).
//
// It returns nil or an error joining one error per rule broken, each
// starting with "keystest: ".
func CheckLevels(kt keys.KeyType) error {
	errs := checkLevels(kt)
	for i, e := range errs {
		errs[i] = fmt.Errorf("keystest: %w", e)
	}
	return errors.Join(errs...)
}

func checkLevels(kt keys.KeyType) []error {
	var errs []error
	if kt.FAS == keys.FAS100 {
		errs = append(errs, fmt.Errorf("FAS %s is self-registration, not the level of a key", kt.FAS))
	}
	if kt.Level == levels.Column3 {
		if kt.FAS != keys.FASUnknown && kt.FAS < keys.FAS400 {
			errs = append(errs, fmt.Errorf("level %v with FAS %s: column 3 keys are FAS 400 or more", kt.Level, kt.FAS))
		}
		if kt.EIDAS == keys.EIDASLow {
			errs = append(errs, fmt.Errorf("level %v with eIDAS %v: column 3 keys are substantial or high", kt.Level, kt.EIDAS))
		}
	}
	if kt.FAS != keys.FASUnknown && kt.EIDAS != keys.EIDASNone {
		lo, hi := eidasRange(kt.FAS)
		if kt.EIDAS < lo || kt.EIDAS > hi {
			errs = append(errs, fmt.Errorf("FAS %s with eIDAS %v: want eIDAS %v to %v", kt.FAS, kt.EIDAS, lo, hi))
		}
	}
	knowledgeOnly := len(kt.Factors) > 0
	for _, f := range kt.Factors {
		if f != keys.FactorUsername && f != keys.FactorPassword {
			knowledgeOnly = false
		}
	}
	if knowledgeOnly && kt.Level > levels.Column1 {
		errs = append(errs, fmt.Errorf("level %v for a key of only %v: username and password are column 1", kt.Level, kt.Factors))
	}
	return errs
}

func eidasRange(f keys.FASLevel) (lo, hi keys.EIDASLevel) {
	switch {
	case f <= keys.FAS200:
		return keys.EIDASLow, keys.EIDASLow
	case f <= keys.FAS350:
		return keys.EIDASLow, keys.EIDASSubstantial
	case f == keys.FAS400:
		return keys.EIDASSubstantial, keys.EIDASHigh
	}
	return keys.EIDASHigh, keys.EIDASHigh
}

func checkChannels(_ *keys.Registry, kt keys.KeyType) []error {
	var errs []error
	for _, c := range []levels.Channel{levels.ChannelFTP, levels.ChannelMQSeries} {
		if kt.WorksOn(c) && !kt.UsesCertificate() {
			errs = append(errs, fmt.Errorf("works on %v without a certificate: art. 3.4 admits only username, password, private key and qualified certificate there", c))
		}
	}
	if kt.Has(keys.FactorEIDSignatureCertificate) && kt.WorksOn(levels.ChannelPortal) {
		errs = append(errs, errors.New("the eID signature certificate works on the portal: art. 11 keeps it to (S)FTP, MQSeries and other accepted channels"))
	}
	return errs
}

func checkPresented(_ *keys.Registry, kt keys.KeyType) []error {
	p := kt.Presented()
	var errs []error
	if p.Type != string(kt.ID) || p.Level != kt.Level {
		errs = append(errs, fmt.Errorf("Presented() is %q at %v, want %q at %v", p.Type, p.Level, kt.ID, kt.Level))
	}
	if p.Channels == nil || !slices.Equal(p.Channels, kt.EffectiveChannels()) {
		errs = append(errs, fmt.Errorf("Presented().Channels = %v, want %v (never nil: nil means every channel)", p.Channels, kt.EffectiveChannels()))
	}
	if p.EIDSignature != kt.Has(keys.FactorEIDSignatureCertificate) || p.UsesCertificate != kt.UsesCertificate() {
		errs = append(errs, fmt.Errorf("Presented() flags eID signature %v, certificate %v; want %v, %v",
			p.EIDSignature, p.UsesCertificate, kt.Has(keys.FactorEIDSignatureCertificate), kt.UsesCertificate()))
	}
	if p.Certificate != nil || p.State != levels.KeyActive {
		errs = append(errs, fmt.Errorf("Presented() of a key type sets a certificate status or a state (%v)", p.State))
	}
	return errs
}

// expectUnlocks reports whether a key of type kt unlocks catalog entry a by
// the rules of the règlement, computed from the key type rather than from
// its PresentedKey.
func expectUnlocks(kt keys.KeyType, a levels.Application) bool {
	if a.Requirement == levels.None {
		return true
	}
	if !kt.Level.Suffices(a.Requirement) {
		return false
	}
	if a.Channels == nil { // an annex entry, on its portal
		return kt.WorksOn(levels.ChannelPortal)
	}
	if a.Certificate && !kt.UsesCertificate() {
		return false
	}
	return slices.ContainsFunc(a.Channels, kt.WorksOn)
}

func checkUnlocks(_ *keys.Registry, kt keys.KeyType) []error {
	got := map[string]bool{}
	for _, a := range levels.UnlockedBy(kt.Presented()) {
		got[a.ID] = true
	}
	eidSignature := kt.Has(keys.FactorEIDSignatureCertificate)
	var missing, extra []string
	for _, a := range append(levels.Catalog(), levels.Transfers()...) {
		// Art. 11's exception for the eID signature certificate on the
		// portals is decided by package levels alone.
		if eidSignature && a.Channels == nil && a.Requirement != levels.None {
			continue
		}
		switch want := expectUnlocks(kt, a); {
		case want && !got[a.ID]:
			missing = append(missing, fmt.Sprintf("%s %q", a.ID, a.Name))
		case !want && got[a.ID]:
			extra = append(extra, fmt.Sprintf("%s %q", a.ID, a.Name))
		}
	}
	var errs []error
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("%d entries its level allows are not unlocked: %s", len(missing), strings.Join(missing, ", ")))
	}
	if len(extra) > 0 {
		errs = append(errs, fmt.Errorf("%d entries beyond its level or channels are unlocked: %s", len(extra), strings.Join(extra, ", ")))
	}
	if kt.WorksOn(levels.ChannelPortal) && !eidSignature {
		var portal []string
		for _, a := range levels.UnlockedBy(kt.Presented()) {
			if a.Channels == nil {
				portal = append(portal, a.ID)
			}
		}
		var want []string
		for _, a := range levels.ForLevel(kt.Level) {
			want = append(want, a.ID)
		}
		if !slices.Equal(portal, want) {
			errs = append(errs, fmt.Errorf("unlocks %d portal entries, levels.ForLevel(%v) lists %d", len(portal), kt.Level, len(want)))
		}
	}
	return errs
}
