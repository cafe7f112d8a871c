package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// apiFail maps an error to the API's status codes and French JSON body.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *data.BadParamError
	switch {
	case errors.Is(err, data.ErrNoScope), errors.Is(err, data.ErrForbidden), errors.Is(err, data.ErrRegionOnly):
		writeJSONError(w, http.StatusForbidden, err.Error())
	case errors.Is(err, data.ErrNotFound):
		writeJSONError(w, http.StatusNotFound, err.Error())
	case errors.As(err, &bad):
		writeJSONError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNoSnapshot), errors.Is(err, data.ErrBusy):
		writeJSONError(w, http.StatusServiceUnavailable, err.Error())
	default:
		s.serverError(w, r, err)
	}
}

// knownStructure refuses (data.ErrUnknownStructure, 404) a structure a
// regional caller names that the warehouse does not know: an empty answer
// would read as a structure with nothing to report. A structure-scoped
// caller naming another code is refused by the scope (403) first.
func (s *Server) knownStructure(r *http.Request, code string) error {
	p := who(r)
	if code == "" || !p.scope.Region() {
		return nil
	}
	return s.withSnapshot(func(sn *snapshot) error {
		list, err := sn.structures(r.Context(), p.scope)
		if err != nil {
			return err
		}
		for _, st := range list {
			if st.Code == code {
				return nil
			}
		}
		return data.ErrUnknownStructure
	})
}

// withSnapshot runs fn on the current snapshot, released afterwards.
func (s *Server) withSnapshot(fn func(sn *snapshot) error) error {
	sn, err := s.snaps.acquire()
	if err != nil {
		return err
	}
	defer s.snaps.release(sn)
	return fn(sn)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	var code any
	if p.acc.CodeStructure != "" {
		code = p.acc.CodeStructure
	}
	writeJSON(w, http.StatusOK, map[string]any{"login": p.acc.Login, "profil": p.acc.Profil, "code_structure": code})
}

