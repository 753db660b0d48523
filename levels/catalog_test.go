package levels_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/levels"
)

// annexGroup is one group of the annex tables as read by hand from the
// règlement of 26 March 2025 (see the notes on levels for the jumbled
// tables): the audience heading, the requirement of its "Oui/Non" cells,
// and its applications in printed order.
type annexGroup struct {
	id       string
	portal   levels.Portal
	articles []string
	req      levels.Level
	heading  string // the group's heading in the annex ("" continues the previous one)
	apps     []string
}

var (
	ss = levels.PortalSocialSecurity
	be = levels.PortalBelgium
	eh = levels.PortalEHealth
)

// annexGroups is the expected catalog, row by row.
var annexGroups = []annexGroup{
	{"1.a", ss, []string{"3.1.a"}, levels.None, "comme décrit à l’article 3.1.a", []string{
		"Dimona (non sécurisée)", "Déclarations de travaux", "Formulaire électronique de demande d’accès",
		"Consultation publique du répertoire des employeurs", "Identification des employeurs (WIDE) - non sécurisé",
		"Obligation de retenue", "Plan de paiement amiable",
	}},
	{"1.b", ss, []string{"3.1.b"}, levels.Column1, "comme décrit à l’article 3.1.b", []string{
		"eCUR", "Identification des employeurs (WIDE)",
	}},
	{"1.cd.column1", ss, []string{"3.1.c", "3.1.d"}, levels.Column1, "comme décrit aux articles 3.1.c et 3.1.d", []string{
		"Consultation de la e-Box", "Dimona (sécurisé)", "DmfA - déclaration multifonctionnelle",
		"DmfA pour les administrations provinciales et locales", "DRS - Déclaration risques sociaux (introduire et modifier)",
		"Consultation sécurisée du répertoire des employeurs", "Consultation fichier de vacances", "Limosa - Meldingsplicht",
		"Gestion des accès pour les entreprises et organisations",
		// the table continues on the next page under the same heading
		"Ecaro", "Trillium", "Identification des employeurs (WIDE)", "Capelo - Compléments au Dossier de carrière",
		"Capelo - Données Historiques", "Student@Work", "DestHa - Gestion règles d’expédition du destinataire habilité",
		"Consultation factures employeurs", "Checkinatwork", "Horeca@work", "Publiato", "Déclaration de travaux - FRONTEND",
		"Obligation de retenue", "FollowIt",
	}},
	{"1.cd.column3", ss, []string{"3.1.c", "3.1.d"}, levels.Column3, "", []string{
		"Gestion et historique des mandats de sécurité sociale (Mahis)", "DB2P", "Mandataires publics",
		"Travailler à l’étranger", "modification d’une déclaration à l’ONSS (DMFA)", "modification d’une déclaration DmfAPPL",
		"S’enregistrer sur le Portail (sécurisé)", "Travailler à l’étranger - Indépendants", "Green@Work", "Rina",
		"BelgianIDpro", "Dispense cotisations sociales travailleurs indépendants", "ContactData", "CareerPro Documents",
		"Chômage temporaire et livre de validation", "Dossier interruption de carrière et crédit-temps",
		// single-row groups, each printed with its own cell
		"Travail associatif", "Working in the Arts – Indemnité des arts en amateurs", "Check In and Out at Work",
		"Chaman : gestion des canaux techniques", "CareerPro Federal Learning Account", "Flexi at work", "Mandats Citoyen",
	}},
	{"2.a", be, []string{"3.2.a"}, levels.None, "ANNEXE 2 - Applications via le site-portail de l’autorité fédérale", []string{
		"Consultation d’informations auprès des entreprises",
	}},
	{"2.bd", be, []string{"3.2.b", "3.2.d"}, levels.Column1, "comme décrit dans les articles 3.2.b et 3.2.d", []string{
		"Consultation des données de mon entreprise", "Enquête de mobilité domicile - travail", "Vigilis (e-guichet)",
		"e-Notification", "La Déclaration unique pour les starters (DEUS)",
	}},
	{"2.cd", be, []string{"3.2.c", "3.2.d"}, levels.Column1, "comme décrit dans les articles 3.2.c et 3.2.d", []string{
		"Tax-on-web (TOW)", "Consultation de la déclaration Tax-on-web",
	}},
	{"2.e", be, []string{"3.2.e"}, levels.Column3, "comme décrit à l’article 3.2.e", []string{
		"Belcotax-on-web", "PLDA – Paperless Douane en Accijnzen",
	}},
	{"3.a", eh, []string{"3.3.a"}, levels.None, "comme décrit à l’article 3.3.a", []string{
		"Source authentique dispositifs médicaux implantables", "Pharma formulary", "Healthdata.be Data Reporting",
	}},
	{"3.b.column1", eh, []string{"3.3.b"}, levels.Column1, "comme décrit à l’article 3.3.b", []string{
		"BHOD - Honoraires de disponibilité", "CEBAM Digital Library for Health / DCLH / EBMPRACTICENET",
	}},
	{"3.b.column3", eh, []string{"3.3.b"}, levels.Column3, "", []string{
		"E-loket zorg en gezondheid", "WebWachtMailer",
		"eHealth Web Application for File Exchange for Batch applications (WebFX)",
		"eTCT - Feed-back aux hôpitaux sur leurs prestations de soins et sur leur coût", "UPPAD",
		"BINC (Begeleiding in Cijfers) - Système d’enregistrement en ligne dédié aux établissements privés du secteur de l’aide spéciale à la jeunesse",
		"Platform Welzijn en Gezondheid",
		"Interface for communication on experiments between sponsors, ethics committees and the competent authority (ICE-SEC)",
	}},
	{"3.c", eh, []string{"3.3.c"}, levels.Column3, "comme décrit à l’article 3.3.c", []string{
		"Système électronique d’échange de données pour la Vlaams Agentschap Zorg & Gezondheid (VESTA)",
		"Enregistrement du cancer", "Cellule technique via le web (eTCT)", "Notification électronique de naissance (eBirth)",
		"Consultation assurabilité d’une personne", "Envoyer des factures tiers payant", "eBox Update Info",
		"Project on Cancer of the Rectum, application en ligne pour l’enregistrement du cancer du rectum (PROCARE DATA ENTRY)",
		"Medic-e intern - Alimentation et consultation électroniques des évaluations de personnes handicapées",
		"Tool for Administrative Reimbursment Drugs Information Sharing (TARDIS)", "ODEA",
		// second table of art. 3.3.c
		"ORTHOpedic Prosthesis Identification Data - Electronic Registry - ORTHOpride®",
		"Project on cancer of the rectum - Central Image Repository (PROCARE RX)",
		"Qermid(c)Pacemakers-Quality Electronic Registration of Medical Implant Devices", "SMUREG",
		"Flux Médico-Administratifs - Infirmier à domicile (MEDADM-INF)", "ZNA - Zorgportaal – Sarai",
		"Enregistrement des projets thérapeutiques (TherPro – PatientRegistration)", "BHOD - Honoraires de disponibilité",
		"QermidDefibrilateur-Quality Electronic Registration of Medical Implant Devices", "eHealth box",
		"QermidEndoprothèses-Quality Electronic Registration of Medical Implant Devices",
		"QermidPacemakers-Quality Electronic Registration of Medical Implant Devices",
		"QermidTuteurs Coronaires-Quality Electronic Registration of Medical Implant Devices",
		"Module d'enregistrement de la tumorothèque virtuelle belge", "Catalogue de la Tumorothèque Virtuelle Belge",
		"CIVARS – Chapter IV Agreement Requesting System", "Web Application Metahub", "consultation de la carte médicale",
		"TDI - Module d’enregistrement Treatment Demand Indicator",
		"eShop - Commande en ligne des attestations de soins (Medattest)",
		"BNMDR - Belgian NeuroMuscular Disease Registry", "eHealthConsent", "Moduledatabank Jeugdhulp Vlaanderen",
		"Source authentique médicaments", "Insisto - système informatique Passerelle intersectorielle",
		"Consultation du droit DMG", "PCR Prescription validation", "DOMINO",
		// third table of art. 3.3.c
		"Registre central de traçabilité", "eTarif", "eHealth box", "Statistiek Jongerenwelzijn",
		"GKB2.0 - fichier de clients commun", "PARIS (Prescription & Autorisation Requesting Information System)",
		"BelRAI", "eHealth API portal", "eHealthCreaBis", "BelRAI Vlaanderen",
		"Corona Vaccination - Application de déclaration des patients atteints d’une maladie rare/complexe",
		"Corona Test prescription & Consultation", "MyINAMI", "Heracles", "MediPrima",
	}},
}

