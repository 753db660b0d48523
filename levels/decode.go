package levels

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/csam-go/csam/internal/jsonwire"
)

// The causes of request errors callers need not tell apart: a
// *RequestError names the field, and its message the problem.
var (
	errMalformedRequest = errors.New("levels: malformed request")
	errUnknownField     = errors.New("levels: unknown field")
	errMissingField     = errors.New("levels: missing field")
	errUnknownKeyType   = errors.New("levels: unknown key type")
	errConflict         = errors.New("levels: conflicting fields")
)

// DecodeOptions configures DecodeRequest. The zero value resolves no key
// types.
type DecodeOptions struct {
	// ResolveKey returns the presented form of a key type by identifier
	// (for instance from a keys.Registry: kt.Presented()). When nil, a
	// request naming key_type is an error.
	ResolveKey func(id string) (PresentedKey, bool)
}

// wire mirrors the JSON request with plain strings, so that each field is
// checked, and reported, by name.
type wireRequest struct {
	Application      *string          `json:"application"`
	Portal           string           `json:"portal"`
	Channel          string           `json:"channel"`
	User             string           `json:"user"`
	Roles            []string         `json:"roles"`
	DesignatedBy     *wireDesignation `json:"designated_by"`
	EHealthQuality   string           `json:"ehealth_quality"`
	TaxOnWeb         *TaxOnWeb        `json:"tax_on_web"`
	HoldsCertificate bool             `json:"holds_certificate"`
	Enterprise       *wireEnterprise  `json:"enterprise"`
	Key              *wireKey         `json:"key"`
	KeyType          string           `json:"key_type"`
	// RequireKeyAttributes and wireKey.Attributes: see attributes.go.
	RequireKeyAttributes []string `json:"require_key_attributes"`
}

type wireDesignation struct {
	Manager    string   `json:"manager"`
	Roles      []string `json:"roles"`
	Authorised []string `json:"authorised"`
}

type wireEnterprise struct {
	ID       string `json:"id"`
	Managers []struct {
		User string `json:"user"`
		Role string `json:"role"`
	} `json:"managers"`
}

type wireKey struct {
	Type            string             `json:"type"`
	Level           *string            `json:"level"`
	Channels        []string           `json:"channels"`
	EIDSignature    bool               `json:"eid_signature"`
	UsesCertificate bool               `json:"uses_certificate"`
	Certificate     *CertificateStatus `json:"certificate"`
	State           string             `json:"state"`
	Holder          string             `json:"holder"`
	Attributes      []string           `json:"attributes"`
}

// maxRequest bounds the size of a request DecodeRequest reads.
const maxRequest = 1 << 20

// DecodeRequest reads one decision request as a JSON object, for example
//
//	{"application": "Dimona (sécurisé)", "portal": "securitesociale",
//	 "roles": ["designated-user"],
//	 "designated_by": {"roles": ["access-manager"], "authorised": ["Dimona (sécurisé)"]},
//	 "key": {"type": "totp-app", "level": "column3", "channels": ["portal"]}}
//
// or with "key_type": "totp-app" resolved through opts.ResolveKey (an inline
// "key" may then add only certificate, state and holder: level, channels,
// uses_certificate and eid_signature come from the key type, and an inline
// value that contradicts it is an error). It checks every field: unknown
// fields, applications (resolved to their catalog names), roles, levels,
// portals, channels and key states are errors, and so are a member name
// that matches a field only without regard to case and a member given
// twice. Every error is a [*RequestError] naming the field and its byte
// offset; its cause is a [*ParseError] for a bad name and wraps
// [ErrUnknownApplication] for an application not in the catalog. At most
// 1 MiB is read.
func DecodeRequest(r io.Reader, opts DecodeOptions) (Request, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRequest+1))
	if err != nil {
		return Request{}, &RequestError{Err: fmt.Errorf("%w: %w", errMalformedRequest, err)}
	}
	if len(data) > maxRequest {
		return Request{}, &RequestError{Err: fmt.Errorf("%w: larger than %d bytes", errMalformedRequest, maxRequest)}
	}
	return decodeRequest(data, opts)
}

