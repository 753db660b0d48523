package levels_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/csam-go/csam/levels"
)

var (
	portalOnly   = []levels.Channel{levels.ChannelPortal}
	allChannels  = []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries}
	transferOnly = []levels.Channel{levels.ChannelFTP, levels.ChannelMQSeries}

	keyPassword = levels.PresentedKey{Type: "password", Level: levels.Column1, Channels: portalOnly, State: levels.KeyActive}
	keyToken    = levels.PresentedKey{Type: "token-password", Level: levels.Column2, Channels: portalOnly, State: levels.KeyActive}
	keyTOTP     = levels.PresentedKey{Type: "totp-app", Level: levels.Column3, Channels: portalOnly, State: levels.KeyActive}
	keyItsme    = levels.PresentedKey{Type: "itsme", Level: levels.Column3, Channels: portalOnly, State: levels.KeyActive}
	keyEID      = levels.PresentedKey{Type: "eid", Level: levels.Column3, Channels: portalOnly, UsesCertificate: true, State: levels.KeyActive}
	keySig      = levels.PresentedKey{Type: "eid-signature", Level: levels.Column3, Channels: transferOnly, EIDSignature: true, UsesCertificate: true, State: levels.KeyActive}
	keyX509     = levels.PresentedKey{Type: "x509-qualified", Level: levels.Column3, Channels: allChannels, UsesCertificate: true, State: levels.KeyActive}
	// a future key on every channel that rests on no certificate
	keyFTPNoCert = levels.PresentedKey{Type: "future-ftp", Level: levels.Column3, Channels: allChannels, State: levels.KeyActive}
	goodCert     = levels.CertificateStatus{Valid: true, Qualified: true}
)

func withCert(k levels.PresentedKey, c levels.CertificateStatus) levels.PresentedKey {
	k.Certificate = &c
	return k
}

func withState(k levels.PresentedKey, s levels.KeyState) levels.PresentedKey {
	k.State = s
	return k
}

func manager(r ...levels.Role) levels.Roles { return levels.RolesOf(r...) }

func designated(mgr levels.Roles, apps ...string) (levels.Roles, *levels.Designation) {
	return levels.RolesOf(levels.RoleDesignatedUser), &levels.Designation{Roles: mgr, Authorised: apps}
}

