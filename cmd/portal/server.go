package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/tlsauth"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/x509check"
)

type serverOptions struct {
	Logger    *slog.Logger
	Store     totp.Store // nil: memory
	SMSOutbox io.Writer  // the demo SMS gateway's messages
	Now       func() time.Time
}

// server holds the portal's state. Sessions and changed passwords live in
// memory; TOTP and SMS state in opts.Store.
type server struct {
	cfg   *Config
	log   *slog.Logger
	users map[string]*User
	byNN  map[string]*User
	ents  map[string]*levels.Enterprise
	reg   *keys.Registry
	lc    *keys.Lifecycle
	totp  *totp.Verifier
	sms   *totp.SMS
	now   func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
	pw       map[string]string          // current password hash by user
	creds    map[string]keys.Credential // password credential state by user
}

type session struct {
	user    string
	key     levels.PresentedKey
	expires time.Time
}

const sessionTTL = 30 * time.Minute

func newServer(cfg *Config, o serverOptions) (*server, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Store == nil {
		o.Store = totp.NewMemoryStore()
	}
	if o.SMSOutbox == nil {
		o.SMSOutbox = io.Discard
	}
	s := &server{cfg: cfg, log: o.Logger, users: map[string]*User{}, byNN: map[string]*User{},
		ents: map[string]*levels.Enterprise{}, reg: keys.NewRegistry(), now: o.Now,
		sessions: map[string]*session{}, pw: map[string]string{}, creds: map[string]keys.Credential{}}
	s.lc = keys.NewLifecycle(keys.LifecycleOptions{Now: o.Now, Logger: o.Logger})
	var err error
	if s.totp, err = totp.NewVerifier(totp.Options{Store: o.Store, Now: o.Now, Logger: o.Logger}); err != nil {
		return nil, err
	}
	var outMu sync.Mutex
	gateway := totp.SenderFunc(func(_ context.Context, to, code string) error {
		// The demo's SMS gateway: the message goes to the outbox, never
		// to the log.
		outMu.Lock()
		defer outMu.Unlock()
		_, err := fmt.Fprintf(o.SMSOutbox, "SMS to %s: your portal security code is %s\n", to, code)
		return err
	})
	if s.sms, err = totp.NewSMS(totp.SMSOptions{Sender: gateway, Store: o.Store, Now: o.Now, Logger: o.Logger}); err != nil {
		return nil, err
	}
	pwType, _ := s.reg.Lookup(keys.IDPassword)
	for i := range cfg.Users {
		u := &cfg.Users[i]
		s.users[u.ID] = u
		if u.NationalNumber != "" {
			s.byNN[u.NationalNumber] = u
		}
		if u.Password != "" {
			s.pw[u.ID] = u.Password
			c := s.lc.Issue(pwType) // must change at first use (art. 5)
			if !u.MustChange {
				c.State = levels.KeyActive
				c.ChangedAt = o.Now()
			}
			s.creds[u.ID] = c
		}
	}
	for i := range cfg.Enterprises {
		s.ents[cfg.Enterprises[i].ID] = &cfg.Enterprises[i]
	}
	return s, nil
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /login/sms", s.loginSMS)
	mux.HandleFunc("GET /applications", s.applications)
	mux.HandleFunc("POST /access/{application}", s.access)
	mux.HandleFunc("GET /matrix", s.matrix)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint")
	})
	return s.logRequests(mux)
}

// statusWriter records the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (s *server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		// Path only: no query (it may carry names), no headers (tokens).
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", time.Since(start).Milliseconds())
	})
}

// apiError is the body of every error answer.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// maxBody bounds request bodies.
const maxBody = 8 << 10

// readJSON decodes a bounded JSON body into v (an empty body is allowed
// when optional); it writes the error answer and returns false on failure.
func readJSON(w http.ResponseWriter, r *http.Request, v any, optional bool) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_body", "the request body could not be read")
		return false
	}
	if len(b) > maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("the request body exceeds %d bytes", maxBody))
		return false
	}
	if optional && len(strings.TrimSpace(string(b))) == 0 {
		return true
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_json", "malformed JSON: "+err.Error())
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "bad_json", "malformed JSON: data after the object")
		return false
	}
	return true
}

