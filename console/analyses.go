package console

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/reports"
)

// Analyses (console.md): an `avance` account keeps its own analyses over its
// structure's data; an `expert` writes analyses and proposes them to the
// regional catalogue (la mallette); a `valideur` validates or refuses them;
// a validated analysis is open to every account, each seeing it over its own
// scope: its statement runs on the same instances as the SQL page (a
// structure's copy, or the region), so an analysis written over the region
// shows a director its structure's rows only. Every run is audited as a
// query.

// mayAuthor tells which profiles write analyses.
func mayAuthor(profil string) bool { return profil == accounts.Avance || profil == accounts.Expert }

// mayDecide tells which profiles validate or refuse proposed analyses.
func mayDecide(profil string) bool { return profil == accounts.Valideur }

func statutLabel(s string) string {
	switch s {
	case accounts.AnalysisPersonal:
		return "Personnelle"
	case accounts.AnalysisProposed:
		return "Proposée à la mallette"
	case accounts.AnalysisValidated:
		return "Dans la mallette"
	case accounts.AnalysisRefused:
		return "Refusée"
	}
	return s
}

type analysesData struct {
	Mine, Catalogue, ToDecide []accounts.Analysis
	MayAuthor, MayDecide      bool
}

func (s *Server) dataAccount(w http.ResponseWriter, r *http.Request) bool {
	if who(r).acc.Profil == accounts.Admin {
		s.fail(w, r, kindPage, http.StatusForbidden, "le profil admin ne lit aucune donnée des jeunes, ni leurs analyses")
		return false
	}
	return true
}

func (s *Server) handleAnalyses(w http.ResponseWriter, r *http.Request) {
	if !s.dataAccount(w, r) {
		return
	}
	p := who(r)
	list, err := s.cfg.Store.Analyses(r.Context(), p.acc.Login, mayDecide(p.acc.Profil))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := analysesData{MayAuthor: mayAuthor(p.acc.Profil), MayDecide: mayDecide(p.acc.Profil)}
	for _, a := range list {
		switch {
		case a.Owner == p.acc.Login:
			d.Mine = append(d.Mine, a)
		case a.Statut == accounts.AnalysisValidated:
			d.Catalogue = append(d.Catalogue, a)
		case a.Statut == accounts.AnalysisProposed:
			d.ToDecide = append(d.ToDecide, a)
		}
	}
	// The owner's validated analyses are in the catalogue too.
	for _, a := range d.Mine {
		if a.Statut == accounts.AnalysisValidated {
			d.Catalogue = append(d.Catalogue, a)
		}
	}
	s.render(w, r, http.StatusOK, "analyses", pageData{Title: "Analyses", Extra: d})
}

// analysisFor reads the analysis of the path's id that the caller may open;
// 404 otherwise (another's personal analysis is no business of the caller,
// not even its existence).
func (s *Server) analysisFor(w http.ResponseWriter, r *http.Request) (accounts.Analysis, bool) {
	if !s.dataAccount(w, r) {
		return accounts.Analysis{}, false
	}
	id, ok := pathID(r)
	if !ok {
		s.fail(w, r, kindPage, http.StatusNotFound, "aucune analyse n'a cet identifiant")
		return accounts.Analysis{}, false
	}
	a, err := s.cfg.Store.Analysis(r.Context(), id)
	if errors.Is(err, accounts.ErrNoAnalysis) || (err == nil && !a.OpenTo(who(r).acc)) {
		s.fail(w, r, kindPage, http.StatusNotFound, "aucune analyse n'a cet identifiant")
		return accounts.Analysis{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return accounts.Analysis{}, false
	}
	return a, true
}

// pathID reads the path's analysis id: a positive number written without
// sign or leading zero.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0 && strconv.FormatInt(id, 10) == r.PathValue("id")
}

type analysisData struct {
	A                 accounts.Analysis
	Statut, Scope     string
	Result            *data.Table
	Chart             *chart
	ChartHint         string
	Owner, MayPropose bool
	MayDecide         bool
	Motif             string // a refusal being written
	Sub               subscriptionBox
}