func TestDecide(t *testing.T) {
	am := manager(levels.RoleAccessManager)
	type want struct {
		allowed bool
		entry   string
		reasons []string // "article:effect" that must be listed
	}
	dRoles, dDimona := designated(am, "Dimona (sécurisé)")
	cRoles, dByCurator := designated(manager(levels.RoleCurator), "eCUR")
	_, dECURbyAM := designated(am, "eCUR")
	_, dNothing := designated(am)
	_, dTax := designated(am, "Tax-on-web (TOW)")
	acme := &levels.Enterprise{ID: "0123.456.789", Managers: []levels.Manager{
		{User: "ann", Role: levels.RoleMainAccessManager}, {User: "cas", Role: levels.RoleCoMainAccessManager},
		{User: "bob", Role: levels.RoleAccessManager}}}
	byBob := &levels.Designation{Manager: "bob", Roles: am, Authorised: []string{"Dimona (sécurisé)"}}
	byMallory := &levels.Designation{Manager: "mallory", Roles: am, Authorised: []string{"Dimona (sécurisé)"}}
	byBobAsMain := &levels.Designation{Manager: "bob", Roles: manager(levels.RoleMainAccessManager), Authorised: []string{"Dimona (sécurisé)"}}
	tax := &levels.TaxOnWeb{RepertoryNumber: "R-123", ActingFor: "client-1",
		Mandates: []levels.Mandate{{Mandator: "client-1", Filed: true}, {Mandator: "client-2"}}}
	tests := []struct {
		name string
		req  levels.Request
		want want
	}{
		{"public application without a key",
			levels.Request{Application: "Dimona (non sécurisée)"},
			want{true, "1.a/1", []string{"3.1.a:grant", "3.1.e:grant"}}},
		{"main access manager with username and password",
			levels.Request{Application: "Dimona (sécurisé)", Roles: manager(levels.RoleMainAccessManager), Key: keyPassword},
			want{true, "1.cd.column1/2", []string{"3.1.c:grant", "3.1.e:grant"}}},
		{"co-main access manager, column 1 entry",
			levels.Request{Application: "Consultation de la e-Box", Roles: manager(levels.RoleCoMainAccessManager), Key: keyToken},
			want{true, "1.cd.column1/1", []string{"3.1.c:grant", "3.1.e:grant"}}},
		{"column 3 application with a column 1 key",
			levels.Request{Application: "Gestion et historique des mandats de sécurité sociale (Mahis)", Roles: am, Key: keyPassword},
			want{false, "1.cd.column3/1", []string{"3.1.c:grant", "3.1.e:deny"}}},
		{"column 3 application with a TOTP app",
			levels.Request{Application: "Gestion et historique des mandats de sécurité sociale (Mahis)", Roles: am, Key: keyTOTP},
			want{true, "1.cd.column3/1", []string{"3.1.c:grant", "3.1.e:grant"}}},
		{"column 2 key where column 1 suffices",
			levels.Request{Application: "Trillium", Roles: am, Key: keyToken},
			want{true, "1.cd.column1/11", []string{"3.1.e:grant"}}},
		{"column 2 key where column 3 is needed",
			levels.Request{Application: "Travail associatif", Roles: am, Key: keyToken},
			want{false, "", []string{"3.1.e:deny"}}},
		{"no role",
			levels.Request{Application: "Dimona (sécurisé)", Key: keyTOTP},
			want{false, "", []string{"3.1.c:deny", "3.1.e:grant"}}},
		{"no key for a secured application",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am},
			want{false, "", []string{"3.1.e:deny"}}},
		{"designated user, authorised, within the manager's access",
			levels.Request{Application: "Dimona (sécurisé)", Roles: dRoles, DesignatedBy: dDimona, Key: keyPassword},
			want{true, "1.cd.column1/2", []string{"3.1.d:grant", "3.1.e:grant"}}},
		{"designated user, not authorised",
			levels.Request{Application: "Dimona (sécurisé)", Roles: dRoles, DesignatedBy: dNothing, Key: keyPassword},
			want{false, "", []string{"3.1.d:deny"}}},
		{"designated user authorised beyond the manager's own access",
			levels.Request{Application: "eCUR", Roles: dRoles, DesignatedBy: dECURbyAM, Key: keyPassword},
			want{false, "", []string{"3.1.d:grant", "3.1.d:deny"}}},
		{"user designated by a curator",
			levels.Request{Application: "eCUR", Roles: cRoles, DesignatedBy: dByCurator, Key: keyPassword},
			want{true, "1.b/1", []string{"3.1.d:grant", "3.1.e:grant"}}},
		{"designated user without designated_by",
			levels.Request{Application: "Dimona (sécurisé)", Roles: dRoles, Key: keyPassword},
			want{false, "", []string{"3.1.d:deny"}}},
		{"curator, WIDE granted by art. 3.1.b",
			levels.Request{Application: "Identification des employeurs (WIDE)", Roles: manager(levels.RoleCurator), Key: keyPassword},
			want{true, "1.b/2", []string{"3.1.b:grant"}}},
		{"access manager, WIDE granted by art. 3.1.c",
			levels.Request{Application: "Identification des employeurs (WIDE)", Roles: am, Key: keyPassword},
			want{true, "1.cd.column1/12", []string{"3.1.c:grant"}}},
		{"nobody in particular, WIDE: both entries deny",
			levels.Request{Application: "Identification des employeurs (WIDE)", Key: keyPassword},
			want{false, "1.b/2", []string{"3.1.b:deny", "3.1.c:deny"}}},
		{"curator outside art. 3.1.b",
			levels.Request{Application: "Dimona (sécurisé)", Roles: manager(levels.RoleCurator), Key: keyPassword},
			want{false, "", []string{"3.1.c:deny"}}},
		{"public entry of an application also secured",
			levels.Request{Application: "Obligation de retenue"},
			want{true, "1.a/6", []string{"3.1.a:grant"}}},
		// art. 11
		{"eID signature certificate on the Formulaire",
			levels.Request{Application: "Formulaire électronique de demande d'accès", Key: keySig},
			want{true, "1.a/3", []string{"3.1.a:grant", "11:grant"}}},
		{"eID signature certificate on a securitesociale.be application",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am, Key: withCert(keySig, goodCert)},
			want{false, "", []string{"11:deny", "7:grant"}}},
		{"eID signature certificate on belgium.be",
			levels.Request{Application: "Belcotax-on-web", Portal: levels.PortalBelgium, Roles: am, Key: keySig},
			want{false, "", []string{"11:deny"}}},
		{"eID signature certificate on eHealth: art. 11 keeps it off every portal",
			levels.Request{Application: "eHealth box", Roles: manager(levels.RoleEHealthHabilitated), Key: keySig},
			want{false, "", []string{"11:deny"}}},
		{"eID signature certificate said to work everywhere, on eHealth",
			levels.Request{Application: "MyINAMI", Roles: manager(levels.RoleEHealthHabilitated),
				Key: levels.PresentedKey{Type: "eid-signature", Level: levels.Column3, EIDSignature: true, State: levels.KeyActive}},
			want{false, "", []string{"3.3.c:grant", "11:deny", "3.3.d:grant"}}},
		// art. 3.4
		{"eID signature certificate over (S)FTP",
			levels.Request{Application: "Dimona", Channel: levels.ChannelFTP, Roles: am, Key: withCert(keySig, goodCert)},
			want{true, "3.4/1", []string{"3.4:grant", "11:grant", "7:grant"}}},
		{"qualified certificate over MQSeries by a designated user",
			levels.Request{Application: "DRS - Déclarations de risques sociaux", Channel: levels.ChannelMQSeries, Roles: dRoles, DesignatedBy: dNothing, Key: keyX509},
			want{true, "3.4/6", []string{"3.4:grant"}}},
		{"username and password over (S)FTP",
			levels.Request{Application: "DmfA", Channel: levels.ChannelFTP, Roles: am, Key: keyPassword},
			want{false, "", []string{"5 bis:deny", "3.4:deny"}}},
		{"future key over (S)FTP without a certificate",
			levels.Request{Application: "Dimona", Channel: levels.ChannelFTP, Roles: am, Key: keyFTPNoCert},
			want{false, "", []string{"3.4:grant", "3.4:deny"}}},
		{"future key over (S)FTP with a validated certificate status",
			levels.Request{Application: "Dimona", Channel: levels.ChannelFTP, Roles: am, Key: withCert(keyFTPNoCert, goodCert)},
			want{true, "3.4/1", []string{"3.4:grant", "7:grant"}}},
		{"(S)FTP without a role",
			levels.Request{Application: "DmfAPPL", Channel: levels.ChannelFTP, Key: keyX509},
			want{false, "", []string{"3.4:deny"}}},
		// art. 7
		{"expired certificate",
			levels.Request{Application: "Rina", Roles: am, Key: withCert(keyX509, levels.CertificateStatus{Valid: true, Qualified: true, Expired: true})},
			want{false, "", []string{"7:deny", "3.1.e:grant"}}},
		{"revoked certificate over (S)FTP",
			levels.Request{Application: "Dimona", Channel: levels.ChannelFTP, Roles: am, Key: withCert(keyX509, levels.CertificateStatus{Valid: true, Qualified: true, Revoked: true})},
			want{false, "", []string{"7:deny"}}},
		{"certificate from a CA not on the list",
			levels.Request{Application: "Rina", Roles: am, Key: withCert(keyX509, levels.CertificateStatus{Qualified: true})},
			want{false, "", []string{"7:deny"}}},
		{"certificate neither qualified nor accepted",
			levels.Request{Application: "Rina", Roles: am, Key: withCert(keyX509, levels.CertificateStatus{Valid: true})},
			want{false, "", []string{"7:deny"}}},
		{"certificate on the accepted list",
			levels.Request{Application: "Rina", Roles: am, Key: withCert(keyX509, levels.CertificateStatus{Valid: true, Accepted: true})},
			want{true, "1.cd.column3/10", []string{"7:grant"}}},
		{"eID authentication certificate, not qualified (art. 7: the eID card)",
			levels.Request{Application: "Rina", Roles: am, Key: withCert(keyEID, levels.CertificateStatus{Valid: true, EID: true})},
			want{true, "1.cd.column3/10", []string{"7:grant"}}},
		{"eID authentication certificate, revoked",
			levels.Request{Application: "Rina", Roles: am, Key: withCert(keyEID, levels.CertificateStatus{Valid: true, EID: true, Revoked: true})},
			want{false, "", []string{"7:deny"}}},
		{"qualified certificate from a CA on neither list",
			levels.Request{Application: "Rina", Roles: am, Key: withCert(keyX509, levels.CertificateStatus{Valid: true, Qualified: true, Unlisted: true})},
			want{false, "", []string{"7:deny"}}},
		// art. 3.2
		{"belgium.be application for access managers",
			levels.Request{Application: "e-Notification", Roles: am, Key: keyPassword},
			want{true, "2.bd/4", []string{"3.2.b:grant", "3.2.f:grant"}}},
		{"Tax-on-web with a filed mandate",
			levels.Request{Application: "Tax-on-web (TOW)", Roles: dRoles, DesignatedBy: dTax, TaxOnWeb: tax, Key: keyPassword},
			want{true, "2.cd/1", []string{"3.2.c:grant", "3.2.d:grant", "3.2.f:grant"}}},
		{"Tax-on-web with a mandate not filed",
			levels.Request{Application: "Tax-on-web (TOW)", Roles: dRoles, DesignatedBy: dTax, Key: keyPassword,
				TaxOnWeb: &levels.TaxOnWeb{RepertoryNumber: "R-123", ActingFor: "client-2", Mandates: tax.Mandates}},
			want{false, "", []string{"3.2.c:deny"}}},
		{"Tax-on-web for an access manager with a filed mandate",
			levels.Request{Application: "Tax-on-web (TOW)", Roles: am, TaxOnWeb: tax, Key: keyPassword},
			want{true, "2.cd/1", []string{"3.2.c:grant", "3.2.f:grant"}}},
		{"Tax-on-web without a mandate",
			levels.Request{Application: "Tax-on-web (TOW)", Roles: am, Key: keyPassword,
				TaxOnWeb: &levels.TaxOnWeb{RepertoryNumber: "R-123", ActingFor: "client-9", Mandates: tax.Mandates}},
			want{false, "", []string{"3.2.c:deny"}}},
		{"Tax-on-web with several mandates from the mandator, one filed",
			levels.Request{Application: "Tax-on-web (TOW)", Roles: dRoles, DesignatedBy: dTax, Key: keyPassword,
				TaxOnWeb: &levels.TaxOnWeb{RepertoryNumber: "R-123", ActingFor: "client-3", Mandates: []levels.Mandate{
					{Mandator: "client-3"}, {Mandator: "client-1"}, {Mandator: "client-3", Filed: true}}}},
			want{true, "", []string{"3.2.c:grant"}}},
		{"Tax-on-web with several mandates from the mandator, none filed",
			levels.Request{Application: "Tax-on-web (TOW)", Roles: dRoles, DesignatedBy: dTax, Key: keyPassword,
				TaxOnWeb: &levels.TaxOnWeb{RepertoryNumber: "R-123", ActingFor: "client-3", Mandates: []levels.Mandate{
					{Mandator: "client-3"}, {Mandator: "client-3"}}}},
			want{false, "", []string{"3.2.c:deny"}}},
		{"Tax-on-web without the repertory number",
			levels.Request{Application: "Tax-on-web (TOW)", Roles: am, Key: keyPassword},
			want{false, "", []string{"3.2.c:deny"}}},
		{"Belcotax-on-web with itsme, no certificate held",
			levels.Request{Application: "Belcotax-on-web", Roles: am, Key: keyItsme},
			want{false, "", []string{"3.2.e:deny", "3.2.f:grant"}}},
		{"Belcotax-on-web with itsme by a certificate holder",
			levels.Request{Application: "Belcotax-on-web", Roles: am, HoldsCertificate: true, Key: keyItsme},
			want{true, "2.e/1", []string{"3.2.e:grant", "3.2.f:grant"}}},
		{"PLDA with a qualified certificate",
			levels.Request{Application: "PLDA – Paperless Douane en Accijnzen", Roles: am, Key: withCert(keyX509, goodCert)},
			want{true, "2.e/2", []string{"3.2.e:grant", "7:grant"}}},
		{"Belcotax-on-web with a certificate but a column 1 key level",
			levels.Request{Application: "Belcotax-on-web", Roles: am, HoldsCertificate: true, Key: keyPassword},
			want{false, "", []string{"3.2.f:deny"}}},
		// art. 3.3
		{"eHealth by quality, column 1",
			levels.Request{Application: "CEBAM Digital Library for Health / DCLH / EBMPRACTICENET", Roles: manager(levels.RoleEHealthProfessional), EHealthQuality: "physician", Key: keyPassword},
			want{true, "3.b.column1/2", []string{"3.3.b:grant", "3.3.d:grant"}}},
		{"eHealth professional without a quality",
			levels.Request{Application: "UPPAD", Roles: manager(levels.RoleEHealthProfessional), Key: keyEID},
			want{false, "", []string{"3.3.b:deny"}}},
		{"eHealth column 3 with a password",
			levels.Request{Application: "E-loket zorg en gezondheid", Roles: manager(levels.RoleEHealthProfessional), EHealthQuality: "nurse", Key: keyPassword},
			want{false, "", []string{"3.3.b:grant", "3.3.d:deny"}}},
		{"BHOD by an authorised user: art. 3.3.c grants where 3.3.b does not",
			levels.Request{Application: "BHOD - Honoraires de disponibilité", Roles: manager(levels.RoleEHealthHabilitated), Key: keyEID},
			want{true, "3.c/19", []string{"3.3.c:grant", "3.3.d:grant"}}},
		{"eHealth application for an enterprise access manager",
			levels.Request{Application: "MyINAMI", Roles: am, Key: keyEID},
			want{false, "", []string{"3.3.c:deny"}}},
		// art. 5, 5 bis
		{"password to change at first use",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am, Key: withState(keyPassword, levels.KeyMustChange)},
			want{false, "", []string{"5:deny", "3.1.e:grant"}}},
		{"lost key",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am, Key: withState(keyTOTP, levels.KeyDeactivated)},
			want{false, "", []string{"5 bis:deny"}}},
		{"locked key",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am, Key: withState(keyTOTP, levels.KeyBlocked)},
			want{false, "", []string{"5 bis:deny"}}},
		{"someone else's key",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am, User: "alice", Key: func() levels.PresentedKey { k := keyTOTP; k.Holder = "bob"; return k }()},
			want{false, "", []string{"5 bis:deny"}}},
		{"one's own key",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am, User: "alice", Key: func() levels.PresentedKey { k := keyTOTP; k.Holder = "alice"; return k }()},
			want{true, "", nil}},
		// art. 2
		{"enterprise with one main access manager",
			levels.Request{Application: "Dimona (sécurisé)", User: "b", Roles: am, Key: keyPassword,
				Enterprise: &levels.Enterprise{Managers: []levels.Manager{{"a", levels.RoleMainAccessManager}, {"b", levels.RoleAccessManager}}}},
			want{true, "", []string{"2:grant", "3.1.c:grant"}}},
		{"enterprise with two main access managers",
			levels.Request{Application: "Dimona (sécurisé)", User: "b", Roles: am, Key: keyPassword,
				Enterprise: &levels.Enterprise{Managers: []levels.Manager{{"a", levels.RoleMainAccessManager}, {"b", levels.RoleMainAccessManager}}}},
			want{false, "1.cd.column1/2", []string{"2:deny", "3.1.c:grant"}}},
		{"enterprise without a main access manager",
			levels.Request{Application: "Dimona (sécurisé)", User: "b", Roles: am, Key: keyPassword,
				Enterprise: &levels.Enterprise{Managers: []levels.Manager{{"b", levels.RoleAccessManager}}}},
			want{false, "", []string{"2:deny"}}},
		// claims checked against the enterprise (arts. 2, 2 bis, 3.1.d)
		{"claims main access manager while the enterprise names another",
			levels.Request{Application: "Dimona (sécurisé)", User: "bob", Roles: manager(levels.RoleMainAccessManager), Key: keyPassword, Enterprise: acme},
			want{false, "", []string{"2:deny"}}},
		{"the enterprise's main access manager",
			levels.Request{Application: "Dimona (sécurisé)", User: "ann", Roles: manager(levels.RoleMainAccessManager), Key: keyPassword, Enterprise: acme},
			want{true, "", []string{"2:grant"}}},
		{"co-main access manager acting as access manager",
			levels.Request{Application: "Dimona (sécurisé)", User: "cas", Roles: am, Key: keyPassword, Enterprise: acme},
			want{true, "", []string{"2 bis:grant"}}},
		{"claims access manager, not among the enterprise's managers",
			levels.Request{Application: "Dimona (sécurisé)", User: "zoe", Roles: am, Key: keyPassword, Enterprise: acme},
			want{false, "", []string{"2 bis:deny"}}},
		{"claims a manager role without naming the user",
			levels.Request{Application: "Dimona (sécurisé)", Roles: am, Key: keyPassword, Enterprise: acme},
			want{false, "", []string{"2 bis:deny"}}},
		{"claims curator, listed as access manager",
			levels.Request{Application: "eCUR", User: "bob", Roles: manager(levels.RoleCurator), Key: keyTOTP, Enterprise: acme},
			want{false, "", []string{"2 bis:deny"}}},
		{"designated by one of the enterprise's managers",
			levels.Request{Application: "Dimona (sécurisé)", User: "dan", Roles: dRoles, DesignatedBy: byBob, Key: keyPassword, Enterprise: acme},
			want{true, "", []string{"2 bis:grant", "3.1.d:grant"}}},
		{"designated by someone not among the enterprise's managers",
			levels.Request{Application: "Dimona (sécurisé)", User: "dan", Roles: dRoles, DesignatedBy: byMallory, Key: keyPassword, Enterprise: acme},
			want{false, "", []string{"3.1.d:deny"}}},
		{"designating manager credited with roles the enterprise does not give",
			levels.Request{Application: "Dimona (sécurisé)", User: "dan", Roles: dRoles, DesignatedBy: byBobAsMain, Key: keyPassword, Enterprise: acme},
			want{false, "", []string{"3.1.d:deny"}}},
		{"designating manager not named",
			levels.Request{Application: "Dimona (sécurisé)", User: "dan", Roles: dRoles, DesignatedBy: dDimona, Key: keyPassword, Enterprise: acme},
			want{false, "", []string{"3.1.d:deny"}}},
		// catalog
		{"a future key at column 2 on every channel",
			levels.Request{Application: "Publiato", Roles: am, Key: levels.PresentedKey{Type: "future-token", Level: levels.Column2, State: levels.KeyActive}},
			want{true, "1.cd.column1/20", []string{"3.1.e:grant"}}},
	}
	var reused levels.Decision // DecideInto must give the same decisions
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := levels.Decide(tt.req)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if err := levels.DecideInto(&reused, &tt.req); err != nil {
				t.Fatalf("DecideInto: %v", err)
			}
			if reused.Allowed != d.Allowed || reused.Application != d.Application || reused.Entry != d.Entry ||
				!slices.Equal(reused.Reasons, d.Reasons) {
				t.Errorf("DecideInto gave %+v, Decide %+v", reused, d)
			}
			var got []string
			denies := 0
			for _, r := range d.Reasons {
				if r.Article == "" || r.Message == "" || (r.Effect != levels.Grant && r.Effect != levels.Deny) {
					t.Errorf("incomplete reason %+v", r)
				}
				if r.Effect == levels.Deny {
					denies++
				}
				got = append(got, r.Article+":"+r.Effect.String())
			}
			if d.Allowed != tt.want.allowed {
				t.Errorf("Allowed = %v, want %v; reasons:\n%s", d.Allowed, tt.want.allowed, reasonsText(d))
			}
			if d.Allowed != (denies == 0) {
				t.Errorf("Allowed = %v with %d denying reasons:\n%s", d.Allowed, denies, reasonsText(d))
			}
			if tt.want.entry != "" && d.Entry != tt.want.entry {
				t.Errorf("Entry = %q, want %q", d.Entry, tt.want.entry)
			}
			for _, w := range tt.want.reasons {
				if !slices.Contains(got, w) {
					t.Errorf("reason %s missing; reasons:\n%s", w, reasonsText(d))
				}
			}
		})
	}
}

