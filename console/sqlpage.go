package console

import (
	"net/http"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/reports"
)

var parisZone = warehouse.Paris

// sqlData is the SQL page: the tables and columns the caller may query, the
// statement and its result.
type sqlData struct {
	Tables   []tableColumns
	SQL      string
	Result   *data.Table
	Scope    string
	Duration string
}

type tableColumns struct {
	Name    string
	Columns []string
}

func (s *Server) sqlAllowed(w http.ResponseWriter, r *http.Request) bool {
	if !mayQuery(who(r).acc.Profil) {
		s.fail(w, r, kindPage, http.StatusForbidden, "votre profil ne permet pas les requêtes SQL")
		return false
	}
	return true
}

func (s *Server) sqlPage(w http.ResponseWriter, r *http.Request, status int, d sqlData, msg string) {
	p := who(r)
	d.Scope = "toute la région"
	if !p.scope.Region() {
		d.Scope = "les données de la structure " + p.scope.Structure() + " seulement"
	}
	err := s.withSnapshot(func(sn *snapshot) error {
		t, err := data.Tables(r.Context(), sn, p.scope)
		if err != nil {
			return err
		}
		for _, row := range t.Rows {
			name := row[0].(string)
			if len(d.Tables) == 0 || d.Tables[len(d.Tables)-1].Name != name {
				d.Tables = append(d.Tables, tableColumns{Name: name})
			}
			last := &d.Tables[len(d.Tables)-1]
			last.Columns = append(last.Columns, row[1].(string))
		}
		return nil
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	s.render(w, r, status, "sql", pageData{Title: "Requête SQL", Extra: d, Error: msg})
}

func (s *Server) handleSQLPage(w http.ResponseWriter, r *http.Request) {
	if !s.sqlAllowed(w, r) {
		return
	}
	s.sqlPage(w, r, http.StatusOK, sqlData{SQL: "SELECT rule, gravite, count(*) AS n\nFROM findings\nGROUP BY ALL\nORDER BY n DESC"}, "")
}

// handleSQL runs the form's statement; with telecharger=csv|xlsx it sends
// the result as a file.
func (s *Server) handleSQL(w http.ResponseWriter, r *http.Request) {
	if !s.sqlAllowed(w, r) {
		return
	}
	text := r.PostFormValue("sql")
	d := sqlData{SQL: text}
	start := time.Now()
	t, err := s.runQuery(r, who(r), text)
	if err != nil {
		if notTheQuery(err) {
			s.failData(w, r, err)
			return
		}
		msg := queryMessage(err)
		s.sqlPage(w, r, http.StatusBadRequest, d, capital(msg)+".")
		return
	}
	if f := r.PostFormValue("telecharger"); f == "csv" || f == "xlsx" {
		if err := s.audit(r, "export", "résultat SQL "+f); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.sendResult(w, r, f, "requete-"+s.cfg.Now().In(parisZone).Format("2006-01-02-150405"), "Résultat", t)
		return
	}
	d.Result = t
	d.Duration = time.Since(start).Round(time.Millisecond).String()
	s.sqlPage(w, r, http.StatusOK, d, "")
}

// sendResult sends a query's result (the SQL page's, an analysis's) as a
// CSV or XLSX file, its columns typed from their DuckDB types.
func (s *Server) sendResult(w http.ResponseWriter, r *http.Request, format, name, sheet string, t *data.Table) {
	s.sendTable(w, r, format, name, sheet, reports.ResultColumns(t.Columns, t.Types), t.Rows)
}
