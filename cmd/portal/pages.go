package main

import (
	"html/template"
	"net/http"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

const style = `body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #bbb;padding:2px 6px}th{background:#eee}.yes{background:#7c7;color:#000}
.no{background:#e77;color:#000}.free{background:#9cf;color:#000}td.name{text-align:left}`

var pages = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>csam portal</title><style>` + style + `</style></head><body>
<h1>csam reference portal</h1>
<ul><li><a href="/matrix">Key types × applications</a></li>
<li><a href="/applications?format=html">What this login may use</a> (log in first)</li></ul>
</body></html>`))

var appsPage = template.Must(template.New("apps").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Decisions for {{.User}}</title><style>` + style + `</style></head><body>
<h1 id="title">Decisions for {{.User}} with key {{.KeyType}}</h1>
<p id="summary">{{.Allowed}} of {{len .Apps}} applications allowed</p>
<table id="decisions"><tr><th>application</th><th>where</th><th>required</th><th>decision</th><th>reasons for a denial</th></tr>
{{range .Apps}}<tr><td class="name">{{.Application}}</td><td>{{.Where}}</td><td>{{.Required}}</td>
<td class="{{if .Allowed}}yes{{else}}no{{end}}">{{if .Allowed}}allowed{{else}}denied{{end}}</td>
<td class="name">{{range .Denials}}{{.}}<br>{{end}}</td></tr>
{{end}}</table></body></html>`))

var matrixPage = template.Must(template.New("matrix").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Key types × applications</title><style>` + style + `</style></head><body>
<h1 id="title">Key types × applications</h1>
<p>Green: the key type's level and channels suffice (arts. 3.1.e, 3.2.f, 3.3.d, 3.4, 11); red: they do not;
blue: no digital key required. Who may use an application is decided per request.</p>
<table id="matrix"><tr><th>application</th><th>where</th><th>required</th>{{range .Keys}}<th title="{{.Name}}">{{.ID}}</th>{{end}}</tr>
{{range .Rows}}<tr><td class="name">{{.Name}}</td><td>{{.Where}}</td><td>{{.Required}}</td>
{{range .Cells}}<td class="{{.}}">{{if eq . "yes"}}✓{{else if eq . "free"}}–{{else}}✗{{end}}</td>{{end}}</tr>
{{end}}</table></body></html>`))

func (s *server) index(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pages.Execute(w, nil)
}

func (s *server) renderApplications(w http.ResponseWriter, u *User, key levels.PresentedKey, views []appView) {
	n := 0
	for _, v := range views {
		if v.Allowed {
			n++
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = appsPage.Execute(w, map[string]any{"User": u.ID, "KeyType": key.Type, "Allowed": n, "Apps": views})
}

type matrixRow struct {
	Name, Where, Required string
	Cells                 []string
}

func (s *server) matrix(w http.ResponseWriter, _ *http.Request) {
	type col struct {
		ID   keys.ID
		Name string
	}
	var cols []col
	var unlocked []map[string]bool
	for _, kt := range s.reg.All() {
		cols = append(cols, col{kt.ID, kt.Names.In("en")})
		m := map[string]bool{}
		for _, a := range levels.UnlockedBy(kt.Presented()) {
			m[a.ID] = true
		}
		unlocked = append(unlocked, m)
	}
	var rows []matrixRow
	for _, a := range append(levels.Catalog(), levels.Transfers()...) {
		where := a.Portal.String()
		if a.Channels != nil {
			where = "(S)FTP, MQSeries"
		}
		r := matrixRow{Name: a.Name, Where: where, Required: a.Requirement.String()}
		for i := range cols {
			switch {
			case a.Requirement == levels.None && a.Channels == nil:
				r.Cells = append(r.Cells, "free")
			case unlocked[i][a.ID]:
				r.Cells = append(r.Cells, "yes")
			default:
				r.Cells = append(r.Cells, "no")
			}
		}
		rows = append(rows, r)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = matrixPage.Execute(w, map[string]any{"Keys": cols, "Rows": rows})
}