type loginRequest struct {
	User        string `json:"user"`
	Password    string `json:"password"`
	TOTP        string `json:"totp,omitempty"`
	SMS         string `json:"sms,omitempty"`
	NewPassword string `json:"new_password,omitempty"`
}

type loginResponse struct {
	Token   string    `json:"token"`
	User    string    `json:"user"`
	KeyType keys.ID   `json:"key_type"`
	Level   string    `json:"level"`
	Expires time.Time `json:"expires"`
}

// password checks user and password; on failure it answers 401.
func (s *server) password(w http.ResponseWriter, r *http.Request, lr *loginRequest) (*User, bool) {
	u := s.users[lr.User]
	s.mu.Lock()
	stored := s.pw[lr.User]
	s.mu.Unlock()
	if u == nil || stored == "" || !checkPassword(stored, lr.Password) {
		s.log.Warn("login refused", "reason", "bad credentials")
		writeError(w, http.StatusUnauthorized, "bad_credentials", "unknown user or wrong password")
		return nil, false
	}
	return u, true
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	var lr loginRequest
	if !readJSON(w, r, &lr, false) {
		return
	}
	u, ok := s.password(w, r, &lr)
	if !ok {
		return
	}
	s.mu.Lock()
	cred := s.creds[u.ID]
	s.mu.Unlock()
	if cred.State == levels.KeyMustChange {
		if lr.NewPassword == "" {
			writeError(w, http.StatusForbidden, "must_change", "the password must be changed at first use (art. 5): send new_password")
			return
		}
	}
	// Second factor first, so that a password change needs it too.
	var res totp.Result
	var err error
	switch {
	case lr.TOTP != "" && u.TOTPSecret != "":
		secret, _ := totp.ParseSecret(u.TOTPSecret)
		res, err = s.totp.Verify(r.Context(), totp.Authenticator{ID: u.ID + "/app", Secret: secret}, lr.TOTP)
	case lr.SMS != "":
		res, err = s.sms.Verify(r.Context(), u.ID, lr.SMS)
	default:
		writeError(w, http.StatusUnauthorized, "second_factor_required", "send a TOTP code (totp) or an SMS code (sms, after POST /login/sms)")
		return
	}
	if err != nil {
		s.codeError(w, err)
		return
	}
	if lr.NewPassword != "" {
		if err := s.lc.ChangePassword(&cred, lr.NewPassword); err != nil {
			var pe *keys.PasswordError
			if errors.As(err, &pe) {
				writeError(w, http.StatusBadRequest, "weak_password", err.Error())
				return
			}
			writeError(w, http.StatusForbidden, "key_state", err.Error())
			return
		}
		h, err := hashPassword(lr.NewPassword)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal", "the password could not be stored")
			return
		}
		s.mu.Lock()
		s.pw[u.ID], s.creds[u.ID] = h, cred
		s.mu.Unlock()
		s.log.Info("password changed", "user", u.ID)
	}
	kt, ok := res.KeyType(s.reg)
	if !ok {
		writeError(w, http.StatusInternalServerError, "internal", "unknown key type")
		return
	}
	key := kt.Presented()
	key.State = cred.State
	key.Holder = u.ID
	token := newToken()
	exp := s.now().Add(sessionTTL)
	s.mu.Lock()
	for t, ss := range s.sessions { // drop expired sessions
		if s.now().After(ss.expires) {
			delete(s.sessions, t)
		}
	}
	s.sessions[token] = &session{user: u.ID, key: key, expires: exp}
	s.mu.Unlock()
	s.log.Info("login", "user", u.ID, "key_type", string(kt.ID))
	http.SetCookie(w, &http.Cookie{Name: "portal_session", Value: token, Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteStrictMode, Expires: exp})
	writeJSON(w, http.StatusOK, loginResponse{Token: token, User: u.ID, KeyType: kt.ID, Level: kt.Level.String(), Expires: exp})
}

func (s *server) codeError(w http.ResponseWriter, err error) {
	code, status := "bad_code", http.StatusUnauthorized
	switch {
	case errors.Is(err, totp.ErrReplayed):
		code = "replayed"
	case errors.Is(err, totp.ErrThrottled):
		code, status = "throttled", http.StatusTooManyRequests
	case errors.Is(err, totp.ErrNoChallenge):
		code = "no_sms_sent"
	case errors.Is(err, totp.ErrExpired):
		code = "code_expired"
	}
	s.log.Warn("login refused", "reason", code)
	writeError(w, status, code, "the security code was not accepted ("+code+")")
}

