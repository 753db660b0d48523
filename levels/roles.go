package levels

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Role is a user's role in the enterprise or towards eHealth, as the
// règlement's art. 2, 2 bis and 3 name them. The zero value, RoleUnknown,
// is no role: it grants nothing, and Decide and Enterprise.Validate refuse
// it with an error naming the entry.
type Role uint8

const (
	// RoleUnknown is the zero value: no role (an entry whose role was not
	// set). It is never a member of a Roles set.
	RoleUnknown Role = iota
	// RoleMainAccessManager: the enterprise's single main access manager
	// (art. 2), an access manager in the sense of art. 2 bis.
	RoleMainAccessManager
	// RoleCoMainAccessManager: a co-main access manager (art. 2 bis).
	RoleCoMainAccessManager
	// RoleAccessManager: a user designated as access manager ("gestionnaire
	// local") by the main access manager (art. 3.1.c) or by the enterprise
	// (art. 3.2.b).
	RoleAccessManager
	// RoleCurator: a curator designated as access manager (art. 3.1.b).
	RoleCurator
	// RoleDesignatedUser: a user designated by an access manager, who may use
	// what that manager authorised, never more than the manager's own access
	// (art. 3.1.d, 3.2.d). Request.DesignatedBy says by whom.
	RoleDesignatedUser
	// RoleEHealthProfessional: an eHealth user authorised according to a
	// professional quality (art. 3.3.b); Request.EHealthQuality names it.
	RoleEHealthProfessional
	// RoleEHealthHabilitated: an authorised eHealth user (art. 3.3.c).
	RoleEHealthHabilitated

	numRoles
)

var roleNames = [numRoles]string{
	"", "main-access-manager", "co-main-access-manager", "access-manager", "curator",
	"designated-user", "ehealth-professional", "ehealth-habilitated",
}

// Valid reports whether r is a role (not RoleUnknown, not out of range).
func (r Role) Valid() bool { return r > RoleUnknown && r < numRoles }

// String returns the role's name, e.g. "main-access-manager", and
// "unknown" for RoleUnknown.
func (r Role) String() string {
	if r == RoleUnknown {
		return "unknown"
	}
	if r < numRoles {
		return roleNames[r]
	}
	return fmt.Sprintf("role(%d)", uint8(r))
}

