package levels

import (
	"errors"
	"fmt"
)

// Request asks whether a user may use an application with a key. Its JSON
// form is what DecodeRequest reads (see there for the checks it makes).
// Decide explains what it cannot grant; it returns an error only for a
// request it cannot decide on (an application not in the catalog, a key or
// manager entry whose state or role is the zero value).
type Request struct {
	// Application is the application's name as in the catalog (or an alias).
	Application string `json:"application"`
	// Portal narrows the lookup to one portal; NoPortal means any portal.
	// Only with ChannelPortal.
	Portal Portal `json:"portal,omitempty"`
	// Channel is how the application is reached: the portal (the zero
	// value), or (S)FTP / MQSeries for the declarations of art. 3.4.
	Channel Channel `json:"channel,omitempty"`
	// User identifies the person asking; compared with Key.Holder (art. 5
	// bis). Optional.
	User string `json:"user,omitempty"`
	// Roles are the user's roles in the enterprise and towards eHealth.
	Roles Roles `json:"roles,omitempty"`
	// DesignatedBy describes the access manager who designated the user
	// (with RoleDesignatedUser; art. 3.1.d, 3.2.d). Over (S)FTP and MQSeries
	// art. 3.4 admits every user designated "par un gestionnaire d'accès"
	// who holds a qualified certificate: its text sets no authorised list
	// (3.1.d and 3.2.d bound the portals only), so there the list is not
	// consulted; the designating person must be an access manager.
	DesignatedBy *Designation `json:"designated_by,omitempty"`
	// EHealthQuality is the professional quality an eHealth user is
	// authorised in (art. 3.3.b), e.g. "physician".
	EHealthQuality string `json:"ehealth_quality,omitempty"`
	// TaxOnWeb carries the mandator's repertory number and the mandates
	// held, for Tax-on-web (art. 3.2.c). They are asked of access managers
	// too: annex 2 opens Tax-on-web to "les gestionnaires d'accès et les
	// utilisateurs désignés par eux comme décrit dans les articles 3.2.c et
	// 3.2.d", a local access manager is himself a user designated by the
	// main access manager, and 3.2.c grants access only "pour les personnes
	// pour lesquelles il dispose d'un mandat".
	TaxOnWeb *TaxOnWeb `json:"tax_on_web,omitempty"`
	// HoldsCertificate says the user holds username, password, private key
	// and a qualified certificate (or one on the accepted list), whatever
	// key is presented (art. 3.2.e). A certificate-based key implies it.
	HoldsCertificate bool `json:"holds_certificate,omitempty"`
	// Enterprise, when set, is checked against art. 2 (exactly one main
	// access manager) as part of the decision, and the request's claims
	// are checked against it: a manager role in Roles must be the role the
	// enterprise gives User (art. 2: one single main access manager; a main
	// or co-main access manager is also an access manager in the sense of
	// art. 2 bis), and DesignatedBy.Manager must be among its managers with
	// every role DesignatedBy.Roles claims (arts. 2 bis, 3.1.d). Without an
	// Enterprise the caller vouches for the roles.
	Enterprise *Enterprise `json:"enterprise,omitempty"`
	// Key is the key presented; the zero value means no key.
	Key PresentedKey `json:"key"`
	// RequireKeyAttributes lists attributes the presented key must carry
	// (Key.Attributes), such as AttrAttestedNonExportable; a service sets
	// it. Empty requires none.
	RequireKeyAttributes []string `json:"require_key_attributes,omitempty"`
}

// Designation is what a designated user's access rests on (art. 3.1.d,
// 3.2.d): the designating manager's own roles and the applications the
// manager authorised.
type Designation struct {
	// Manager identifies the designating access manager; optional.
	Manager string `json:"manager,omitempty"`
	// Roles are the manager's own roles, which bound the designated user's
	// access.
	Roles Roles `json:"roles"`
	// Authorised names the applications the manager authorised the user to
	// use (catalog names or aliases).
	Authorised []string `json:"authorised"`
}