func (s *Server) handleAnalysis(w http.ResponseWriter, r *http.Request) {
	a, ok := s.analysisFor(w, r)
	if !ok {
		return
	}
	s.analysisPage(w, r, http.StatusOK, a, "", "")
}

// analysisPage runs the analysis over the caller's scope and shows it; msg
// is an error to show above it.
func (s *Server) analysisPage(w http.ResponseWriter, r *http.Request, status int, a accounts.Analysis, msg, motif string) {
	p := who(r)
	d := analysisData{A: a, Statut: statutLabel(a.Statut), Scope: scopeText(p.scope), Motif: motif,
		Owner: a.Owner == p.acc.Login,
		MayPropose: a.Owner == p.acc.Login && p.acc.Profil == accounts.Expert &&
			(a.Statut == accounts.AnalysisPersonal || a.Statut == accounts.AnalysisRefused),
		MayDecide: mayDecide(p.acc.Profil) && a.Statut == accounts.AnalysisProposed}
	sub, err := s.subscriptionBoxOf(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Sub = sub
	t, err := s.runQueryAs(r, p, a.SQL, "analyse", a.Label())
	switch {
	case errors.Is(err, data.ErrForeignSQL):
		// A catalogue analysis written over the region that names a
		// structure: it is listed to every account, and says why it does
		// not open on this one's data (and offers no subscription: it
		// would send nothing).
		status, msg = http.StatusForbidden, "Cette analyse nomme une autre structure que la vôtre : elle ne s'ouvre pas sur vos données."
		d.Sub.Offer = false
	case err != nil:
		if notTheQuery(err) {
			s.failData(w, r, err)
			return
		}
		if msg == "" {
			msg = capital(queryMessage(err)) + "."
		}
	default:
		d.Result = t
		if a.Affichage == accounts.DisplayBars {
			d.Chart, d.ChartHint = barsOf(a.Titre, t)
		}
	}
	s.render(w, r, status, "analysis", pageData{Title: a.Titre, Extra: d, Error: msg})
}

func scopeText(sc data.Scope) string {
	if sc.Region() {
		return "toute la région"
	}
	return "les données de la structure " + sc.Structure()
}

// maxBars bounds the bars of an analysis's chart.
const maxBars = 30

// barsOf draws the first two columns of a result as bars: a label, then a
// number. Bars are drawn in proportion to the largest value (decimals and
// rates included), each labelled with its value; a value that is no
// positive number (negative, empty, NaN) gets no bar but its label. The
// hint says why when the result has no such shape.
func barsOf(title string, t *data.Table) (*chart, string) {
	if len(t.Columns) < 2 || reports.KindOfType(t.Types[1]) != reports.Int && reports.KindOfType(t.Types[1]) != reports.Float {
		return nil, "Pour l'affichage en barres, la requête rend d'abord une colonne de libellés, puis une colonne de nombres."
	}
	rows := t.Rows
	if len(rows) > maxBars {
		rows = rows[:maxBars]
	}
	values := make([]float64, len(rows))
	top := 0.0
	for i, row := range rows {
		v, ok := number(row[1])
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			v = 0
		}
		values[i] = v
		top = math.Max(top, v)
	}
	c := &chart{Title: title}
	for i, row := range rows {
		b := bar{Label: cellText(row[0]), Text: cellText(row[1])}
		if row[1] == nil {
			b.Text = "—"
		}
		if top > 0 {
			b.N = int(math.Round(1000 * values[i] / top))
		}
		c.Bars = append(c.Bars, b)
	}
	hint := ""
	if len(t.Rows) > maxBars {
		hint = "Les " + strconv.Itoa(maxBars) + " premières lignes seulement sont dessinées ; le tableau donne les suivantes."
	}
	return c, hint
}

// number reads a result's numeric cell.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case int:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	case string: // a HUGEINT or another wide number, as text
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

type analysisFormData struct {
	ID    int64
	In    accounts.AnalysisInput
	Scope string
}