func decodeRequest(data []byte, opts DecodeOptions) (Request, error) {
	var w wireRequest
	if _, probs := jsonwire.Decode(data, &w, jsonwire.Options{AllowNull: true}); len(probs) > 0 {
		return Request{}, problemError(data, probs[0])
	}
	req, err := w.request(opts)
	var re *RequestError
	if errors.As(err, &re) && re.Offset == 0 { // decode again for the offsets
		idx, _ := jsonwire.Decode(data, new(wireRequest), jsonwire.Options{AllowNull: true, Index: true})
		re.Offset = idx[re.Field]
	}
	return req, err
}

// problemError returns the *RequestError of a problem jsonwire found.
func problemError(data []byte, p jsonwire.Problem) error {
	e := &RequestError{Field: p.Path, Offset: p.Offset, Err: fmt.Errorf("%w: %s", errMalformedRequest, p.Msg)}
	switch {
	case p.Kind == jsonwire.Syntax && len(bytes.TrimSpace(data)) == 0:
		e.Err = fmt.Errorf("%w: empty input", errMalformedRequest)
	case p.Kind == jsonwire.Unknown:
		e.Err = errUnknownField
	case p.Kind == jsonwire.Type && p.Path == "":
		e.Field = "(top level)"
	}
	return e
}

func fieldErr(field string, err error) error { return &RequestError{Field: field, Err: err} }

func (w *wireRequest) request(opts DecodeOptions) (Request, error) {
	var req Request
	var err error
	if req.Portal, err = parsePortal(w.Portal); err != nil {
		return Request{}, fieldErr("portal", err)
	}
	if req.Channel, err = ParseChannel(w.Channel); err != nil {
		return Request{}, fieldErr("channel", err)
	}
	if req.Channel != ChannelPortal && req.Portal != NoPortal {
		return Request{}, fieldErr("portal", fmt.Errorf("%w: portal %q with channel %q (a portal goes with channel portal)", errConflict, req.Portal, req.Channel))
	}
	if w.Application == nil || strings.TrimSpace(*w.Application) == "" {
		return Request{}, fieldErr("application", errMissingField)
	}
	if req.Application, err = canonical(*w.Application, req.Portal, req.Channel); err != nil {
		return Request{}, fieldErr("application", err)
	}
	req.User = w.User
	if req.Roles, err = parseRoles("roles", w.Roles); err != nil {
		return Request{}, err
	}
	if dg := w.DesignatedBy; dg != nil {
		d := &Designation{Manager: dg.Manager}
		if d.Roles, err = parseRoles("designated_by.roles", dg.Roles); err != nil {
			return Request{}, err
		}
		for i, n := range dg.Authorised {
			name, err := canonical(n, NoPortal, ChannelPortal)
			if err != nil {
				name, err = canonical(n, NoPortal, ChannelFTP)
			}
			if err != nil {
				return Request{}, fieldErr(fmt.Sprintf("designated_by.authorised[%d]", i), fmt.Errorf("%w %q", ErrUnknownApplication, n))
			}
			d.Authorised = append(d.Authorised, name)
		}
		req.DesignatedBy = d
		if !req.Roles.Has(RoleDesignatedUser) {
			return Request{}, fieldErr("designated_by", fmt.Errorf("%w: designated_by without the role %q", errConflict, RoleDesignatedUser))
		}
	} else if req.Roles.Has(RoleDesignatedUser) {
		return Request{}, fieldErr("designated_by", fmt.Errorf("%w: the role %q needs the designating manager's roles and authorisations", errMissingField, RoleDesignatedUser))
	}
	req.EHealthQuality = w.EHealthQuality
	req.TaxOnWeb = w.TaxOnWeb
	req.HoldsCertificate = w.HoldsCertificate
	req.RequireKeyAttributes = w.RequireKeyAttributes
	if we := w.Enterprise; we != nil {
		e := &Enterprise{ID: we.ID}
		for i, m := range we.Managers {
			r, err := ParseRole(m.Role)
			if err != nil {
				return Request{}, fieldErr(fmt.Sprintf("enterprise.managers[%d].role", i), err)
			}
			e.Managers = append(e.Managers, Manager{User: m.User, Role: r})
		}
		req.Enterprise = e
	}
	if req.Key, err = w.key(opts); err != nil {
		return Request{}, err
	}
	return req, nil
}

