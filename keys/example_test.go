package keys_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

// A future key type registered at run time is usable at once according to
// its level.
func ExampleRegistry_Register() {
	reg := keys.NewRegistry()
	err := reg.Register(keys.KeyType{
		ID:      "passkey",
		Names:   keys.Names{EN: "Passkey", FR: "Clé d'accès"},
		Level:   levels.Column3,
		EIDAS:   keys.EIDASSubstantial,
		Factors: []keys.Factor{"passkey-device", "pin"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	k, _ := reg.Lookup("passkey")
	fmt.Println(k.Names.In("fr"), k.Level, k.EIDAS.URI(), k.EffectiveChannels())
	fmt.Println("suffices for a column-2 application:", k.Level.Suffices(levels.Column2))

	err = reg.Register(keys.KeyType{ID: "passkey", Names: keys.Names{EN: "Again"}, Level: levels.Column1, Factors: []keys.Factor{"x"}})
	fmt.Println(errors.Is(err, keys.ErrDuplicateID), err)
	// Output:
	// Clé d'accès column3 http://eidas.europa.eu/LoA/substantial [portal]
	// suffices for a column-2 application: true
	// true keys: definition "passkey": field "id": duplicate identifier "passkey": already registered
}

func ExampleRegistry_LoadJSON() {
	reg := keys.NewRegistry()
	kts, err := reg.LoadJSON(strings.NewReader(`[
  {"id": "hardware-token", "names": {"en": "Hardware token"}, "level": "column2",
   "fas": 300, "factors": ["username", "password", "hardware-token"]}
]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range kts {
		fmt.Println(k.ID, k.Level, k.FAS.ACR())
	}

	// A bad definition names its field and position.
	_, err = reg.LoadJSON(strings.NewReader(`[
  {"id": "face", "names": {"en": "Face"}, "level": "column4", "factors": ["camera"]}
]`))
	var de *keys.DefinitionError
	if errors.As(err, &de) {
		var pe *levels.ParseError
		fmt.Println(errors.As(err, &pe), pe.Kind, pe.Input, de.Field, de.Pos.Line, de.Pos.Column)
	}
	fmt.Println(err)
	// Output:
	// hardware-token column2 urn:be:fedict:iam:fas:Level300
	// true level column4 level 2 52
	// keys: line 2:52: definition 0 "face": field "level": unknown level "column4" (want none, column1, column2 or column3)
}

// The eID signature certificate is restricted by art. 11 to (S)FTP and
// MQSeries; an access decision sees that through Presented.
func ExampleKeyType_Presented() {
	reg := keys.NewRegistry()
	k, _ := reg.Lookup(keys.IDEIDSignature)
	p := k.Presented()
	fmt.Println(p.Type, p.Level, p.Channels, p.EIDSignature)
	// Output:
	// eid-signature column3 [ftp mqseries] true
}

func ExampleRegistry_All() {
	for _, k := range keys.NewRegistry().All() {
		fmt.Printf("%-15s %-8s %-32s %s\n", k.ID, k.Level, k.FAS.ACR(), k.EIDAS)
	}
	// Output:
	// password        column1  urn:be:fedict:iam:fas:Level200   low
	// token-password  column2                                   none
	// sms-otp         column1                                   substantial
	// totp-app        column3  urn:be:fedict:iam:fas:Level400   substantial
	// itsme           column3  urn:be:fedict:iam:fas:Level450   high
	// eid             column3  urn:be:fedict:iam:fas:Level500   high
	// eid-signature   column3                                   none
	// x509-qualified  column3                                   none
	// piv-token       column3                                   none
}

func ExampleParseFASLevel() {
	l, err := keys.ParseFASLevel("urn:be:fedict:iam:fas:citizen:Level450")
	fmt.Println(l.ACR(), err)
	_, err = keys.ParseFASLevel("Level250")
	fmt.Println(err)
	// Output:
	// urn:be:fedict:iam:fas:Level450 <nil>
	// keys: unknown FAS level "Level250" (want 100, 200, 300, 350, 400, 450, 500 or urn:be:fedict:iam:fas:LevelNNN)
}

func ExamplePasswordPolicy_Check() {
	err := keys.PasswordPolicy{}.Check("summer2025")
	fmt.Println(err)
	var pe *keys.PasswordError
	if errors.As(err, &pe) {
		fmt.Println(pe.Length, pe.Rules&keys.RuleLength != 0, pe.Rules&keys.RuleSymbol != 0, pe.Rules&keys.RuleDigit != 0)
	}
	fmt.Println(keys.PasswordPolicy{}.Check("Tr0ub4dor&3-horse!"))
	// Output:
	// keys: password rejected: fewer than 15 characters (has 10); no symbol (punctuation or other sign)
	// 10 true true false
	// <nil>
}

// The lifecycle of arts. 5 and 5 bis: a password is changed at first use,
// a blocked key is replaced by a new one.
func ExampleLifecycle() {
	now := time.Date(2025, 3, 26, 9, 0, 0, 0, time.UTC)
	lc := keys.NewLifecycle(keys.LifecycleOptions{Now: func() time.Time { return now }})
	pwd, _ := keys.NewRegistry().Lookup(keys.IDPassword)

	c := lc.Issue(pwd)
	fmt.Println(c.State, lc.Use(&c))
	fmt.Println(lc.ChangePassword(&c, "Tr0ub4dor&3-horse!"), c.State)

	_ = lc.Block(&c)
	var se *keys.StateError
	fmt.Println(errors.As(lc.ChangePassword(&c, "An0ther:Secret-Phrase"), &se), se)
	n, _ := lc.Replace(&c)
	fmt.Println(c.State, n.State, n.Generation)

	_ = lc.ChangePassword(&n, "An0ther:Secret-Phrase")
	fmt.Println(lc.Use(&n))
	now = now.Add(keys.DefaultRotationPeriod) // 90 days later
	err := lc.Use(&n)
	fmt.Println(errors.Is(err, keys.ErrMustChange), n.State)
	fmt.Println(err)
	// Output:
	// must-change keys: credential of "password": password must be changed before use (art. 5)
	// <nil> active
	// true keys: credential of "password": change-password not allowed in state blocked
	// deactivated must-change 2
	// <nil>
	// true must-change
	// keys: credential of "password": password must be changed before use (art. 5): the rotation period of 2160h0m0s has passed
}

// An integrator's flow: a future key type registered at run time, a user's
// credential of that type, and access decisions over it. The password must
// be changed at first use (art. 5) before the key opens the application its
// level suffices for.
func Example_accessDecision() {
	reg := keys.NewRegistry()
	kt := keys.KeyType{
		ID:      "hardware-token",
		Names:   keys.Names{EN: "Hardware token with username and password"},
		Level:   levels.Column2,
		Factors: []keys.Factor{keys.FactorUsername, keys.FactorPassword, "hardware-token"},
	}
	if err := reg.Register(kt); err != nil {
		fmt.Println(err)
		return
	}
	lc := keys.NewLifecycle(keys.LifecycleOptions{})
	cred := lc.Issue(kt)
	req := levels.Request{
		Application: "Consultation de la e-Box",
		Roles:       levels.RolesOf(levels.RoleAccessManager),
		Key:         cred.Presented(kt),
	}
	d, err := levels.Decide(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first use:", d.Allowed, d.Reasons[1])

	if err := lc.ChangePassword(&cred, "Vr4i-m0t-de-passe!"); err != nil {
		fmt.Println(err)
		return
	}
	req.Key = cred.Presented(kt)
	if d, err = levels.Decide(req); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after the change:", d.Allowed, d.Reasons[len(d.Reasons)-1])
	// Output:
	// first use: false art. 5: the password must be changed before use: at first use and regularly after (deny)
	// after the change: true art. 3.1.e: key level column2 suffices for the required column1 (a level suffices, and so does every higher one) (grant)
}