func (s *Server) authorAllowed(w http.ResponseWriter, r *http.Request) bool {
	if !mayAuthor(who(r).acc.Profil) {
		s.fail(w, r, kindPage, http.StatusForbidden, "votre profil ne permet pas d'écrire des analyses (profils avancé et expert)")
		return false
	}
	return true
}

func (s *Server) analysisForm(w http.ResponseWriter, r *http.Request, status int, d analysisFormData, msg string) {
	d.Scope = scopeText(who(r).scope)
	title := "Nouvelle analyse"
	if d.ID != 0 {
		title = "Modifier l'analyse"
	}
	s.render(w, r, status, "analysis_form", pageData{Title: title, Extra: d, Error: msg})
}

func (s *Server) handleNewAnalysis(w http.ResponseWriter, r *http.Request) {
	if !s.authorAllowed(w, r) {
		return
	}
	s.analysisForm(w, r, http.StatusOK, analysisFormData{In: accounts.AnalysisInput{Affichage: accounts.DisplayTable,
		SQL: "SELECT code_structure, count(*) AS dossiers\nFROM dossiers\nGROUP BY ALL\nORDER BY dossiers DESC"}}, "")
}

func (s *Server) handleEditAnalysis(w http.ResponseWriter, r *http.Request) {
	a, ok := s.analysisFor(w, r)
	if !ok {
		return
	}
	if a.Owner != who(r).acc.Login {
		s.fail(w, r, kindPage, http.StatusForbidden, "seul l'auteur d'une analyse la modifie")
		return
	}
	s.analysisForm(w, r, http.StatusOK, analysisFormData{ID: a.ID, In: accounts.AnalysisInput{Titre: a.Titre,
		Description: a.Description, SQL: a.SQL, Affichage: a.Affichage}}, "")
}

// formInput reads an analysis form, checks it, and runs its statement once
// over the author's scope: an analysis that does not run is not saved.
func (s *Server) formInput(w http.ResponseWriter, r *http.Request, id int64) (accounts.AnalysisInput, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	in := accounts.AnalysisInput{Titre: r.PostFormValue("titre"), Description: r.PostFormValue("description"),
		SQL: r.PostFormValue("sql"), Affichage: r.PostFormValue("affichage")}
	d := analysisFormData{ID: id, In: in}
	if err := in.Validate(); err != nil {
		s.analysisForm(w, r, http.StatusBadRequest, d, capital(err.Error())+".")
		return in, false
	}
	d.In = in // trimmed
	if _, err := s.runQuery(r, who(r), in.SQL); err != nil {
		if errors.Is(err, data.ErrForeignSQL) {
			s.analysisForm(w, r, http.StatusForbidden, d, "L'analyse n'est pas enregistrée : "+err.Error()+".")
			return in, false
		}
		if notTheQuery(err) {
			s.failData(w, r, err)
			return in, false
		}
		s.analysisForm(w, r, http.StatusBadRequest, d, "L'analyse n'est pas enregistrée : "+queryMessage(err)+".")
		return in, false
	}
	return in, true
}