// canonical resolves an application name to the name of its catalog entry.
func canonical(name string, p Portal, c Channel) (string, error) {
	var other *Application
	for _, i := range cat.lookup(name) {
		a := &cat.all[i]
		if a.matches(p, c) {
			return a.Name, nil
		}
		other = a
	}
	if other != nil {
		where := other.Portal.String()
		if other.Channels != nil {
			where = "(S)FTP or MQSeries"
		}
		return "", fmt.Errorf("%w %q on %s (it is reached on %s)", ErrUnknownApplication, name, place(p, c), where)
	}
	return "", fmt.Errorf("%w %q", ErrUnknownApplication, name)
}

func place(p Portal, c Channel) string {
	switch {
	case c != ChannelPortal:
		return c.String()
	case p == NoPortal:
		return "the portals"
	}
	return p.String()
}

func parseRoles(field string, names []string) (Roles, error) {
	var s Roles
	for i, n := range names {
		r, err := ParseRole(n)
		if err != nil {
			return 0, fieldErr(fmt.Sprintf("%s[%d]", field, i), err)
		}
		s = s.With(r)
	}
	return s, nil
}

func (w *wireRequest) key(opts DecodeOptions) (PresentedKey, error) {
	wk := w.Key
	var k PresentedKey
	if w.KeyType != "" {
		if opts.ResolveKey == nil {
			return k, fieldErr("key_type", fmt.Errorf("%w %q: no key registry to resolve it", errUnknownKeyType, w.KeyType))
		}
		var ok bool
		if k, ok = opts.ResolveKey(w.KeyType); !ok {
			return k, fieldErr("key_type", fmt.Errorf("%w %q", errUnknownKeyType, w.KeyType))
		}
		if wk == nil {
			return k, nil
		}
		switch {
		case wk.Type != "" && wk.Type != w.KeyType:
			return k, fieldErr("key.type", fmt.Errorf("%w: %q differs from key_type %q", errConflict, wk.Type, w.KeyType))
		case wk.Level != nil:
			return k, fieldErr("key.level", fmt.Errorf("%w: the level comes from key_type", errConflict))
		case wk.Channels != nil:
			return k, fieldErr("key.channels", fmt.Errorf("%w: the channels come from key_type", errConflict))
		case wk.UsesCertificate && !k.UsesCertificate:
			return k, fieldErr("key.uses_certificate", fmt.Errorf("%w: key type %q rests on no certificate", errConflict, w.KeyType))
		case wk.EIDSignature && !k.EIDSignature:
			return k, fieldErr("key.eid_signature", fmt.Errorf("%w: key type %q is not the eID signature certificate", errConflict, w.KeyType))
		}
	} else {
		if wk == nil {
			return k, nil
		}
		k.Type = wk.Type
		if wk.Level != nil {
			l, err := ParseLevel(*wk.Level)
			if err != nil {
				return k, fieldErr("key.level", err)
			}
			k.Level = l
		} else if wk.Type != "" {
			return k, fieldErr("key.level", errMissingField)
		}
		for i, n := range wk.Channels {
			c, err := ParseChannel(n)
			if err != nil || strings.TrimSpace(n) == "" {
				return k, fieldErr(fmt.Sprintf("key.channels[%d]", i), &ParseError{Kind: "channel", Input: n})
			}
			k.Channels = append(k.Channels, c)
		}
		k.EIDSignature = wk.EIDSignature
		k.UsesCertificate = wk.UsesCertificate
	}
	k.Certificate = wk.Certificate
	// The request format's default state is active: a service describing
	// the key it checked need not spell it out. The Go zero value stays
	// KeyStateUnknown, which Decide refuses.
	if wk.State == "" {
		k.State = KeyActive
	} else {
		st, err := parseKeyState(wk.State)
		if err != nil {
			return k, fieldErr("key.state", err)
		}
		k.State = st
	}
	k.Holder = wk.Holder
	k.Attributes = wk.Attributes
	return k, nil
}