// TestDecideErrors checks the requests Decide cannot decide on: each is a
// *RequestError naming the field and wrapping its sentinel, with a denied
// decision (zero values never grant; an unknown application is a bad
// request, not a denial).
func TestDecideErrors(t *testing.T) {
	am := manager(levels.RoleAccessManager)
	tests := []struct {
		name  string
		req   levels.Request
		field string
		want  any // see isProblem
	}{
		{"unknown application", levels.Request{Application: "No such thing", Roles: am, Key: keyTOTP},
			"application", levels.ErrUnknownApplication},
		{"application of another portal", levels.Request{Application: "eHealth box", Portal: levels.PortalBelgium, Roles: am, Key: keyTOTP},
			"application", levels.ErrUnknownApplication},
		{"portal application over (S)FTP", levels.Request{Application: "Dimona (sécurisé)", Channel: levels.ChannelFTP, Roles: am, Key: keyX509},
			"application", levels.ErrUnknownApplication},
		{"key without a state", levels.Request{Application: "Dimona (sécurisé)", Roles: am,
			Key: levels.PresentedKey{Type: "totp-app", Level: levels.Column3}}, "key.state", levels.ErrUnknownKeyState},
		{"key state out of range", levels.Request{Application: "Dimona (sécurisé)", Roles: am,
			Key: withState(keyTOTP, levels.KeyState(9))}, "key.state", levels.ErrUnknownKeyState},
		{"manager without a role", levels.Request{Application: "Dimona (sécurisé)", User: "a", Roles: manager(levels.RoleMainAccessManager), Key: keyTOTP,
			Enterprise: &levels.Enterprise{Managers: []levels.Manager{{User: "a"}}}}, "enterprise.managers[0].role", "unknown role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := levels.Decide(tt.req)
			var re *levels.RequestError
			if !errorsAs(err, &re) || !isProblem(err, tt.want) || re.Field != tt.field {
				t.Fatalf("Decide() error = %v, want *RequestError on %s with %v", err, tt.field, tt.want)
			}
			if d.Allowed {
				t.Fatalf("decision allowed with error %v", err)
			}
			var d2 levels.Decision
			if err2 := levels.DecideInto(&d2, &tt.req); err2 == nil || err2.Error() != err.Error() || d2.Allowed {
				t.Fatalf("DecideInto() = %v, allowed %v; Decide() = %v", err2, d2.Allowed, err)
			}
		})
	}
	// The zero role is no role: it is never part of a set.
	if levels.RolesOf(levels.Role(0)) != 0 || levels.RolesOf(levels.RoleUnknown).Has(levels.RoleUnknown) {
		t.Fatal("the zero Role entered a Roles set")
	}
}

