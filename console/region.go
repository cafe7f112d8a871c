package console

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/reports"
	"github.com/arml-na/vigie/schedules"
)

// tableData is a page that shows one or more result tables.
type tableData struct {
	Intro  string
	Tables []namedTable
	Links  map[int]string // column index → link prefix (runs → their detail)
}

type namedTable struct {
	Title string
	T     *data.Table
	// LinkCol, when ≥ 0, makes that column a link to LinkPrefix + value.
	LinkCol    int
	LinkPrefix string
}

func (s *Server) handleRuns(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	var t *data.Table
	err := s.withSnapshot(func(sn *snapshot) (err error) {
		t, err = data.Runs(r.Context(), sn.w, p.scope, 200)
		return err
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tables", pageData{Title: "Exécutions", Extra: tableData{
		Intro:  "Les 200 dernières exécutions qui ont changé l'entrepôt, avec les lignes lues et mises en quarantaine. Cliquez un numéro pour les motifs de quarantaine.",
		Tables: []namedTable{{T: t, LinkCol: 0, LinkPrefix: "/region/executions/"}}}})
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.failData(w, r, &data.BadParamError{Param: "id", Value: r.PathValue("id")})
		return
	}
	var t *data.Table
	err = s.withSnapshot(func(sn *snapshot) (err error) {
		t, err = data.QuarantineReasons(r.Context(), sn.w, p.scope, id)
		return err
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tables", pageData{Title: "Exécution " + strconv.FormatInt(id, 10) + " — quarantaine", Extra: tableData{
		Intro:  "Lignes mises en quarantaine par fichier, colonne et motif (les lignes elles-mêmes restent dans l'entrepôt, table quarantine).",
		Tables: []namedTable{{T: t, LinkCol: -1}}}})
}

func (s *Server) handleDeliveries(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	var t *data.Table
	err := s.withSnapshot(func(sn *snapshot) (err error) {
		t, err = data.Deliveries(r.Context(), sn.w, p.scope, 500)
		return err
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tables", pageData{Title: "Livraisons", Extra: tableData{
		Intro:  "Qui a reçu quel fichier, quand, par quel canal, avec son empreinte SHA-256 (les 500 dernières livraisons).",
		Tables: []namedTable{{T: t, LinkCol: -1}}}})
}

func (s *Server) handleSchedules(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	if !p.scope.Region() {
		s.failData(w, r, data.ErrRegionOnly)
		return
	}
	t := &data.Table{Columns: []string{"tache", "intitule", "prochaine_execution", "deplacee_de"}, Types: []string{"VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP"}}
	if s.cfg.Schedules != nil {
		titles := map[string]string{}
		for _, j := range s.cfg.Schedules.Jobs {
			titles[j.Name] = j.Title
		}
		for _, in := range s.cfg.Schedules.Upcoming(s.cfg.Now(), 3) {
			var moved any
			if !in.Moved.IsZero() {
				moved = schedules.FrenchDate(in.Moved)
			}
			t.Rows = append(t.Rows, []any{in.Job, titles[in.Job], schedules.FrenchDate(in.At), moved})
		}
	}
	s.render(w, r, http.StatusOK, "tables", pageData{Title: "Planification", Extra: tableData{
		Intro:  "Les trois prochaines exécutions de chaque tâche (heure de Paris, jours fériés appliqués).",
		Tables: []namedTable{{T: t, LinkCol: -1}}}})
}