// capital upper-cases a message's first letter (« écrivez » → « Écrivez »).
func capital(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

func (s *Server) handleCreateAnalysis(w http.ResponseWriter, r *http.Request) {
	if !s.authorAllowed(w, r) {
		return
	}
	in, ok := s.formInput(w, r, 0)
	if !ok {
		return
	}
	id, err := s.cfg.Store.CreateAnalysis(r.Context(), who(r).acc.Login, in, s.clientAddr(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/analyses/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// ownAnalysis reads the path's analysis for a change only its author makes.
func (s *Server) ownAnalysis(w http.ResponseWriter, r *http.Request) (accounts.Analysis, bool) {
	a, ok := s.analysisFor(w, r)
	if !ok {
		return a, false
	}
	if a.Owner != who(r).acc.Login {
		s.fail(w, r, kindPage, http.StatusForbidden, "seul l'auteur d'une analyse la modifie, la supprime ou la propose")
		return a, false
	}
	return a, true
}

func (s *Server) handleUpdateAnalysis(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ownAnalysis(w, r)
	if !ok {
		return
	}
	in, ok := s.formInput(w, r, a.ID)
	if !ok {
		return
	}
	if err := s.cfg.Store.UpdateAnalysis(r.Context(), a.ID, a.Owner, in, s.clientAddr(r)); err != nil {
		s.storeFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/analyses/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

func (s *Server) handleDeleteAnalysis(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ownAnalysis(w, r)
	if !ok {
		return
	}
	if err := s.cfg.Store.DeleteAnalysis(r.Context(), a, a.Owner, s.clientAddr(r)); err != nil {
		s.storeFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/analyses", http.StatusSeeOther)
}

func (s *Server) handleProposeAnalysis(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ownAnalysis(w, r)
	if !ok {
		return
	}
	if who(r).acc.Profil != accounts.Expert {
		s.fail(w, r, kindPage, http.StatusForbidden, "seul le profil expert propose des analyses à la mallette")
		return
	}
	if err := s.cfg.Store.ProposeAnalysis(r.Context(), a, a.Owner, s.clientAddr(r)); err != nil {
		if errors.Is(err, accounts.ErrNoAnalysis) {
			s.analysisPage(w, r, http.StatusConflict, a, "Cette analyse est déjà proposée ou dans la mallette.", "")
			return
		}
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/analyses/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// handleDecideAnalysis validates (/valider) or refuses (/refuser, with a
// reason) a proposed analysis.
func (s *Server) handleDecideAnalysis(validate bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !mayDecide(who(r).acc.Profil) {
			s.fail(w, r, kindPage, http.StatusForbidden, "seul le profil valideur valide ou refuse les analyses proposées")
			return
		}
		a, ok := s.analysisFor(w, r)
		if !ok {
			return
		}
		motif := r.PostFormValue("motif")
		version, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
		if err != nil {
			s.analysisPage(w, r, http.StatusBadRequest, a, "Rechargez la page : la version lue de l'analyse manque au formulaire.", motif)
			return
		}
		if version != a.Version {
			s.analysisPage(w, r, http.StatusConflict, a, "L'analyse a changé depuis que vous l'avez ouverte : relisez-la ci-dessous avant de décider.", motif)
			return
		}
		err = s.cfg.Store.DecideAnalysis(r.Context(), a, version, validate, motif, who(r).acc.Login, s.clientAddr(r))
		var inv *accounts.InvalidError
		switch {
		case errors.As(err, &inv):
			s.analysisPage(w, r, http.StatusBadRequest, a, capital(inv.Message)+".", motif)
			return
		case errors.Is(err, accounts.ErrNoAnalysis):
			s.analysisPage(w, r, http.StatusConflict, a, "Cette analyse n'attend plus de décision.", "")
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/analyses/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	}
}

func (s *Server) storeFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, accounts.ErrNoAnalysis) {
		s.fail(w, r, kindPage, http.StatusNotFound, "aucune analyse n'a cet identifiant")
		return
	}
	s.serverError(w, r, err)
}

// handleAnalysisExport sends an analysis's result over the caller's scope as
// CSV or XLSX.
func (s *Server) handleAnalysisExport(w http.ResponseWriter, r *http.Request) {
	a, ok := s.analysisFor(w, r)
	if !ok {
		return
	}
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		s.fail(w, r, kindPage, http.StatusBadRequest, "format d'export inconnu : csv ou xlsx")
		return
	}
	t, err := s.runQueryAs(r, who(r), a.SQL, "analyse", a.Label())
	if err != nil {
		if notTheQuery(err) {
			s.failData(w, r, err)
			return
		}
		s.fail(w, r, kindPage, http.StatusBadRequest, queryMessage(err))
		return
	}
	if err := s.audit(r, "export", a.Label()+" "+format); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sendResult(w, r, format, "analyse-"+strconv.FormatInt(a.ID, 10)+"-"+s.cfg.Now().In(parisZone).Format("2006-01-02"), "Analyse", t)
}