func (s *server) loginSMS(w http.ResponseWriter, r *http.Request) {
	var lr loginRequest
	if !readJSON(w, r, &lr, false) {
		return
	}
	u, ok := s.password(w, r, &lr)
	if !ok {
		return
	}
	if u.Phone == "" {
		writeError(w, http.StatusBadRequest, "no_phone", "no phone number for this user")
		return
	}
	if _, err := s.sms.Send(r.Context(), u.ID, u.Phone); err != nil {
		if errors.Is(err, totp.ErrThrottled) { // a *totp.SendLimitError
			writeError(w, http.StatusTooManyRequests, "send_limit", err.Error())
			return
		}
		writeError(w, http.StatusServiceUnavailable, "sms_failed", "the SMS could not be sent")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]bool{"sent": true})
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// identify returns the user and key of the request: the client certificate
// validated during the handshake, else the session. It answers 401 itself.
func (s *server) identify(w http.ResponseWriter, r *http.Request) (*User, levels.PresentedKey, bool) {
	if res, ok := tlsauth.FromRequest(r); ok {
		if !res.Valid {
			err := tlsauth.Err(r.Context())
			code := x509check.Code(err)
			s.log.Warn("certificate refused", "code", code)
			writeError(w, http.StatusUnauthorized, "certificate_"+strings.ReplaceAll(code, "-", "_"),
				"the client certificate is not valid: "+firstLine(err))
			return nil, levels.PresentedKey{}, false
		}
		nn := res.Chain[0].Subject.SerialNumber
		u := s.byNN[nn]
		if u == nil || nn == "" {
			writeError(w, http.StatusUnauthorized, "unknown_user", "no user holds this certificate")
			return nil, levels.PresentedKey{}, false
		}
		k := res.PresentedKey()
		k.Holder = u.ID
		return u, k, true
	}
	token := ""
	if c, err := r.Cookie("portal_session"); err == nil {
		token = c.Value
	}
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		token = strings.TrimPrefix(a, "Bearer ")
	}
	if token != "" {
		s.mu.Lock()
		ss := s.sessions[token]
		s.mu.Unlock()
		if ss != nil && s.now().Before(ss.expires) {
			return s.users[ss.user], ss.key, true
		}
		writeError(w, http.StatusUnauthorized, "session_expired", "the session is unknown or expired: log in again")
		return nil, levels.PresentedKey{}, false
	}
	writeError(w, http.StatusUnauthorized, "no_key", "log in with a client certificate or POST /login")
	return nil, levels.PresentedKey{}, false
}

func firstLine(err error) string {
	if err == nil {
		return ""
	}
	m := err.Error()
	if i := strings.IndexByte(m, '\n'); i >= 0 {
		m = m[:i]
	}
	return m
}

// request builds the decision request of user u from the configuration.
func (s *server) request(u *User, key levels.PresentedKey, app string, ch levels.Channel, actingFor string) levels.Request {
	req := levels.Request{Application: app, Channel: ch, User: u.ID, Key: key, EHealthQuality: u.EHealthQuality,
		Roles: s.roles(u), Enterprise: s.ents[u.Enterprise]}
	for _, d := range s.cfg.Designations {
		if d.User == u.ID {
			req.DesignatedBy = &levels.Designation{Manager: d.By, Roles: s.roles(s.users[d.By]), Authorised: d.Authorised}
			break
		}
	}
	for _, m := range s.cfg.Mandates {
		if m.User != u.ID {
			continue
		}
		if req.TaxOnWeb == nil {
			req.TaxOnWeb = &levels.TaxOnWeb{RepertoryNumber: m.RepertoryNumber, ActingFor: actingFor}
		}
		req.TaxOnWeb.Mandates = append(req.TaxOnWeb.Mandates, levels.Mandate{Mandator: m.Mandator, Filed: m.Filed})
	}
	return req
}

func (s *server) roles(u *User) levels.Roles {
	var rs levels.Roles
	if u == nil {
		return rs
	}
	for _, n := range u.Roles {
		r, _ := levels.ParseRole(n) // checked when loaded
		rs = rs.With(r)
	}
	return rs
}