func (s *Server) apiStructures(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	var list []data.Structure
	err := s.withSnapshot(func(sn *snapshot) (err error) {
		list, err = sn.structures(r.Context(), p.scope)
		return err
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// apiFinding is one item of /api/v1/findings (console.md).
type apiFinding struct {
	Rule          string  `json:"rule"`
	Gravite       string  `json:"gravite"`
	CodeStructure string  `json:"code_structure"`
	Objet         string  `json:"objet"`
	IDObjet       string  `json:"id_objet"`
	IDDossier     *string `json:"id_dossier"`
	Detail        string  `json:"detail"`
	Suivi         string  `json:"suivi"`
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	q := r.URL.Query()
	f, err := filterFrom(q)
	if err == nil {
		err = s.knownStructure(r, f.Structure)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	f.Limit, f.Offset = 100, 0
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit <= 0 {
			s.apiFail(w, r, &data.BadParamError{Param: "limit", Value: v})
			return
		}
	}
	if v := q.Get("offset"); v != "" {
		if f.Offset, err = strconv.Atoi(v); err != nil {
			s.apiFail(w, r, &data.BadParamError{Param: "offset", Value: v})
			return
		}
	}
	var page *data.Page
	err = s.withSnapshot(func(sn *snapshot) (err error) {
		page, err = sn.findings(r.Context(), p.scope, f)
		return err
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	items := make([]apiFinding, 0, len(page.Items))
	for _, it := range page.Items {
		af := apiFinding{Rule: it.Rule, Gravite: it.Gravite, CodeStructure: it.CodeStructure, Objet: it.Objet,
			IDObjet: it.IDObjet, Detail: it.Detail, Suivi: it.Suivi}
		if it.IDDossier != "" {
			d := it.IDDossier
			af.IDDossier = &d
		}
		items = append(items, af)
	}
	var asOf any
	if !page.AsOf.IsZero() {
		asOf = page.AsOf.Format(time.DateOnly)
	}
	writeJSON(w, http.StatusOK, map[string]any{"as_of": asOf, "total": page.Total, "items": items})
}

func (s *Server) apiASP(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	q := r.URL.Query()
	asOf, err := dateParam(q.Get("as_of"), "as_of")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if asOf.IsZero() {
		asOf = today(s.cfg.Now())
	}
	if err := s.knownStructure(r, q.Get("structure")); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var t *data.Table
	err = s.withSnapshot(func(sn *snapshot) (err error) {
		t, err = data.ASP(r.Context(), sn.w, p.scope, asOf, q.Get("structure"))
		return err
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tableObjects(t))
}

// tableObjects turns rows into JSON objects keyed by column, dates as
// yyyy-mm-dd.
func tableObjects(t *data.Table) []map[string]any {
	out := make([]map[string]any, 0, len(t.Rows))
	for _, row := range t.Rows {
		m := make(map[string]any, len(row))
		for i, c := range t.Columns {
			m[c] = jsonValue(row[i], t.Types[i])
		}
		out = append(out, m)
	}
	return out
}

func jsonValue(v any, typ string) any {
	if tm, ok := v.(time.Time); ok {
		if typ == "DATE" {
			return tm.Format(time.DateOnly)
		}
		return tm.Format("2006-01-02 15:04:05")
	}
	return v
}

func (s *Server) apiQuery(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	var body struct {
		SQL string `json:"sql"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.SQL == "" {
		writeJSONError(w, http.StatusBadRequest, `corps attendu : {"sql": "SELECT …"}`)
		return
	}
	if !mayQuery(p.acc.Profil) {
		writeJSONError(w, http.StatusForbidden, "votre profil ne permet pas les requêtes SQL")
		return
	}
	t, err := s.runQuery(r, p, body.SQL)
	if err != nil {
		s.queryFail(w, r, err, true)
		return
	}
	rows := make([][]any, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = make([]any, len(row))
		for j, v := range row {
			rows[i][j] = jsonValue(v, t.Types[j])
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"columns": t.Columns, "rows": rows})
}

// mayQuery tells which profiles run read-only SQL: avance over its
// structure, the regional profiles over the region.
func mayQuery(profil string) bool {
	return profil == accounts.Avance || accounts.Regional(profil)
}

// runQuery audits and runs one SQL query over the caller's scope.
func (s *Server) runQuery(r *http.Request, p *principal, text string) (*data.Table, error) {
	objet := text
	if len(objet) > 2000 {
		objet = objet[:2000] + "…"
	}
	return s.runQueryAs(r, p, text, "requete_sql", objet)
}

// runQueryAs runs one SQL query over the caller's scope, audited as action
// on objet.
func (s *Server) runQueryAs(r *http.Request, p *principal, text, action, objet string) (*data.Table, error) {
	if err := s.cfg.Store.Audit(r.Context(), p.acc.Login, action, objet, s.clientAddr(r)); err != nil {
		return nil, err
	}
	var t *data.Table
	err := s.withSnapshot(func(sn *snapshot) (err error) {
		if err := data.CheckLiterals(r.Context(), sn.w, p.scope, text); err != nil {
			return err
		}
		t, err = data.Query(r.Context(), sn.path, p.scope, text)
		return err
	})
	return t, err
}

// notTheQuery tells a query's failure that is not the statement's own: no
// scope, no snapshot, a bad parameter (answered as any page would).
func notTheQuery(err error) bool {
	var bad *data.BadParamError
	return errors.Is(err, data.ErrNoScope) || errors.Is(err, data.ErrForbidden) || errors.Is(err, ErrNoSnapshot) ||
		errors.Is(err, data.ErrBusy) || errors.As(err, &bad)
}

// queryFail answers a refused or failed query: 400 with DuckDB's message
// (the statement is the caller's own), 403 for a scope refusal.
func (s *Server) queryFail(w http.ResponseWriter, r *http.Request, err error, api bool) {
	if notTheQuery(err) {
		if api {
			s.apiFail(w, r, err)
		} else {
			s.failData(w, r, err)
		}
		return
	}
	writeJSONError(w, http.StatusBadRequest, queryMessage(err))
}

// queryMessage is what an analyst reads of a query refused or failed:
// warehouse.Query's own sentence, or one that says the query failed.
func queryMessage(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, warehouse.Refusal) || strings.HasPrefix(msg, warehouse.Failure) {
		return msg
	}
	return warehouse.Failure + msg
}