// transferApps are the declarations of art. 3.4, as its text names them.
var transferApps = []string{
	"Déclarations Dimona", "Déclarations DmfA – Déclaration multifonctionnelle",
	"Déclarations DmfA pour les administrations provinciales et locales",
	"Modifications d’une déclaration à l’ONSS", "Modifications d’une déclaration- DmfAPPL",
	"DRS - Déclarations de risques sociaux",
}

func TestCatalogCounts(t *testing.T) {
	// Counts per group, read from the annexes: 7 public applications of
	// annex 1, 2 for curators, 23 at column 1 and 23 at column 3 for access
	// managers; annex 2: 1 + 5 + 2 + 2; annex 3: 3 public, 2 + 8 by quality,
	// 54 for authorised users.
	want := map[string]int{
		"1.a": 7, "1.b": 2, "1.cd.column1": 23, "1.cd.column3": 23,
		"2.a": 1, "2.bd": 5, "2.cd": 2, "2.e": 2,
		"3.a": 3, "3.b.column1": 2, "3.b.column3": 8, "3.c": 54,
	}
	got := map[string]int{}
	perPortal := map[levels.Portal]int{}
	for _, a := range levels.Catalog() {
		got[a.Group]++
		perPortal[a.Portal]++
	}
	for g, n := range want {
		if got[g] != n {
			t.Errorf("group %s: %d entries, want %d", g, got[g], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("catalog has groups %v, want %v", got, want)
	}
	if perPortal[ss] != 55 || perPortal[be] != 10 || perPortal[eh] != 67 {
		t.Errorf("entries per portal = %v, want 55, 10, 67", perPortal)
	}
	if n := len(levels.Catalog()); n != 132 {
		t.Errorf("len(Catalog()) = %d, want 132", n)
	}
	if n := len(levels.Transfers()); n != 6 {
		t.Errorf("len(Transfers()) = %d, want 6", n)
	}
	// The expected table of this file agrees with the counts.
	for _, g := range annexGroups {
		if len(g.apps) != want[g.id] {
			t.Errorf("test table group %s has %d rows, want %d", g.id, len(g.apps), want[g.id])
		}
	}
}

func TestCatalogRows(t *testing.T) {
	cat := levels.Catalog()
	i := 0
	for _, g := range annexGroups {
		for row, name := range g.apps {
			id := fmt.Sprintf("%s/%d", g.id, row+1)
			var a levels.Application
			if i < len(cat) {
				a = cat[i]
			}
			i++
			t.Run(id, func(t *testing.T) {
				if a.ID != id || a.Name != name || a.Portal != g.portal || a.Requirement != g.req ||
					!slices.Equal(a.Articles, g.articles) || a.Group != g.id || a.Channels != nil {
					t.Errorf("entry = %+v\nwant id %s %q portal %v articles %v requirement %v", a, id, name, g.portal, g.articles, g.req)
				}
			})
		}
	}
	if i != len(cat) {
		t.Errorf("catalog has %d entries, the table %d", len(cat), i)
	}
	for i, name := range transferApps {
		t.Run(fmt.Sprintf("3.4/%d", i+1), func(t *testing.T) {
			a := levels.Transfers()[i]
			if a.Name != name || a.Portal != levels.NoPortal || a.Requirement != levels.Column3 || !a.Certificate ||
				!slices.Equal(a.Articles, []string{"3.4"}) ||
				!slices.Equal(a.Channels, []levels.Channel{levels.ChannelFTP, levels.ChannelMQSeries}) {
				t.Errorf("entry = %+v, want %q over ftp and mqseries at column3 with a certificate", a, name)
			}
		})
	}
}

// squash removes what the PDF extraction scatters through names: white
// space (line breaks inside names), quotes and list punctuation; it folds
// the typographic apostrophe.
func squash(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune("«»“”\",;:", r):
		case r == '’':
			b.WriteRune('\'')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var cells = map[levels.Level]string{
	levels.None:    squash("Pour ces applications, aucune clé numérique n’est requise"),
	levels.Column1: "OuiOuiOui",
	levels.Column3: "NonNonOui",
}

// TestCatalogAgainstReglement reads the règlement and checks that every
// entry is printed there, in catalog order, under its group's heading; that
// each group's requirement cell follows its first application (the cell is
// top-aligned over its rows); and that every cell printed after an
// application matches that application's requirement.
func TestCatalogAgainstReglement(t *testing.T) {
	b, err := os.ReadFile(testenv.Reglement(t))
	if err != nil {
		t.Fatal(err)
	}
	text := squash(string(b))
	annexes := strings.Index(text, squash("ANNEXE 1 - Applications via le site-portail de la sécurité sociale Applications"))
	if annexes < 0 {
		annexes = strings.Index(text, squash("comme décrit à l’article 3.1.a"))
	}
	annex4 := strings.Index(text, "Annexe4")
	if annexes < 0 || annex4 < annexes {
		t.Fatalf("annexes not found in the règlement (at %d, annex 4 at %d)", annexes, annex4)
	}
	cursor := annexes
	cat := levels.Catalog()
	i := 0
	for _, g := range annexGroups {
		if g.heading != "" {
			h := strings.Index(text[cursor:], squash(g.heading))
			if h < 0 {
				t.Fatalf("heading %q of group %s not found after offset %d", g.heading, g.id, cursor)
			}
			cursor += h
		}
		for row := range g.apps {
			a := cat[i]
			i++
			n := squash(a.Name)
			at := strings.Index(text[cursor:], n)
			if at < 0 {
				t.Errorf("%s %q not found in the règlement after the previous entry", a.ID, a.Name)
				continue
			}
			cursor += at + len(n)
			if cursor > annex4 {
				t.Errorf("%s %q found only past the annexes 1-3", a.ID, a.Name)
			}
			after := text[cursor:]
			if row == 0 && !strings.HasPrefix(after, cells[a.Requirement]) {
				t.Errorf("%s %q opens its group but is not followed by the cell %q: %.40q", a.ID, a.Name, cells[a.Requirement], after)
			}
			for req, cell := range cells {
				if strings.HasPrefix(after, cell) && req != a.Requirement {
					t.Errorf("%s %q is followed by the cell %q but requires %v", a.ID, a.Name, cell, a.Requirement)
				}
			}
		}
	}
	// Art. 3.4 names its declarations in its own paragraph.
	start := strings.Index(text, squash("4. Par le biais du système de transmission de fichiers en (S)FTP"))
	end := strings.Index(text, squash("Le contenu des services et l'accès"))
	if start < 0 || end < start {
		t.Fatalf("art. 3.4 not found (%d, %d)", start, end)
	}
	para := text[start:end]
	for _, a := range levels.Transfers() {
		if !strings.Contains(para, squash(a.Name)) {
			t.Errorf("art. 3.4 does not name %q", a.Name)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name    string
		portal  levels.Portal
		channel levels.Channel
		want    []string // entry IDs
	}{
		{"Identification des employeurs (WIDE)", levels.NoPortal, levels.ChannelPortal, []string{"1.b/2", "1.cd.column1/12"}},
		{"Obligation de retenue", ss, levels.ChannelPortal, []string{"1.a/6", "1.cd.column1/22"}},
		{"BHOD - Honoraires de disponibilité", eh, levels.ChannelPortal, []string{"3.b.column1/1", "3.c/19"}},
		{"eHealth box", eh, levels.ChannelPortal, []string{"3.c/21", "3.c/42"}},
		{"eHealth box", be, levels.ChannelPortal, nil},
		{"formulaire electronique de demande d'accès", levels.NoPortal, levels.ChannelPortal, nil}, // accents are not folded
		{"Formulaire  électronique de demande d'accès", ss, levels.ChannelPortal, []string{"1.a/3"}},
		{"TOW", be, levels.ChannelPortal, nil},
		{"Tax-on-web (TOW)", be, levels.ChannelPortal, []string{"2.cd/1"}},
		{"Dimona", levels.NoPortal, levels.ChannelFTP, []string{"3.4/1"}},
		{"DRS", levels.NoPortal, levels.ChannelMQSeries, []string{"3.4/6"}},
		{"Dimona", levels.NoPortal, levels.ChannelPortal, nil},
		{"Dimona (sécurisé)", ss, levels.ChannelFTP, nil},
		{"no such application", levels.NoPortal, levels.ChannelPortal, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.portal.String()+"/"+tt.channel.String(), func(t *testing.T) {
			var got []string
			for _, a := range levels.Lookup(tt.name, tt.portal, tt.channel) {
				got = append(got, a.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Lookup = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestForLevel(t *testing.T) {
	count := func(l levels.Level) int { return len(levels.ForLevel(l)) }
	// none: 7 + 1 + 3 public entries; column 1 adds 2 + 23 + 5 + 2 + 2;
	// column 2 adds nothing (no row needs it today); column 3 unlocks all.
	if got := count(levels.None); got != 11 {
		t.Errorf("ForLevel(None) = %d entries, want 11", got)
	}
	if got := count(levels.Column1); got != 45 {
		t.Errorf("ForLevel(Column1) = %d entries, want 45", got)
	}
	if got := count(levels.Column2); got != 45 {
		t.Errorf("ForLevel(Column2) = %d entries, want 45", got)
	}
	if got := count(levels.Column3); got != 132 {
		t.Errorf("ForLevel(Column3) = %d entries, want 132", got)
	}
	for _, a := range levels.ForLevel(levels.Column1) {
		if a.Requirement > levels.Column1 {
			t.Errorf("ForLevel(Column1) holds %s requiring %v", a.ID, a.Requirement)
		}
	}
}

func TestUnlockedBy(t *testing.T) {
	portal := []levels.Channel{levels.ChannelPortal}
	transfer := []levels.Channel{levels.ChannelFTP, levels.ChannelMQSeries}
	tests := []struct {
		name      string
		key       levels.PresentedKey
		annex     int
		transfers int
		mustHave  []string
		mustLack  []string
	}{
		{"no key", levels.PresentedKey{}, 11, 0, []string{"1.a/3"}, []string{"1.b/1"}},
		{"password", levels.PresentedKey{Type: "password", Level: levels.Column1, Channels: portal}, 45, 0,
			[]string{"1.cd.column1/2", "2.cd/1"}, []string{"1.cd.column3/1", "2.e/1"}},
		{"totp-app", levels.PresentedKey{Type: "totp-app", Level: levels.Column3, Channels: portal}, 132, 0,
			[]string{"1.cd.column3/1", "3.c/54"}, []string{"3.4/1"}},
		{"x509-qualified", levels.PresentedKey{Type: "x509-qualified", Level: levels.Column3, UsesCertificate: true,
			Channels: []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries}}, 132, 6, nil, nil},
		// a future key that works over (S)FTP and MQSeries but rests on no
		// certificate: art. 3.4 asks for one, so no declaration; the
		// channels alone never make a key certificate-based.
		{"future on (S)FTP without a certificate", levels.PresentedKey{Type: "future-ftp", Level: levels.Column3,
			Channels: []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries}}, 132, 0, nil, []string{"3.4/1", "3.4/6"}},
		{"future certificate key on (S)FTP only", levels.PresentedKey{Type: "future-cert", Level: levels.Column3, UsesCertificate: true,
			Channels: transfer}, 11, 6, []string{"3.4/1", "3.4/6"}, []string{"1.cd.column1/1"}},
		// art. 11: only the public entries and the art. 3.4 channels; the
		// Formulaire needs no key at all.
		{"eid-signature", levels.PresentedKey{Type: "eid-signature", Level: levels.Column3, Channels: transfer, EIDSignature: true},
			11, 6, []string{"1.a/3", "3.4/1"}, []string{"1.cd.column1/1", "3.c/1"}},
		// the same said to work on every channel: art. 11 still keeps it
		// off every portal, eHealth included.
		{"eid-signature on every channel", levels.PresentedKey{Type: "eid-signature", Level: levels.Column3, EIDSignature: true},
			11, 6, []string{"1.a/3", "3.4/1"}, []string{"1.cd.column1/1", "3.b.column1/1", "3.c/1"}},
		// a future key at column 2 on every channel, not certificate-based:
		// what column 1 unlocks, no transfers.
		{"future column2", levels.PresentedKey{Type: "future", Level: levels.Column2, Channels: portal}, 45, 0, nil, []string{"3.4/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := map[string]bool{}
			annex, transfers := 0, 0
			for _, a := range levels.UnlockedBy(tt.key) {
				ids[a.ID] = true
				if a.Channels == nil {
					annex++
				} else {
					transfers++
				}
			}
			if annex != tt.annex || transfers != tt.transfers {
				t.Errorf("unlocks %d annex entries and %d transfers, want %d and %d", annex, transfers, tt.annex, tt.transfers)
			}
			for _, id := range tt.mustHave {
				if !ids[id] {
					t.Errorf("does not unlock %s", id)
				}
			}
			for _, id := range tt.mustLack {
				if ids[id] {
					t.Errorf("unlocks %s", id)
				}
			}
		})
	}
}

func TestCatalogIsACopy(t *testing.T) {
	c := levels.Catalog()
	c[0].Name = "changed"
	if levels.Catalog()[0].Name != "Dimona (non sécurisée)" {
		t.Error("modifying the result of Catalog changed the catalog")
	}
}