// handleAudit shows the audit log to the regional profiles (analyste, and
// expert and valideur who read as analyste does) and to admin. Admin reads
// no young person's data: the quoted values of the queries logged (a name
// an analyst searched for) are masked for it.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	admin := p.acc.Profil == accounts.Admin
	if !accounts.Regional(p.acc.Profil) && !admin {
		s.fail(w, r, kindPage, http.StatusForbidden, "le journal d'audit est réservé aux profils régionaux et admin")
		return
	}
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	if pageNum < 1 {
		pageNum = 1
	}
	entries, total, err := s.cfg.Store.AuditLog(r.Context(), accounts.AuditFilter{Login: q.Get("login"), Action: q.Get("action"),
		Limit: 200, Offset: (pageNum - 1) * 200})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t := &data.Table{Columns: []string{"le", "compte", "action", "objet", "adresse"}, Types: []string{"TIMESTAMP", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"}}
	for _, e := range entries {
		objet := e.Objet
		if admin {
			objet = maskForAdmin(e.Action, objet)
		}
		t.Rows = append(t.Rows, []any{e.At.In(parisLoc()), e.Login, e.Action, objet, e.Adresse})
	}
	s.render(w, r, http.StatusOK, "tables", pageData{Title: "Journal d'audit", Extra: tableData{
		Intro:  "Connexions, échecs, exports, requêtes SQL et changements de comptes, les plus récents d'abord (" + frInt(total) + " lignes ; 200 par page, ?page=2…).",
		Tables: []namedTable{{T: t, LinkCol: -1}}}})
}

// handleAccounts lists the accounts to the admin.
func (s *Server) handleAccounts(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	if p.acc.Profil != accounts.Admin {
		s.fail(w, r, kindPage, http.StatusForbidden, "la liste des comptes est réservée au profil admin")
		return
	}
	list, err := s.cfg.Store.List(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t := &data.Table{Columns: []string{"login", "profil", "code_structure", "etat", "email", "derniere_connexion", "mot_de_passe_change_le"},
		Types: []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP"}}
	for _, a := range list {
		var last any
		if !a.LastLogin.IsZero() {
			last = a.LastLogin.In(parisLoc())
		}
		t.Rows = append(t.Rows, []any{a.Login, a.Profil, a.CodeStructure, a.Etat(), a.Email, last, a.PasswordChangedAt.In(parisLoc())})
	}
	s.render(w, r, http.StatusOK, "tables", pageData{Title: "Comptes", Extra: tableData{
		Intro:  "Les comptes de la console. Ils se gèrent avec « vigie users » (add, email, disable, enable, passwd, token, revoke) ; un changement vaut à la requête suivante. L'adresse électronique d'un compte, où partent ses abonnements, se donne ou se change avec « vigie users email IDENTIFIANT ADRESSE ».",
		Tables: []namedTable{{T: t, LinkCol: -1}}}})
}

// maskForAdmin hides from the admin what an audit line may say of young
// people: the quoted values of a query, the title of an analysis (free
// text, which could name someone), also in the lines of subscriptions.
func maskForAdmin(action, objet string) string {
	switch {
	case action == "requete_sql":
		return data.MaskLiterals(objet)
	case strings.HasPrefix(action, "analyse"), strings.HasPrefix(action, "abonnement"),
		action == "export" && strings.HasPrefix(objet, "analyse "):
		if i := strings.Index(objet, "«"); i >= 0 {
			if j := strings.LastIndex(objet, "»"); j > i {
				return objet[:i] + "« … »" + objet[j+len("»"):]
			}
		}
	}
	return objet
}

// reportFile is one produced report the caller may download.
type reportFile struct {
	Structure, Date, Name, Href string
	// Withheld: a nominative file written before the structure's last
	// archiving (it may name a dossier anonymised since); the date of it.
	Withheld string
}

// withheld tells whether a report file may name a dossier archived after it
// was written: a nominative file (reports.NominativeFileNames) older than the
// structure's last archiving. It returns that archiving's date.
func (s *Server) withheld(ctx context.Context, dir, date, name string, mod time.Time) (string, error) {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil || !slices.Contains(reports.NominativeFileNames(dir, day), name) {
		return "", nil
	}
	var last map[string]time.Time
	err = s.withSnapshot(func(sn *snapshot) (err error) {
		last, err = cached(ctx, sn, "archivings", func(ctx context.Context) (map[string]time.Time, error) {
			return data.LastArchivings(ctx, sn.w)
		})
		return err
	})
	if err != nil {
		return "", err
	}
	if at, ok := last[dir]; ok && !mod.After(at) {
		return at.Format("02/01/2006"), nil
	}
	return "", nil
}

var (
	reportDateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reportFileRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+\.(pdf|xlsx)$`)
	reportDirRe  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// reportFolders are the folders of ReportsDir the caller may read: its
// structure's, or every one (the region's included) for regional profiles.
func (s *Server) reportFolders(sc data.Scope) []string {
	if s.cfg.ReportsDir == "" {
		return nil
	}
	if !sc.Region() {
		if sc.Structure() == "" {
			return nil
		}
		return []string{sc.Structure()}
	}
	entries, err := os.ReadDir(s.cfg.ReportsDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && reportDirRe.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func (s *Server) handleReports(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	if p.acc.Profil == accounts.Admin {
		s.failData(w, r, data.ErrNoScope)
		return
	}
	var files []reportFile
	for _, dir := range s.reportFolders(p.scope) {
		dates, _ := os.ReadDir(filepath.Join(s.cfg.ReportsDir, dir))
		for _, d := range dates {
			if !d.IsDir() || !reportDateRe.MatchString(d.Name()) {
				continue
			}
			fs, _ := os.ReadDir(filepath.Join(s.cfg.ReportsDir, dir, d.Name()))
			for _, f := range fs {
				if !f.Type().IsRegular() || !reportFileRe.MatchString(f.Name()) {
					continue
				}
				rf := reportFile{Structure: dir, Date: d.Name(), Name: f.Name(), Href: "/rapports/" + dir + "/" + d.Name() + "/" + f.Name()}
				if fi, err := f.Info(); err == nil {
					if rf.Withheld, err = s.withheld(r.Context(), dir, d.Name(), f.Name(), fi.ModTime()); err != nil {
						s.failData(w, r, err)
						return
					}
				}
				files = append(files, rf)
			}
		}
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].Date != files[j].Date {
			return files[i].Date > files[j].Date
		}
		return files[i].Href < files[j].Href
	})
	if len(files) > 500 {
		files = files[:500]
	}
	s.render(w, r, http.StatusOK, "reports", pageData{Title: "Rapports produits", Extra: struct {
		Files      []reportFile
		Configured bool
	}{files, s.cfg.ReportsDir != ""}})
}

func (s *Server) handleReportFile(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	dir, date, name := r.PathValue("structure"), r.PathValue("date"), r.PathValue("file")
	if !reportDirRe.MatchString(dir) || !reportDateRe.MatchString(date) || !reportFileRe.MatchString(name) {
		s.failData(w, r, &data.BadParamError{Param: "fichier", Value: dir + "/" + date + "/" + name})
		return
	}
	allowed := false
	for _, d := range s.reportFolders(p.scope) {
		allowed = allowed || d == dir
	}
	if !allowed {
		s.failData(w, r, data.ErrForbidden)
		return
	}
	path := filepath.Join(s.cfg.ReportsDir, dir, date, name)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.Mode().IsRegular()) {
		s.failData(w, r, data.ErrNotFound)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	since, err := s.withheld(r.Context(), dir, date, name, fi.ModTime())
	if err != nil {
		s.failData(w, r, err)
		return
	}
	if since != "" {
		s.fail(w, r, kindPage, http.StatusGone, "ce fichier nominatif date d'avant l'archivage du "+since+
			" d'un dossier de la structure : il pourrait encore nommer un jeune archivé depuis. Le prochain rapport le remplace ; la liste ASP à jour est sur la page « Liste ASP de la semaine »")
		return
	}
	if err := s.audit(r, "export", "rapport "+dir+"/"+date+"/"+name); err != nil {
		s.serverError(w, r, err)
		return
	}
	ctype := "application/pdf"
	if strings.HasSuffix(name, ".xlsx") {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	http.ServeFile(w, r, path)
}

func parisLoc() *time.Location { return parisZone }