// decisionJSON is the answer of POST /access/{application}.
type decisionJSON struct {
	User        string          `json:"user"`
	KeyType     string          `json:"key_type"`
	Application string          `json:"application"`
	Entry       string          `json:"entry,omitempty"`
	Required    string          `json:"required,omitempty"`
	Allowed     bool            `json:"allowed"`
	Reasons     []levels.Reason `json:"reasons"`
}

type accessBody struct {
	Channel   string `json:"channel,omitempty"`
	ActingFor string `json:"acting_for,omitempty"`
}

func (s *server) access(w http.ResponseWriter, r *http.Request) {
	u, key, ok := s.identify(w, r)
	if !ok {
		return
	}
	var b accessBody
	if !readJSON(w, r, &b, true) {
		return
	}
	ch, err := levels.ParseChannel(b.Channel)
	if err != nil {
		writeError(w, http.StatusBadRequest, "unknown_channel", err.Error())
		return
	}
	app := r.PathValue("application")
	d, err := levels.Decide(s.request(u, key, app, ch, b.ActingFor))
	if err != nil {
		if errors.Is(err, levels.ErrUnknownApplication) {
			writeError(w, http.StatusBadRequest, "unknown_application", err.Error())
			return
		}
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	out := decisionJSON{User: u.ID, KeyType: key.Type, Application: d.Application, Entry: d.Entry,
		Allowed: d.Allowed, Reasons: d.Reasons, Required: required(d.Entry)}
	status := http.StatusOK
	if !d.Allowed {
		status = http.StatusForbidden
	}
	s.log.Info("decision", "user", u.ID, "key_type", key.Type, "application", d.Application, "allowed", d.Allowed)
	writeJSON(w, status, out)
}

// requirements maps catalog entries to the level they require.
var requirements = func() map[string]string {
	m := map[string]string{}
	for _, a := range append(levels.Catalog(), levels.Transfers()...) {
		m[a.ID] = a.Requirement.String()
	}
	return m
}()

// required returns the level the catalog entry requires.
func required(entry string) string { return requirements[entry] }

// appView is one line of GET /applications.
type appView struct {
	Application string   `json:"application"`
	Where       string   `json:"where"`
	Entry       string   `json:"entry"`
	Required    string   `json:"required"`
	Allowed     bool     `json:"allowed"`
	Denials     []string `json:"denials,omitempty"`
}

type appsJSON struct {
	User         string    `json:"user"`
	KeyType      string    `json:"key_type"`
	Applications []appView `json:"applications"`
}

func (s *server) decideAll(u *User, key levels.PresentedKey, actingFor string) []appView {
	var out []appView
	seen := map[string]bool{}
	var d levels.Decision
	for _, a := range append(levels.Catalog(), levels.Transfers()...) {
		ch, where := levels.ChannelPortal, a.Portal.String()
		if a.Channels != nil {
			ch, where = a.Channels[0], "(S)FTP, MQSeries"
		}
		k := a.Name + "\x00" + where
		if seen[k] {
			continue
		}
		seen[k] = true
		req := s.request(u, key, a.Name, ch, actingFor)
		req.Portal = a.Portal
		if err := levels.DecideInto(&d, &req); err != nil {
			continue
		}
		v := appView{Application: a.Name, Where: where, Entry: d.Entry, Required: required(d.Entry), Allowed: d.Allowed}
		for _, r := range d.Reasons {
			if r.Effect == levels.Deny {
				v.Denials = append(v.Denials, r.String())
			}
		}
		out = append(out, v)
	}
	return out
}

func (s *server) applications(w http.ResponseWriter, r *http.Request) {
	u, key, ok := s.identify(w, r)
	if !ok {
		return
	}
	views := s.decideAll(u, key, r.URL.Query().Get("acting_for"))
	if wantsHTML(r) {
		s.renderApplications(w, u, key, views)
		return
	}
	writeJSON(w, http.StatusOK, appsJSON{User: u.ID, KeyType: key.Type, Applications: views})
}

func wantsHTML(r *http.Request) bool {
	return r.URL.Query().Get("format") == "html" ||
		(r.URL.Query().Get("format") == "" && strings.Contains(r.Header.Get("Accept"), "text/html"))
}
