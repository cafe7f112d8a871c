package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
)

// securityHeaders sets the headers every answer carries: no inline script or
// style, no framing, no sniffing, no referrer, and no caching (pages hold
// data); under TLS (secure), HTTPS only from then on (HSTS).
func securityHeaders(h http.Handler, secure bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		if secure {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

// pageData is what every page template receives.
type pageData struct {
	Title string
	Error string
	// Extra is the page's own data.
	Extra any
	// Set by render:
	Login, Profil, Structure string
	Region, Admin, Avance    bool
	CSRF                     string
	Families                 []string
	Path                     string
}

type pageTemplates struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		// Paris's day: a time stored as Unix seconds (an analysis changed, a
		// subscription taken at 00:30) is the server's zone otherwise; a
		// date at midnight UTC stays its day (Paris is ahead of UTC).
		return t.In(warehouse.Paris).Format("02/01/2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(warehouse.Paris).Format("02/01/2006 15:04")
	},
	"n":       frInt,
	"cell":    cellText,
	"label":   familyLabel,
	"gravite": graviteLabel,
	"suivi":   suiviLabel,
	"statut":  statutLabel,
	"add":     func(a, b int) int { return a + b },
	"query":   func(v url.Values) string { return v.Encode() },
	"set":     withParam,
	"itoa":    strconv.Itoa,
	"sortCols": func() [][2]string {
		return [][2]string{{"rule", "Règle"}, {"gravite", "Gravité"}, {"structure", "Structure"}, {"objet", "Objet"},
			{"dossier", "Dossier"}, {"suivi", "Suivi"}, {"lieu", "Lieu"}, {"conseiller", "Conseiller"}, {"detection", "Détecté le"}}
	},
	"sortOrder": func(q url.Values, key string) string {
		if q.Get("tri") == key && q.Get("ordre") != "desc" {
			return "desc"
		}
		return ""
	},
	"sortMark": func(q url.Values, key string) string {
		if q.Get("tri") != key {
			return ""
		}
		if q.Get("ordre") == "desc" {
			return " ▼"
		}
		return " ▲"
	},
	"chart": func(c chart) template.HTML { return c.svg() },
	// A subscription's frequency as a page says it, and the choices.
	"frequence":   accounts.FrequencyLabel,
	"frequencies": func() []string { return accounts.Frequencies },
}

func parseTemplates() (*pageTemplates, error) {
	layout, err := fs.ReadFile(assets, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(assets, "templates")
	if err != nil {
		return nil, err
	}
	pt := &pageTemplates{byName: map[string]*template.Template{}}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".html")
		if !ok || name == "layout" {
			continue
		}
		body, err := fs.ReadFile(assets, "templates/"+e.Name())
		if err != nil {
			return nil, err
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err != nil {
			return nil, fmt.Errorf("layout: %w", err)
		}
		if _, err := t.Parse(string(body)); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pt.byName[name] = t
	}
	return pt, nil
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	if p := who(r); p != nil {
		d.Login, d.Profil, d.Structure = p.acc.Login, p.acc.Profil, p.acc.CodeStructure
		d.Region, d.Admin, d.Avance = p.scope.Region(), p.acc.Profil == accounts.Admin, p.acc.Profil == accounts.Avance
		if p.session != nil {
			d.CSRF = p.session.CSRF
		}
		if p.acc.Profil != accounts.Admin {
			d.Families = controls.Families
		}
	}
	d.Path = r.URL.Path
	t, ok := s.pages.byName[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %s", name))
		return
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", d); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Log.Error("console", "path", r.URL.Path, "err", err)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSONError(w, http.StatusInternalServerError, "erreur interne : voir le journal du serveur")
		return
	}
	http.Error(w, "Erreur interne : voir le journal du serveur.", http.StatusInternalServerError)
}

// fail answers an error: JSON for the API, a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, kind routeKind, status int, msg string) {
	if kind == kindAPI || strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSONError(w, status, msg)
		return
	}
	s.render(w, r, status, "error", pageData{Title: statusTitle(status), Error: msg})
}

// statusTitle is the French title of an error page.
func statusTitle(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "Demande incorrecte"
	case http.StatusUnauthorized:
		return "Connexion requise"
	case http.StatusForbidden:
		return "Accès refusé"
	case http.StatusNotFound:
		return "Introuvable"
	case http.StatusMethodNotAllowed:
		return "Méthode non permise"
	case http.StatusGone:
		return "Fichier retiré"
	case http.StatusRequestEntityTooLarge:
		return "Demande trop volumineuse"
	case http.StatusTooManyRequests:
		return "Trop de tentatives"
	case http.StatusServiceUnavailable:
		return "Indisponible pour le moment"
	}
	return "Erreur"
}

// failData maps the data layer's errors to status codes.
func (s *Server) failData(w http.ResponseWriter, r *http.Request, err error) {
	var bad *data.BadParamError
	switch {
	case errors.Is(err, data.ErrNoScope), errors.Is(err, data.ErrForbidden), errors.Is(err, data.ErrRegionOnly):
		s.fail(w, r, kindPage, http.StatusForbidden, err.Error())
	case errors.Is(err, data.ErrNotFound):
		s.fail(w, r, kindPage, http.StatusNotFound, err.Error())
	case errors.As(err, &bad):
		s.fail(w, r, kindPage, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNoSnapshot), errors.Is(err, data.ErrBusy):
		s.fail(w, r, kindPage, http.StatusServiceUnavailable, err.Error())
	default:
		s.serverError(w, r, err)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func frInt(n int) string { return french.Int(int64(n)) }

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("02/01/2006")
		}
		return x.Format("02/01/2006 15:04:05")
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	default:
		return fmt.Sprint(x)
	}
}

// familyLabel names a rule family as the reports do ("RDV — Rendez-vous").
func familyLabel(f string) string {
	if l, ok := reports.FamilyLabel[f]; ok {
		return f + " — " + l
	}
	return f
}

func graviteLabel(g string) string {
	switch g {
	case "erreur":
		return "Erreur"
	case "alerte":
		return "Alerte"
	case "info":
		return "Information"
	}
	return g
}

func suiviLabel(s string) string {
	switch s {
	case "nouveau":
		return "Nouveau"
	case "persistant":
		return "Persistant"
	case "resolu":
		return "Résolu"
	}
	return s
}

// withParam returns the query v with key set to value (removed when empty)
// and the page reset, for the links of filters, sorts and charts.
func withParam(v url.Values, kv ...string) string {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	c.Del("page")
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			c.Del(kv[i])
		} else {
			c.Set(kv[i], kv[i+1])
		}
	}
	return c.Encode()
}