// TaxOnWeb is what Tax-on-web asks of a mandatary (art. 3.2.c).
type TaxOnWeb struct {
	// RepertoryNumber is the mandator's repertory number the user holds.
	RepertoryNumber string `json:"repertory_number"`
	// ActingFor identifies the person the user acts for.
	ActingFor string `json:"acting_for"`
	// Mandates are the mandates the user holds.
	Mandates []Mandate `json:"mandates"`
}

// Mandate is a mandate to use Tax-on-web for a person.
type Mandate struct {
	// Mandator identifies the person who gave the mandate.
	Mandator string `json:"mandator"`
	// Filed says the mandate was made available to the regional direction
	// of direct taxes competent for the mandator's tax office.
	Filed bool `json:"filed"`
}

// Effect says whether a reason grants or denies.
type Effect uint8

const (
	// Grant: the reason supports access.
	Grant Effect = iota + 1
	// Deny: the reason refuses access; one is enough to deny.
	Deny
)

// String returns "grant" or "deny".
func (e Effect) String() string {
	switch e {
	case Grant:
		return "grant"
	case Deny:
		return "deny"
	}
	return fmt.Sprintf("effect(%d)", uint8(e))
}

// MarshalText implements encoding.TextMarshaler.
func (e Effect) MarshalText() ([]byte, error) {
	if e != Grant && e != Deny {
		return nil, fmt.Errorf("levels: cannot marshal invalid effect %d", uint8(e))
	}
	return []byte(e.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (e *Effect) UnmarshalText(b []byte) error {
	switch string(b) {
	case "grant":
		*e = Grant
	case "deny":
		*e = Deny
	default:
		return fmt.Errorf("levels: unknown effect %q (want grant or deny)", b)
	}
	return nil
}

// Reason is one rule applied to a decision, citing its article of the
// règlement (e.g. "3.1.d", "5 bis", "11").
type Reason struct {
	Article string `json:"article"`
	Message string `json:"message"`
	Effect  Effect `json:"effect"`
}

// String formats the reason as "art. 3.1.d: message (deny)".
func (r Reason) String() string {
	return fmt.Sprintf("art. %s: %s (%s)", r.Article, r.Message, r.Effect)
}

// Decision is the outcome of Decide: allowed or not, and every reason
// applied, granting and denying, each citing its article.
type Decision struct {
	Allowed bool `json:"allowed"`
	// Application is the catalog name of the application decided on
	// (empty when no entry matched).
	Application string `json:"application,omitempty"`
	// Entry is the ID of the catalog entry that granted access, or, when
	// denied and the application was found, of its first entry.
	Entry string `json:"entry,omitempty"`
	// Reasons lists the rules applied. When several entries of the catalog
	// carry the application (different audiences), a granted decision
	// lists the reasons of the granting entry, a denied one those of every
	// entry.
	Reasons []Reason `json:"reasons"`
}

// Messages are constants so that a decision allocates only its reasons.
const (
	msgUnknownApp      = "application not in the catalog of annexes 1-3 and art. 3.4 for this portal or channel"
	msgEveryone        = "open to every user"
	msgCurator         = "curator designated as access manager"
	msgCuratorOnly     = "reserved to curators designated as access manager and the users they designate"
	msgManager         = "access manager of the enterprise (main, co-main or local)"
	msgManagerOnly     = "reserved to access managers and the users they designate"
	msgNoDesignation   = "designated user without the designating manager's access (designated_by)"
	msgAuthorised      = "authorised by the designating access manager"
	msgNotAuthorised   = "not authorised by the designating access manager"
	msgWithinManager   = "within the designating manager's own access"
	msgBeyondManager   = "authorised beyond the designating manager's own access"
	msgNoRepertory     = "requires the mandator's repertory number"
	msgRepertory       = "holds the mandator's repertory number"
	msgNoActingFor     = "names no person the mandatary acts for"
	msgNoMandate       = "holds no mandate from the person acted for"
	msgMandateNotFiled = "mandate not made available to the competent regional direction of direct taxes"
	msgMandateFiled    = "mandate held and filed with the competent regional direction of direct taxes"
	msgHolder          = "holds username, password, private key and a qualified (or accepted) certificate"
	msgHolderOnly      = "reserved to users holding username, password, private key and a qualified certificate or one on the accepted list"
	msgQuality         = "authorised according to the user's professional quality"
	msgNoQuality       = "eHealth professional without a professional quality"
	msgQualityOnly     = "reserved to eHealth users authorised according to their professional quality"
	msgHabilitated     = "authorised eHealth user"
	msgHabilitatedOnly = "reserved to authorised eHealth users"
	msgTransferManager = "access manager filing over (S)FTP or another accepted channel"
	msgTransferUser    = "user designated by an access manager, filing over (S)FTP or another accepted channel"
	msgTransferOnly    = "reserved to access managers and the users they designate"
	msgDesignatorNoMgr = "the designating person is not an access manager"
	msgNoKeyRequired   = "no digital key required for this application"
	msgNoKey           = "a digital key is required and none was presented"
	msgMustChange      = "the password must be changed before use: at first use and regularly after"
	msgDeactivated     = "the key was reported lost or misused and is deactivated"
	msgBlocked         = "the key is locked: a new one must be requested"
	msgNotPersonal     = "keys are strictly personal: this key was issued to another person"
	msgSigPortal       = "for now the eID signature certificate may be used only over (S)FTP, MQSeries or other accepted channels, not on the portals"
	msgSigForm         = "the eID signature certificate is accepted for the \"Formulaire électronique de demande d'accès\""
	msgSigChannel      = "the eID signature certificate may be used over (S)FTP, MQSeries and other accepted channels"
	msgCertRequired    = "requires username, password, private key and a qualified certificate (the eID signature certificate included)"
	msgCertKey         = "certificate-based key (username, password, private key and qualified certificate)"
	msgCertInvalid     = "certificate not validated up to a certification authority on the published list"
	msgCertExpired     = "certificate expired: it can no longer be used"
	msgCertRevoked     = "certificate revoked: it can no longer be used"
	msgCertNotQual     = "certificate neither qualified nor of a type on the list of accepted certificates"
	msgCertOK          = "certificate valid up to a listed authority, qualified or accepted, neither expired nor revoked"
	msgCertEID         = "Belgian eID certificate: art. 7 admits the electronic identity card as the alternative to a qualified certificate"
	msgCertUnlisted    = "qualified certificate from a certification authority on neither the published list nor the list of accepted certificates: its holder may ask, with username and password through the form on the social-security portal, that the authority be validated; until then it cannot be used"
	msgClaimNoUser     = "a manager role is claimed but the request names no user to check it against the enterprise's managers"
	msgClaimNotMain    = "the enterprise names another user as its single main access manager"
	msgClaimNotManager = "the user does not hold the claimed role among the enterprise's managers"
	msgClaimOK         = "the claimed role is the one the enterprise gives the user"
	msgDesignatorNone  = "the designating manager is not named, so the designation cannot be checked against the enterprise"
	msgDesignatorOut   = "the designating manager is not among the enterprise's managers with the roles claimed for them"
	msgDesignatorIn    = "the designating manager is among the enterprise's managers"
	msgSetupOK         = "the enterprise has its single main access manager"
	msgSetupNone       = "the enterprise has designated no main access manager"
	msgSetupSeveral    = "the enterprise has designated more than one main access manager"
)

var msgChannel = [...]string{
	ChannelPortal:   "this key is not available on the portals",
	ChannelFTP:      "this key is not available over (S)FTP",
	ChannelMQSeries: "this key is not available over MQSeries",
}

// levelMsgs[have][req] explain the level rule (art. 3.1.e, 3.2.f, 3.3.d).
var levelMsgs [maxLevel + 1][maxLevel + 1]string

func init() {
	for have := None; have <= maxLevel; have++ {
		for req := None; req <= maxLevel; req++ {
			if have >= req {
				levelMsgs[have][req] = fmt.Sprintf("key level %v suffices for the required %v (a level suffices, and so does every higher one)", have, req)
			} else {
				levelMsgs[have][req] = fmt.Sprintf("key level %v is insufficient: the application requires %v or higher", have, req)
			}
		}
	}
}

const msgBadLevel = "the key's level is not a level of the règlement"

// Decide decides whether the request's user may use the application with
// the presented key, under arts. 2, 3.1-3.4, 5, 5 bis, 7 and 11. It lists
// every reason it applied; the decision is allowed when a catalog entry of
// the application grants access and nothing denies it.
//
// A request Decide cannot decide on gives a denied decision and a
// *RequestError naming the field: an application that is not in the
// catalog for the portal or channel ([ErrUnknownApplication]: for a
// service, a bad request rather than a denial), a presented key whose State
// is the zero value ([ErrUnknownKeyState]), an enterprise manager whose Role
// is the zero value. Zero values never grant.
//
// Decide allocates only the decision's reasons; DecideInto reuses them.
func Decide(req Request) (Decision, error) {
	d := Decision{Reasons: make([]Reason, 0, 8)}
	err := decide(&d, &req)
	return d, err
}

// DecideInto is Decide writing the decision into d, whose previous contents
// it discards. It reuses the storage of d.Reasons, so a caller that decides
// many requests with one Decision (one per goroutine) allocates nothing
// once that storage has grown; the Reasons of an earlier decision made
// into d are overwritten. It returns Decide's error.
func DecideInto(d *Decision, req *Request) error {
	*d = Decision{Reasons: d.Reasons[:0]}
	return decide(d, req)
}

// errNoState and errNoRole are the causes of the zero-value refusals.
var (
	errNoState = fmt.Errorf("%w: a presented key must have a state (the zero value is none)", ErrUnknownKeyState)
	errNoRole  = errors.New("levels: unknown role: a manager entry must have a role (the zero value is none)")
)

func decide(d *Decision, req *Request) error {
	if req.Key.presented() && !req.Key.State.Valid() {
		d.Reasons = append(d.Reasons, Reason{"5 bis", msgBadState, Deny})
		return &RequestError{Field: "key.state", Err: errNoState}
	}
	ok := true
	if e := req.Enterprise; e != nil {
		for i := range e.Managers {
			if !e.Managers[i].Role.Valid() {
				d.Reasons = append(d.Reasons, Reason{"2", msgBadRole, Deny})
				return &RequestError{Field: fmt.Sprintf("enterprise.managers[%d].role", i), Err: errNoRole}
			}
		}
		switch e.mainCount() {
		case 1:
			d.Reasons = append(d.Reasons, Reason{"2", msgSetupOK, Grant})
		case 0:
			d.Reasons = append(d.Reasons, Reason{"2", msgSetupNone, Deny})
			ok = false
		default:
			d.Reasons = append(d.Reasons, Reason{"2", msgSetupSeveral, Deny})
			ok = false
		}
		if !claims(e, req, &d.Reasons) {
			ok = false
		}
	}
	base := len(d.Reasons)
	found := false
	for _, i := range cat.lookup(req.Application) {
		a := &cat.all[i]
		if !a.matches(req.Portal, req.Channel) {
			continue
		}
		if !found {
			found = true
			d.Entry = a.ID
			d.Application = a.Name
		}
		start := len(d.Reasons)
		if cat.evaluate(i, req, &d.Reasons) {
			// Keep the granting entry's reasons only.
			if start > base {
				d.Reasons = append(d.Reasons[:base], d.Reasons[start:]...)
			}
			d.Entry = a.ID
			d.Allowed = ok
			return nil
		}
	}
	if !found {
		d.Reasons = append(d.Reasons, Reason{"3", msgUnknownApp, Deny})
		_, err := canonical(req.Application, req.Portal, req.Channel)
		return &RequestError{Field: "application", Err: err}
	}
	d.Reasons = dedupe(d.Reasons, base)
	return nil
}

const (
	msgBadState = "the key's state is not set: a key without a state grants nothing"
	msgBadRole  = "a manager of the enterprise has no role: an entry without a role grants nothing"
)

// claims checks the manager roles the request claims, and the designating
// manager, against the enterprise (arts. 2, 2 bis, 3.1.d); it appends its
// reasons and reports whether none denies.
func claims(e *Enterprise, r *Request, rs *[]Reason) bool {
	ok := true
	add := func(art, msg string, eff Effect) {
		*rs = append(*rs, Reason{art, msg, eff})
		if eff == Deny {
			ok = false
		}
	}
	if claimed := r.Roles & (managerRoles | 1<<RoleCurator); claimed != 0 {
		switch {
		case r.User == "":
			add("2 bis", msgClaimNoUser, Deny)
		case claimed.Has(RoleMainAccessManager):
			if main, one := e.mainManager(); one && main != r.User {
				add("2", msgClaimNotMain, Deny)
			} else if !covers(e.roleOf(r.User), claimed) {
				add("2 bis", msgClaimNotManager, Deny)
			} else {
				add("2", msgClaimOK, Grant)
			}
		case !covers(e.roleOf(r.User), claimed):
			add("2 bis", msgClaimNotManager, Deny)
		default:
			add("2 bis", msgClaimOK, Grant)
		}
	}
	if dg := r.DesignatedBy; dg != nil && r.Roles.Has(RoleDesignatedUser) {
		switch {
		case dg.Manager == "":
			add("3.1.d", msgDesignatorNone, Deny)
		case !covers(e.roleOf(dg.Manager), dg.Roles&(managerRoles|1<<RoleCurator)) ||
			!e.roleOf(dg.Manager).Valid():
			add("3.1.d", msgDesignatorOut, Deny)
		default:
			add("2 bis", msgDesignatorIn, Grant)
		}
	}
	return ok
}

// covers reports whether the enterprise role held grants every manager
// role in claimed: the role itself, and for a main or co-main access
// manager also the access manager role (art. 2 bis: they are access
// managers too).
func covers(held Role, claimed Roles) bool {
	if !held.Valid() {
		return false
	}
	allowed := RolesOf(held)
	if held == RoleMainAccessManager || held == RoleCoMainAccessManager {
		allowed = allowed.With(RoleAccessManager)
	}
	return claimed&^allowed == 0
}

// dedupe removes repeated reasons after index base, in place.
func dedupe(rs []Reason, base int) []Reason {
	out := rs[:base]
next:
	for _, r := range rs[base:] {
		for _, s := range out[base:] {
			if s == r {
				continue next
			}
		}
		out = append(out, r)
	}
	return out
}

// evaluate applies the rules of entry i to the request, appending its
// reasons; it reports whether the entry grants access.
func (c *catalog) evaluate(i int32, r *Request, rs *[]Reason) bool {
	a := &c.all[i]
	j := judge{rs: *rs, ok: true}
	defer func() { *rs = j.rs }()
	art := a.Articles[0]
	desig := a.Portal.designationArticle()

	// Who may use it (art. 3).
	switch a.Audience {
	case AudienceEveryone:
		j.add(art, msgEveryone, Grant)
	case AudienceCurators:
		switch {
		case r.Roles.Has(RoleCurator):
			j.add(art, msgCurator, Grant)
		case r.Roles.Has(RoleDesignatedUser):
			c.designated(a, r, desig, &j)
		default:
			j.add(art, msgCuratorOnly, Deny)
		}
	case AudienceAccessManagers, AudienceTaxMandataries, AudienceCertificateHolders:
		switch {
		case r.Roles.manager():
			j.add(art, msgManager, Grant)
		case r.Roles.Has(RoleDesignatedUser):
			c.designated(a, r, desig, &j)
		default:
			j.add(art, msgManagerOnly, Deny)
		}
		if a.Audience == AudienceTaxMandataries {
			taxOnWeb(r.TaxOnWeb, art, &j)
		}
		if a.Audience == AudienceCertificateHolders {
			if r.HoldsCertificate || r.Key.certificateBased() {
				j.add(art, msgHolder, Grant)
			} else {
				j.add(art, msgHolderOnly, Deny)
			}
		}
	case AudienceEHealthQuality:
		switch {
		case r.Roles.Has(RoleEHealthProfessional) && r.EHealthQuality != "":
			j.add(art, msgQuality, Grant)
		case r.Roles.Has(RoleEHealthProfessional):
			j.add(art, msgNoQuality, Deny)
		default:
			j.add(art, msgQualityOnly, Deny)
		}
	case AudienceEHealthHabilitated:
		if r.Roles.Has(RoleEHealthHabilitated) || r.Roles.Has(RoleEHealthProfessional) {
			j.add(art, msgHabilitated, Grant)
		} else {
			j.add(art, msgHabilitatedOnly, Deny)
		}
	case AudienceTransfer:
		switch {
		case r.Roles.manager():
			j.add(art, msgTransferManager, Grant)
		case r.Roles.Has(RoleDesignatedUser) && r.DesignatedBy != nil && r.DesignatedBy.Roles.manager():
			j.add(art, msgTransferUser, Grant)
		case r.Roles.Has(RoleDesignatedUser) && r.DesignatedBy != nil:
			j.add(art, msgDesignatorNoMgr, Deny)
		default:
			j.add(art, msgTransferOnly, Deny)
		}
	}

	// The key (art. 3.x level clauses, 5, 5 bis, 7, 11).
	levelArt := a.Portal.levelArticle()
	k := &r.Key
	if a.Requirement == None && a.Channels == nil {
		j.add(levelArt, msgNoKeyRequired, Grant)
		if k.EIDSignature && i == c.formID {
			j.add("11", msgSigForm, Grant)
		}
		return j.ok
	}
	if !k.presented() {
		j.add(levelArt, msgNoKey, Deny)
		return false
	}
	switch k.State {
	case KeyMustChange:
		j.add("5", msgMustChange, Deny)
	case KeyDeactivated:
		j.add("5 bis", msgDeactivated, Deny)
	case KeyBlocked:
		j.add("5 bis", msgBlocked, Deny)
	}
	if k.Holder != "" && r.User != "" && k.Holder != r.User {
		j.add("5 bis", msgNotPersonal, Deny)
	}
	switch {
	case r.Channel == ChannelPortal && k.EIDSignature:
		// Art. 11: "ne peut être utilisé que via (S)FTP, MQSeries ou
		// d'autres canaux acceptés" keeps it off every portal, eHealth
		// included; the two portals it then names get no exception but
		// the Formulaire, which needs no key (decided above).
		j.add("11", msgSigPortal, Deny)
	case !k.worksOn(r.Channel):
		m := "this key is not available on this channel"
		if int(r.Channel) < len(msgChannel) {
			m = msgChannel[r.Channel]
		}
		j.add("5 bis", m, Deny)
	case r.Channel != ChannelPortal && k.EIDSignature:
		j.add("11", msgSigChannel, Grant)
	}
	if a.Certificate {
		if k.certificateBased() {
			j.add(art, msgCertKey, Grant)
		} else {
			j.add(art, msgCertRequired, Deny)
		}
	}
	if cs := k.Certificate; cs != nil {
		good := true
		if !cs.Valid {
			j.add("7", msgCertInvalid, Deny)
			good = false
		}
		if cs.Expired {
			j.add("7", msgCertExpired, Deny)
			good = false
		}
		if cs.Revoked {
			j.add("7", msgCertRevoked, Deny)
			good = false
		}
		switch {
		case cs.Qualified && cs.Unlisted && !cs.EID:
			j.add("7", msgCertUnlisted, Deny)
			good = false
		case cs.EID:
			if good {
				j.add("7", msgCertEID, Grant)
			}
		case !cs.Qualified && !cs.Accepted:
			j.add("7", msgCertNotQual, Deny)
			good = false
		}
		if good {
			j.add("7", msgCertOK, Grant)
		}
	}
	j.keyAttributes(r.RequireKeyAttributes, k)
	switch {
	case !k.Level.Valid() || !a.Requirement.Valid():
		j.add(levelArt, msgBadLevel, Deny)
	case k.Level.Suffices(a.Requirement):
		j.add(levelArt, levelMsgs[k.Level][a.Requirement], Grant)
	default:
		j.add(levelArt, levelMsgs[k.Level][a.Requirement], Deny)
	}
	return j.ok
}

// judge collects the reasons of one catalog entry.
type judge struct {
	rs []Reason
	ok bool
}

func (j *judge) add(article, msg string, e Effect) {
	j.rs = append(j.rs, Reason{article, msg, e})
	if e == Deny {
		j.ok = false
	}
}

// designated applies art. 3.1.d / 3.2.d to a designated user: the
// application must be authorised by the manager and within the manager's
// own access.
func (c *catalog) designated(a *Application, r *Request, art string, j *judge) {
	dg := r.DesignatedBy
	if dg == nil {
		j.add(art, msgNoDesignation, Deny)
		return
	}
	if authorised(a, dg.Authorised) {
		j.add(art, msgAuthorised, Grant)
	} else {
		j.add(art, msgNotAuthorised, Deny)
	}
	if admits(a.Audience, dg.Roles) {
		j.add(art, msgWithinManager, Grant)
	} else {
		j.add(art, msgBeyondManager, Deny)
	}
}

// authorised reports whether list names entry a (by name, alias or ID).
func authorised(a *Application, list []string) bool {
	for _, n := range list {
		if n == a.Name || n == a.ID {
			return true
		}
		for _, al := range a.Aliases {
			if n == al {
				return true
			}
		}
	}
	return false
}

// admits reports whether a manager holding roles has, by those roles, access
// to applications of audience aud.
func admits(aud Audience, roles Roles) bool {
	switch aud {
	case AudienceEveryone:
		return true
	case AudienceCurators:
		return roles.Has(RoleCurator)
	case AudienceAccessManagers, AudienceTaxMandataries, AudienceCertificateHolders, AudienceTransfer:
		return roles.manager()
	case AudienceEHealthQuality:
		return roles.Has(RoleEHealthProfessional)
	case AudienceEHealthHabilitated:
		return roles.Has(RoleEHealthHabilitated) || roles.Has(RoleEHealthProfessional)
	}
	return false
}

// taxOnWeb applies art. 3.2.c: the mandator's repertory number and a mandate
// held for, and filed by, the person acted for.
func taxOnWeb(t *TaxOnWeb, art string, j *judge) {
	if t == nil || t.RepertoryNumber == "" {
		j.add(art, msgNoRepertory, Deny)
		return
	}
	j.add(art, msgRepertory, Grant)
	if t.ActingFor == "" {
		j.add(art, msgNoActingFor, Deny)
		return
	}
	// Several mandates from the same mandator: any one filed suffices.
	held := false
	for _, m := range t.Mandates {
		if m.Mandator != t.ActingFor {
			continue
		}
		if m.Filed {
			j.add(art, msgMandateFiled, Grant)
			return
		}
		held = true
	}
	if held {
		j.add(art, msgMandateNotFiled, Deny)
		return
	}
	j.add(art, msgNoMandate, Deny)
}