func reasonsText(d levels.Decision) string {
	var b strings.Builder
	for _, r := range d.Reasons {
		b.WriteString("\t" + r.String() + "\n")
	}
	return b.String()
}

// TestDecideMatchesUnlockedBy checks, for every catalog entry and key, that
// an access manager with every role is allowed exactly where UnlockedBy
// says the key unlocks the entry: the two views of the key rules agree.
func TestDecideMatchesUnlockedBy(t *testing.T) {
	all := levels.RolesOf(levels.RoleMainAccessManager, levels.RoleCurator,
		levels.RoleEHealthProfessional, levels.RoleEHealthHabilitated)
	keys := []levels.PresentedKey{{}, keyPassword, keyToken, keyTOTP, keyEID, keySig, keyX509, keyFTPNoCert,
		{Type: "future", Level: levels.Column2, Channels: allChannels, State: levels.KeyActive}}
	entries := append(levels.Catalog(), levels.Transfers()...)
	for _, k := range keys {
		unlocked := map[string]bool{}
		for _, a := range levels.UnlockedBy(k) {
			unlocked[a.ID] = true
		}
		for _, a := range entries {
			req := levels.Request{Application: a.Name, Portal: a.Portal, Roles: all, EHealthQuality: "physician",
				HoldsCertificate: true, Key: k,
				TaxOnWeb: &levels.TaxOnWeb{RepertoryNumber: "R", ActingFor: "m", Mandates: []levels.Mandate{{"m", true}}}}
			if a.Channels != nil {
				req.Channel = a.Channels[0]
			}
			d, err := levels.Decide(req)
			if err != nil {
				t.Fatalf("%s: %v", a.ID, err)
			}
			// The decision may be granted by another entry of the same name.
			if d.Entry == a.ID && d.Allowed != unlocked[a.ID] {
				t.Errorf("key %q, %s %q: Decide allowed=%v, UnlockedBy=%v\n%s", k.Type, a.ID, a.Name, d.Allowed, unlocked[a.ID], reasonsText(d))
			}
			if !d.Allowed && unlocked[a.ID] {
				t.Errorf("key %q, %s %q: denied though unlocked\n%s", k.Type, a.ID, a.Name, reasonsText(d))
			}
		}
	}
}

