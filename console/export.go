package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/reports"
)

// Exports give what a page shows: the findings of the current filters
// (every page of them, up to data.MaxLimit), the ASP list, as CSV or XLSX
// typed as the workbooks (dates are dates, counts are numbers), and the ASP
// list's PDF to sign. Every export is written to the audit log.

func (s *Server) audit(r *http.Request, action, objet string) error {
	return s.cfg.Store.Audit(r.Context(), who(r).acc.Login, action, objet, s.clientAddr(r))
}

var findingColumns = []reports.XColumn{
	{Header: "Règle"}, {Header: "Gravité"}, {Header: "Structure"}, {Header: "Objet"}, {Header: "Id objet"},
	{Header: "Id dossier"}, {Header: "Détail", Width: 60}, {Header: "Suivi"}, {Header: "Première détection", Kind: reports.Date},
	{Header: "Nombre de contrôles", Kind: reports.Int}, {Header: "Lieu"}, {Header: "Conseiller référent"},
}

func (s *Server) handleFindingsExport(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	q := r.URL.Query()
	format := q.Get("format")
	if format != "csv" && format != "xlsx" {
		s.failData(w, r, &data.BadParamError{Param: "format", Value: format})
		return
	}
	f, err := filterFrom(q)
	if err == nil {
		err = s.knownStructure(r, f.Structure)
	}
	if err != nil {
		s.failData(w, r, err)
		return
	}
	// Every row of the filters, in the page's order; limit keeps the first ones.
	f.Limit, f.Offset = data.MaxLimit, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > data.MaxLimit {
			s.failData(w, r, &data.BadParamError{Param: "limit", Value: v})
			return
		}
		f.Limit = n
	}
	var page *data.Page
	err = s.withSnapshot(func(sn *snapshot) (err error) {
		page, err = sn.findings(r.Context(), p.scope, f)
		return err
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	q.Del("format")
	if err := s.audit(r, "export", fmt.Sprintf("constats %s (%d lignes) %s", format, len(page.Items), q.Encode())); err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := make([][]any, len(page.Items))
	for i, it := range page.Items {
		rows[i] = []any{it.Rule, it.Gravite, it.CodeStructure, it.Objet, it.IDObjet, it.IDDossier, it.Detail, it.Suivi,
			it.PremiereDetection, it.NbRuns, it.CodeLieu, it.IDConseiller}
	}
	name := "constats-" + exportScope(p.scope, f.Structure) + "-" + page.AsOf.Format(time.DateOnly)
	s.sendTable(w, r, format, name, "Constats", findingColumns, rows)
}

func exportScope(sc data.Scope, structure string) string {
	switch {
	case !sc.Region():
		return sc.Structure()
	case structure != "":
		return structure
	}
	return "region"
}

// sendTable writes rows as CSV (UTF-8 with BOM, ; separated, for Excel in
// French) or as an XLSX workbook.
func (s *Server) sendTable(w http.ResponseWriter, r *http.Request, format, name, sheet string, cols []reports.XColumn, rows [][]any) {
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		_, _ = w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		cw.Comma = ';'
		head := make([]string, len(cols))
		for i, c := range cols {
			head[i] = c.Header
		}
		_ = cw.Write(head)
		rec := make([]string, len(cols))
		for _, row := range rows {
			for i, v := range row {
				rec[i] = csvCell(v)
			}
			_ = cw.Write(rec)
		}
		cw.Flush()
	case "xlsx":
		wb, err := reports.NewWorkbook()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if err := wb.AddSheet(reports.Sheet{Name: sheet, Columns: cols, Rows: rows}); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.sendFile(w, r, name+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", wb.WriteFile)
	}
}

// csvCell writes a value for a spreadsheet: dates as dd/mm/yyyy, and text
// that a spreadsheet would take for a formula neutralised with a quote.
func csvCell(v any) string {
	if t, ok := v.(time.Time); ok && t.IsZero() {
		return ""
	}
	s := cellText(v)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, isString := v.(string); isString {
			return "'" + s
		}
	}
	return s
}

// sendFile writes a file through write into a private temporary folder and
// sends it.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, name, ctype string, write func(path string) error) {
	dir, err := os.MkdirTemp("", "vigie-console-*")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	if err := write(path); err != nil {
		s.serverError(w, r, err)
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(b)
}

