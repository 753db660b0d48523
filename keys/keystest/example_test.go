package keystest_test

import (
	"fmt"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/keys/keystest"
	"github.com/csam-go/csam/levels"
)

// Check returns every conformance failure of a key type; TestKeyType
// reports them as subtests of an integrator's own test.
func ExampleCheck() {
	reg := keys.NewRegistry()
	passkey := keys.KeyType{
		ID:      "passkey",
		Names:   keys.Names{EN: "Passkey"},
		Level:   levels.Column3,
		EIDAS:   keys.EIDASSubstantial,
		Factors: []keys.Factor{"passkey-device", "pin"},
	}
	if err := reg.Register(passkey); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(keystest.Check(reg, passkey))

	weak := keys.KeyType{
		ID:      "weak",
		Names:   keys.Names{EN: "Weak"},
		Level:   levels.Column3,
		EIDAS:   keys.EIDASLow,
		Factors: []keys.Factor{keys.FactorUsername, keys.FactorPassword},
	}
	fmt.Println(keystest.Check(nil, weak))
	// Output:
	// <nil>
	// keystest: levels: level column3 with eIDAS low: column 3 keys are substantial or high
	// keystest: levels: level column3 for a key of only [username password]: username and password are column 1
}