// TestDecideAllocs checks the allocation budget of a decision: the
// reasons only for Decide (the target is at most 2), nothing for
// DecideInto once its Decision has storage for the reasons.
func TestDecideAllocs(t *testing.T) {
	var d levels.Decision
	for _, bc := range benchRequests() {
		if _, err := levels.Decide(bc.req); err != nil {
			t.Fatalf("%s: %v", bc.name, err)
		}
		if n := testing.AllocsPerRun(100, func() { levels.Decide(bc.req) }); n > 1 {
			t.Errorf("%s: Decide allocates %.0f times, want at most 1", bc.name, n)
		}
		if n := testing.AllocsPerRun(100, func() { levels.DecideInto(&d, &bc.req) }); n != 0 {
			t.Errorf("%s: DecideInto allocates %.0f times, want 0", bc.name, n)
		}
	}
}

type benchCase struct {
	name string
	req  levels.Request
}

func benchRequests() []benchCase {
	r, dg := designated(levels.RolesOf(levels.RoleAccessManager), "Consultation de la e-Box", "Dimona (sécurisé)", "Limosa - Meldingsplicht")
	return []benchCase{
		{"designated-allowed", levels.Request{Application: "Dimona (sécurisé)", Portal: levels.PortalSocialSecurity,
			Roles: r, DesignatedBy: dg, Key: keyTOTP}},
		{"manager-denied", levels.Request{Application: "Gestion et historique des mandats de sécurité sociale (Mahis)",
			Roles: levels.RolesOf(levels.RoleAccessManager), Key: keyPassword}},
		{"ftp-certificate", levels.Request{Application: "Déclarations Dimona", Channel: levels.ChannelFTP,
			Roles: levels.RolesOf(levels.RoleMainAccessManager), Key: withCert(keySig, goodCert)}},
		{"two-entries-denied", levels.Request{Application: "Identification des employeurs (WIDE)", Key: keyPassword}},
		{"enterprise-checked", levels.Request{Application: "Dimona (sécurisé)", User: "ann", Roles: levels.RolesOf(levels.RoleMainAccessManager),
			Enterprise: &levels.Enterprise{Managers: []levels.Manager{{User: "ann", Role: levels.RoleMainAccessManager}}}, Key: keyTOTP}},
	}
}