// ParseRole parses a role name as String returns it, case-insensitively;
// '_' and ' ' may stand for '-'. Other input gives a [*ParseError].
func ParseRole(s string) (Role, error) {
	t := strings.NewReplacer("_", "-", " ", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	for i, n := range roleNames {
		if n == t && i > 0 {
			return Role(i), nil
		}
	}
	return RoleUnknown, &ParseError{Kind: "role", Input: s}
}

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("levels: cannot marshal invalid role %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// isManager reports whether r is an access manager role in the sense of
// art. 2 bis (main, co-main or local), curators excluded.
func (r Role) isManager() bool {
	return r == RoleMainAccessManager || r == RoleCoMainAccessManager || r == RoleAccessManager
}

// Roles is a set of roles. It marshals to JSON as an array of role names.
// The zero value is the empty set.
type Roles uint16

// RolesOf returns the set of the given roles.
func RolesOf(rs ...Role) Roles {
	var s Roles
	for _, r := range rs {
		s = s.With(r)
	}
	return s
}

// With returns s with role r added; an invalid role (RoleUnknown or out of
// range) is not added.
func (s Roles) With(r Role) Roles {
	if !r.Valid() {
		return s
	}
	return s | 1<<r
}

// Has reports whether s holds role r.
func (s Roles) Has(r Role) bool { return r.Valid() && s&(1<<r) != 0 }

// List returns the roles of s in the order of the Role constants.
func (s Roles) List() []Role {
	var out []Role
	for r := RoleMainAccessManager; r < numRoles; r++ {
		if s.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

const managerRoles = Roles(1<<RoleMainAccessManager | 1<<RoleCoMainAccessManager | 1<<RoleAccessManager)

// manager reports whether s holds an access manager role (main, co-main or
// local; curators excluded).
func (s Roles) manager() bool { return s&managerRoles != 0 }

// MarshalJSON encodes s as an array of role names.
func (s Roles) MarshalJSON() ([]byte, error) {
	names := make([]string, 0, numRoles)
	for _, r := range s.List() {
		names = append(names, r.String())
	}
	return json.Marshal(names)
}

// UnmarshalJSON decodes an array of role names (null is the empty set).
func (s *Roles) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("levels: roles: %w", err)
	}
	var v Roles
	for _, n := range names {
		r, err := ParseRole(n)
		if err != nil {
			return err
		}
		v = v.With(r)
	}
	*s = v
	return nil
}

// Enterprise is an enterprise's set-up of access managers, as far as art. 2
// governs it.
type Enterprise struct {
	// ID identifies the enterprise (e.g. its enterprise number); optional.
	ID string `json:"id,omitempty"`
	// Managers are the enterprise's access managers and curators.
	Managers []Manager `json:"managers"`
}

// Manager is one manager of an enterprise.
type Manager struct {
	User string `json:"user"`
	Role Role   `json:"role"` // a manager role: main, co-main, access manager or curator; the zero value is no role
}

// roleOf returns the role the enterprise gives user (RoleUnknown when the
// user is not among its managers).
func (e *Enterprise) roleOf(user string) Role {
	for _, m := range e.Managers {
		if m.User == user {
			return m.Role
		}
	}
	return RoleUnknown
}

// mainManager returns the user the enterprise names main access manager,
// when it names exactly one.
func (e *Enterprise) mainManager() (string, bool) {
	user, n := "", 0
	for _, m := range e.Managers {
		if m.Role == RoleMainAccessManager {
			user = m.User
			n++
		}
	}
	return user, n == 1
}

// SetupError is returned by [Enterprise.Validate] for a set-up that art. 2
// does not allow. Index is the offending manager entry, or -1 when the
// set-up as a whole is at fault: Main then holds no user (no main access
// manager) or several (art. 2: "un seul et unique gestionnaire d'accès
// principal").
type SetupError struct {
	Enterprise string   // Enterprise.ID
	Main       []string // the users designated main access manager
	Index      int      // index in Managers of the offending entry, or -1
	Err        error    // the cause
}

// Error gives the cause, then the enterprise and the manager entry.
func (e *SetupError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Enterprise != "" {
		fmt.Fprintf(&b, " in enterprise %q", e.Enterprise)
	}
	if e.Index >= 0 {
		fmt.Fprintf(&b, " (managers[%d])", e.Index)
	}
	if len(e.Main) > 1 {
		fmt.Fprintf(&b, ": %s", strings.Join(e.Main, ", "))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *SetupError) Unwrap() error { return e.Err }

// Validate checks the set-up against art. 2: exactly one main access
// manager, every entry a manager role (main, co-main, access manager,
// curator), no user twice. It returns nil or a [*SetupError] naming the
// first entry at fault (one without a role, as the zero Role is no role;
// one whose role is not a manager role; a user listed twice), or none
// with the main access managers found when there is not exactly one.
func (e *Enterprise) Validate() error {
	var main []string
	for i, m := range e.Managers {
		if !m.Role.Valid() {
			return &SetupError{Enterprise: e.ID, Index: i, Err: fmt.Errorf("levels: unknown role %s for user %q", m.Role, m.User)}
		}
		if !m.Role.isManager() && m.Role != RoleCurator {
			return &SetupError{Enterprise: e.ID, Index: i, Err: fmt.Errorf("levels: not a manager role %q for user %q", m.Role, m.User)}
		}
		for j := range i {
			if e.Managers[j].User == m.User {
				return &SetupError{Enterprise: e.ID, Index: i, Err: fmt.Errorf("levels: user listed twice: %q", m.User)}
			}
		}
		if m.Role == RoleMainAccessManager {
			main = append(main, m.User)
		}
	}
	switch len(main) {
	case 0:
		return &SetupError{Enterprise: e.ID, Index: -1, Err: errors.New("levels: no main access manager designated (art. 2)")}
	case 1:
		return nil
	}
	return &SetupError{Enterprise: e.ID, Main: main, Index: -1, Err: errors.New("levels: more than one main access manager (art. 2)")}
}

// mainCount counts the main access managers without allocating.
func (e *Enterprise) mainCount() int {
	n := 0
	for _, m := range e.Managers {
		if m.Role == RoleMainAccessManager {
			n++
		}
	}
	return n
}
