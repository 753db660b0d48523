package levels_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/csam-go/csam/levels"
)

func ExampleLevel_Suffices() {
	// A level suffices, and so does every higher one (art. 3.1.e).
	fmt.Println(levels.Column3.Suffices(levels.Column1))
	fmt.Println(levels.Column1.Suffices(levels.Column3))
	// Output:
	// true
	// false
}

func ExampleLookup() {
	// The same application can be listed for several audiences.
	for _, a := range levels.Lookup("Identification des employeurs (WIDE)", levels.PortalSocialSecurity, levels.ChannelPortal) {
		fmt.Println(a.ID, a.Articles, a.Requirement)
	}
	// Output:
	// 1.b/2 [3.1.b] column1
	// 1.cd.column1/12 [3.1.c 3.1.d] column1
}

func ExampleForLevel() {
	// What a key of each level unlocks by its level alone.
	for _, l := range []levels.Level{levels.None, levels.Column1, levels.Column2, levels.Column3} {
		fmt.Printf("%s: %d of %d\n", l, len(levels.ForLevel(l)), len(levels.Catalog()))
	}
	// Output:
	// none: 11 of 132
	// column1: 45 of 132
	// column2: 45 of 132
	// column3: 132 of 132
}

func ExampleDecide() {
	d, err := levels.Decide(levels.Request{
		Application: "Dimona (sécurisé)",
		Portal:      levels.PortalSocialSecurity,
		Roles:       levels.RolesOf(levels.RoleDesignatedUser),
		DesignatedBy: &levels.Designation{
			Roles:      levels.RolesOf(levels.RoleAccessManager),
			Authorised: []string{"Dimona (sécurisé)"},
		},
		Key: levels.PresentedKey{Type: "password", Level: levels.Column1, State: levels.KeyActive},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("allowed:", d.Allowed)
	for _, r := range d.Reasons {
		fmt.Println(r)
	}
	// Output:
	// allowed: true
	// art. 3.1.d: authorised by the designating access manager (grant)
	// art. 3.1.d: within the designating manager's own access (grant)
	// art. 3.1.e: key level column1 suffices for the required column1 (a level suffices, and so does every higher one) (grant)
}

func ExampleDecide_eIDSignature() {
	// Art. 11: the eID signature certificate reaches no portal application
	// but the access request form; art. 3.4 admits it over (S)FTP.
	sig := levels.PresentedKey{Type: "eid-signature", Level: levels.Column3, EIDSignature: true,
		Channels: []levels.Channel{levels.ChannelFTP, levels.ChannelMQSeries}, State: levels.KeyActive}
	manager := levels.RolesOf(levels.RoleMainAccessManager)
	for _, req := range []levels.Request{
		{Application: "Dimona (sécurisé)", Roles: manager, Key: sig},
		{Application: "Dimona", Channel: levels.ChannelFTP, Roles: manager, Key: sig},
	} {
		d, err := levels.Decide(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.Application, req.Channel, "allowed:", d.Allowed)
		for _, r := range d.Reasons {
			if r.Article == "11" {
				fmt.Println(" ", r)
			}
		}
	}
	// Output:
	// Dimona (sécurisé) portal allowed: false
	//   art. 11: for now the eID signature certificate may be used only over (S)FTP, MQSeries or other accepted channels, not on the portals (deny)
	// Déclarations Dimona ftp allowed: true
	//   art. 11: the eID signature certificate may be used over (S)FTP, MQSeries and other accepted channels (grant)
}

func ExampleDecodeRequest() {
	in := `{"application": "Mandats Citoyen", "roles": ["access-manager"],
	        "key": {"type": "password", "level": "column1"}}`
	req, err := levels.DecodeRequest(strings.NewReader(in), levels.DecodeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := levels.Decide(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("allowed:", d.Allowed)
	for _, r := range d.Reasons {
		if r.Effect == levels.Deny {
			fmt.Println(r)
		}
	}

	_, err = levels.DecodeRequest(strings.NewReader(`{"application": "eCUR", "roles": ["boss"]}`), levels.DecodeOptions{})
	fmt.Println(err)
	// Output:
	// allowed: false
	// art. 3.1.e: key level column1 is insufficient: the application requires column3 or higher (deny)
	// levels: request field roles[0]: unknown role "boss" (want one of main-access-manager, co-main-access-manager, access-manager, curator, designated-user, ehealth-professional, ehealth-habilitated)
}

func ExampleEnterprise_Validate() {
	e := levels.Enterprise{ID: "0123.456.789", Managers: []levels.Manager{
		{User: "ann", Role: levels.RoleMainAccessManager},
		{User: "bert", Role: levels.RoleMainAccessManager},
	}}
	fmt.Println(e.Validate())

	// The zero Role is no role: an entry without one is refused.
	e.Managers = []levels.Manager{{User: "ann", Role: levels.RoleMainAccessManager}, {User: "carl"}}
	fmt.Println(e.Validate())
	// Output:
	// levels: more than one main access manager (art. 2) in enterprise "0123.456.789": ann, bert
	// levels: unknown role unknown for user "carl" in enterprise "0123.456.789" (managers[1])
}

// An application that is not in the catalog is a bad request, not a
// denial: a service answers it with 400.
func ExampleDecide_unknownApplication() {
	_, err := levels.Decide(levels.Request{Application: "No such application",
		Key: levels.PresentedKey{Type: "password", Level: levels.Column1, State: levels.KeyActive}})
	fmt.Println(errors.Is(err, levels.ErrUnknownApplication))
	fmt.Println(err)
	// Output:
	// true
	// levels: request field application: unknown application "No such application"
}

// DecideInto reuses one Decision for many requests, as a service's handler
// loop would, and allocates nothing once the reasons have storage.
func ExampleDecideInto() {
	reqs := []levels.Request{
		{Application: "Limosa - Meldingsplicht", Roles: levels.RolesOf(levels.RoleMainAccessManager),
			Key: levels.PresentedKey{Type: "password", Level: levels.Column1, State: levels.KeyActive}},
		{Application: "Flexi at work", Roles: levels.RolesOf(levels.RoleMainAccessManager),
			Key: levels.PresentedKey{Type: "password", Level: levels.Column1, State: levels.KeyActive}},
	}
	var d levels.Decision
	for i := range reqs {
		if err := levels.DecideInto(&d, &reqs[i]); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.Application, d.Allowed, len(d.Reasons))
	}
	// Output:
	// Limosa - Meldingsplicht true 2
	// Flexi at work false 2
}