func BenchmarkDecide(b *testing.B) {
	for _, bc := range benchRequests() {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				levels.Decide(bc.req)
			}
		})
	}
}

// BenchmarkDecideInto runs the cases of BenchmarkDecide reusing one
// Decision: compare the two side by side in one run.
func BenchmarkDecideInto(b *testing.B) {
	for _, bc := range benchRequests() {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var d levels.Decision
			for b.Loop() {
				levels.DecideInto(&d, &bc.req)
			}
		})
	}
}

func TestEnterpriseValidate(t *testing.T) {
	m := func(u string, r levels.Role) levels.Manager { return levels.Manager{User: u, Role: r} }
	tests := []struct {
		name     string
		managers []levels.Manager
		want     string // a fragment of the message; "" for no error
	}{
		{"one main", []levels.Manager{m("a", levels.RoleMainAccessManager), m("b", levels.RoleCoMainAccessManager), m("c", levels.RoleAccessManager), m("d", levels.RoleCurator)}, ""},
		{"none", []levels.Manager{m("b", levels.RoleCoMainAccessManager)}, "no main access manager"},
		{"empty", nil, "no main access manager"},
		{"two", []levels.Manager{m("a", levels.RoleMainAccessManager), m("b", levels.RoleMainAccessManager)}, "more than one main access manager"},
		{"designated user as manager", []levels.Manager{m("a", levels.RoleMainAccessManager), m("b", levels.RoleDesignatedUser)}, "not a manager role"},
		{"same user twice", []levels.Manager{m("a", levels.RoleMainAccessManager), m("a", levels.RoleAccessManager)}, "user listed twice"},
		{"entry without a role", []levels.Manager{{User: "a"}}, "unknown role"},
		{"main plus an entry without a role", []levels.Manager{m("a", levels.RoleMainAccessManager), {User: "b"}}, "unknown role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := levels.Enterprise{ID: "0123.456.789", Managers: tt.managers}
			err := e.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var se *levels.SetupError
			if !errorsAs(err, &se) || !isProblem(err, tt.want) {
				t.Fatalf("Validate() = %v, want *SetupError: %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "levels: ") || !strings.Contains(err.Error(), "0123.456.789") {
				t.Errorf("message %q should start with levels: and name the enterprise", err)
			}
		})
	}
}
