package path

import "slices"

// The valid policy graph of RFC 9618 (which replaces the tree of RFC 5280
// section 6.1 with a graph of the same meaning and a size linear in the
// path): one node per policy and depth, with the set of its parents.
type pnode struct {
	policy   string
	expected []string
	parents  []*pnode
}

type policyGraph struct {
	levels []map[string]*pnode // levels[0] holds the anyPolicy root
}

func newPolicyGraph() *policyGraph {
	return &policyGraph{levels: []map[string]*pnode{{anyPolicy: {policy: anyPolicy, expected: []string{anyPolicy}}}}}
}

// process adds the level of a certificate with a certificatePolicies
// extension (section 6.1.3 d). anyOK says whether its anyPolicy counts.
func (g *policyGraph) process(policies []string, anyOK bool) {
	prev := g.levels[len(g.levels)-1]
	cur := map[string]*pnode{}
	hasAny := false
	for _, p := range policies {
		if p == anyPolicy {
			hasAny = true
			continue
		}
		n := &pnode{policy: p, expected: []string{p}}
		for _, q := range sortedNodes(prev) {
			if q.policy != anyPolicy && slices.Contains(q.expected, p) {
				n.parents = append(n.parents, q)
			}
		}
		if len(n.parents) == 0 {
			if a := prev[anyPolicy]; a != nil {
				n.parents = []*pnode{a}
			}
		}
		if len(n.parents) > 0 {
			cur[p] = n
		}
	}
	if hasAny && anyOK {
		fromStep1 := make(map[string]bool, len(cur))
		for p := range cur {
			fromStep1[p] = true
		}
		for _, q := range sortedNodes(prev) {
			for _, v := range q.expected {
				if fromStep1[v] {
					continue
				}
				if n := cur[v]; n != nil {
					n.parents = append(n.parents, q)
					continue
				}
				cur[v] = &pnode{policy: v, expected: []string{v}, parents: []*pnode{q}}
			}
		}
	}
	g.levels = append(g.levels, cur)
	g.prune()
}

func sortedNodes(m map[string]*pnode) []*pnode {
	out := make([]*pnode, 0, len(m))
	for _, n := range m {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b *pnode) int {
		switch {
		case a.policy < b.policy:
			return -1
		case a.policy > b.policy:
			return 1
		}
		return 0
	})
	return out
}

// prune deletes the nodes above the last level that have no child.
func (g *policyGraph) prune() {
	for l := len(g.levels) - 1; l > 0; l-- {
		alive := map[*pnode]bool{}
		for _, n := range g.levels[l] {
			for _, p := range n.parents {
				alive[p] = true
			}
		}
		for k, n := range g.levels[l-1] {
			if !alive[n] {
				delete(g.levels[l-1], k)
			}
		}
	}
}

// empty reports whether the graph is NULL.
func (g *policyGraph) empty() bool { return len(g.levels[len(g.levels)-1]) == 0 }

// mapPolicies applies a certificate's policy mappings to the last level
// (section 6.1.4 b).
func (g *policyGraph) mapPolicies(mappings [][2]string, allowed bool) {
	cur := g.levels[len(g.levels)-1]
	m := map[string][]string{}
	var order []string
	for _, pm := range mappings {
		if _, ok := m[pm[0]]; !ok {
			order = append(order, pm[0])
		}
		if !slices.Contains(m[pm[0]], pm[1]) {
			m[pm[0]] = append(m[pm[0]], pm[1])
		}
	}
	for _, p := range order {
		if !allowed {
			delete(cur, p)
			continue
		}
		if n := cur[p]; n != nil {
			n.expected = m[p]
		} else if a := cur[anyPolicy]; a != nil {
			cur[p] = &pnode{policy: p, expected: m[p], parents: a.parents}
		}
	}
	if !allowed {
		g.prune()
	}
}

// validPolicies is the user-constrained policy set (section 6.1.5 g):
// the policies of the trust anchor's domain that the path asserts, among
// initial (nil or holding anyPolicy: every policy). The result holds
// anyPolicy when the path asserts every policy and initial does too.
func (g *policyGraph) validPolicies(initial []string) []string {
	if g == nil || g.empty() {
		return nil
	}
	var auth []string
	for _, lvl := range g.levels[1:] {
		for _, n := range lvl {
			if n.policy != anyPolicy && len(n.parents) == 1 && n.parents[0].policy == anyPolicy {
				auth = append(auth, n.policy)
			}
		}
	}
	anyAll := g.levels[len(g.levels)-1][anyPolicy] != nil
	userAny := len(initial) == 0 || slices.Contains(initial, anyPolicy)
	var out []string
	for _, p := range auth {
		if (userAny || slices.Contains(initial, p)) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if anyAll {
		if userAny {
			out = append(out, anyPolicy)
		} else {
			for _, p := range initial {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}