var aspColumns = []reports.XColumn{
	{Header: "Structure"}, {Header: "Id dossier"}, {Header: "Nom"}, {Header: "Prénom"}, {Header: "Date de naissance", Kind: reports.Date},
	{Header: "Id dispositif"}, {Header: "Entrée PACEA", Kind: reports.Date}, {Header: "Sortie PACEA", Kind: reports.Date},
	{Header: "Saisie de la sortie", Kind: reports.DateTime}, {Header: "N° CERFA"}, {Header: "Entrée CEJ", Kind: reports.Date},
}

// aspData is the ASP page.
type aspData struct {
	AsOf       time.Time
	WeekFrom   time.Time
	WeekTo     time.Time
	Structure  string
	Structures []data.Structure
	Table      *data.Table
	Query      string
}

func (s *Server) aspParams(r *http.Request) (time.Time, string, error) {
	q := r.URL.Query()
	asOf, err := dateParam(q.Get("as_of"), "as_of")
	if err != nil {
		return asOf, "", err
	}
	if asOf.IsZero() {
		asOf = today(s.cfg.Now())
	}
	return asOf, q.Get("structure"), s.knownStructure(r, q.Get("structure"))
}

func (s *Server) handleASP(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	asOf, structure, err := s.aspParams(r)
	if err != nil {
		s.failData(w, r, err)
		return
	}
	d := aspData{AsOf: asOf, Structure: structure, Query: r.URL.Query().Encode()}
	d.WeekFrom, d.WeekTo = controls.WeekBefore(asOf)
	err = s.withSnapshot(func(sn *snapshot) (err error) {
		if d.Table, err = data.ASP(r.Context(), sn.w, p.scope, asOf, structure); err != nil {
			return err
		}
		d.Structures, err = sn.structures(r.Context(), p.scope)
		return err
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	if !p.scope.Region() {
		d.Structure = p.scope.Structure()
	}
	s.render(w, r, http.StatusOK, "asp", pageData{Title: "Liste ASP de la semaine", Extra: d})
}

func (s *Server) handleASPExport(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	asOf, structure, err := s.aspParams(r)
	if err != nil {
		s.failData(w, r, err)
		return
	}
	if !p.scope.Region() && structure == "" {
		structure = p.scope.Structure()
	}
	format := r.URL.Query().Get("format")
	name := "liste-asp-" + exportScope(p.scope, structure) + "-" + asOf.Format(time.DateOnly)
	switch format {
	case "csv", "xlsx":
		var t *data.Table
		err = s.withSnapshot(func(sn *snapshot) (err error) {
			t, err = data.ASP(r.Context(), sn.w, p.scope, asOf, structure)
			return err
		})
		if err != nil {
			s.failData(w, r, err)
			return
		}
		if err := s.audit(r, "export", fmt.Sprintf("liste ASP %s %s au %s", format, exportScope(p.scope, structure), asOf.Format(time.DateOnly))); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.sendTable(w, r, format, name, "Liste ASP", aspColumns, t.Rows)
	case "pdf":
		if structure == "" {
			s.failData(w, r, &data.BadParamError{Param: "structure", Value: ""})
			return
		}
		var list reports.ASPList
		err = s.withSnapshot(func(sn *snapshot) error {
			rows, err := data.ASPRows(r.Context(), sn.w, p.scope, asOf, structure)
			if err != nil {
				return err
			}
			sts, err := sn.structures(r.Context(), p.scope)
			if err != nil {
				return err
			}
			list = reports.ASPList{CodeStructure: structure, GeneratedAt: s.cfg.Now()}
			for _, st := range sts {
				if st.Code == structure {
					list.NomStructure = st.Nom
				}
			}
			list.WeekFrom, list.WeekTo = controls.WeekBefore(asOf)
			for _, r := range rows {
				list.Rows = append(list.Rows, reports.ASPRow(r))
			}
			return nil
		})
		if err != nil {
			s.failData(w, r, err)
			return
		}
		if err := s.audit(r, "export", fmt.Sprintf("liste ASP pdf %s au %s", structure, asOf.Format(time.DateOnly))); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.sendFile(w, r, name+".pdf", "application/pdf", func(path string) error { return reports.WriteASPList(path, list) })
	default:
		s.failData(w, r, &data.BadParamError{Param: "format", Value: format})
	}
}
