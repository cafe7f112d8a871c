package console

import (
	"io/fs"
	"net/http"
	"strings"
)

// routes declares every page and API route, each with its access kind.
func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	m.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		// The embedded files only: no folder listing, and the console's own
		// page for a file that is not there.
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if fi, err := fs.Stat(static, name); err != nil || fi.IsDir() || name == "" {
			s.fail(w, r, kindPage, http.StatusNotFound, "ce fichier de la console n'existe pas")
			return
		}
		files.ServeHTTP(w, r)
	})
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})

	m.HandleFunc("GET /login", s.handleLoginPage)
	m.HandleFunc("POST /login", s.handleLogin)
	m.HandleFunc("POST /logout", s.authed(kindGate, s.handleLogout))
	m.HandleFunc("GET /cgu", s.authed(kindGate, s.handleCGUPage))
	m.HandleFunc("POST /cgu", s.authed(kindGate, s.handleCGU))
	m.HandleFunc("GET /mot-de-passe", s.authed(kindGate, s.handlePasswordPage))
	m.HandleFunc("POST /mot-de-passe", s.authed(kindGate, s.handlePassword))

	m.HandleFunc("GET /{$}", s.authed(kindPage, s.handleHome))
	m.HandleFunc("GET /constats", s.authed(kindPage, s.handleFindings))
	m.HandleFunc("GET /constats/export", s.authed(kindPage, s.handleFindingsExport))
	m.HandleFunc("GET /dossiers/{id}", s.authed(kindPage, s.handleDossier))
	m.HandleFunc("GET /asp", s.authed(kindPage, s.handleASP))
	m.HandleFunc("GET /asp/export", s.authed(kindPage, s.handleASPExport))
	m.HandleFunc("GET /rapports", s.authed(kindPage, s.handleReports))
	m.HandleFunc("GET /rapports/{structure}/{date}/{file}", s.authed(kindPage, s.handleReportFile))
	m.HandleFunc("GET /sql", s.authed(kindPage, s.handleSQLPage))
	m.HandleFunc("POST /sql", s.authed(kindPage, s.handleSQL))
	m.HandleFunc("GET /analyses", s.authed(kindPage, s.handleAnalyses))
	m.HandleFunc("GET /analyses/nouvelle", s.authed(kindPage, s.handleNewAnalysis))
	m.HandleFunc("POST /analyses", s.authed(kindPage, s.handleCreateAnalysis))
	m.HandleFunc("GET /analyses/{id}", s.authed(kindPage, s.handleAnalysis))
	m.HandleFunc("GET /analyses/{id}/modifier", s.authed(kindPage, s.handleEditAnalysis))
	m.HandleFunc("POST /analyses/{id}", s.authed(kindPage, s.handleUpdateAnalysis))
	m.HandleFunc("POST /analyses/{id}/supprimer", s.authed(kindPage, s.handleDeleteAnalysis))
	m.HandleFunc("POST /analyses/{id}/proposer", s.authed(kindPage, s.handleProposeAnalysis))
	m.HandleFunc("POST /analyses/{id}/valider", s.authed(kindPage, s.handleDecideAnalysis(true)))
	m.HandleFunc("POST /analyses/{id}/refuser", s.authed(kindPage, s.handleDecideAnalysis(false)))
	m.HandleFunc("GET /analyses/{id}/export", s.authed(kindPage, s.handleAnalysisExport))
	m.HandleFunc("POST /analyses/{id}/abonnement", s.authed(kindPage, s.handleSubscribe))
	m.HandleFunc("POST /analyses/{id}/desabonnement", s.authed(kindPage, s.handleUnsubscribe))
	m.HandleFunc("GET /abonnements", s.authed(kindPage, s.handleSubscriptions))
	m.HandleFunc("GET /region/executions", s.authed(kindPage, s.handleRuns))
	m.HandleFunc("GET /region/executions/{id}", s.authed(kindPage, s.handleRun))
	m.HandleFunc("GET /region/livraisons", s.authed(kindPage, s.handleDeliveries))
	m.HandleFunc("GET /region/planification", s.authed(kindPage, s.handleSchedules))
	m.HandleFunc("GET /journal", s.authed(kindPage, s.handleAudit))
	m.HandleFunc("GET /comptes", s.authed(kindPage, s.handleAccounts))

	m.HandleFunc("GET /api/v1/me", s.authed(kindAPI, s.apiMe))
	m.HandleFunc("GET /api/v1/structures", s.authed(kindAPI, s.apiStructures))
	m.HandleFunc("GET /api/v1/findings", s.authed(kindAPI, s.apiFindings))
	m.HandleFunc("GET /api/v1/asp", s.authed(kindAPI, s.apiASP))
	m.HandleFunc("POST /api/v1/query", s.authed(kindAPI, s.apiQuery))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		// A route of the API asked with a method it does not take: 405,
		// with the methods it does.
		var allow []string
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			other := r.Clone(r.Context())
			other.Method = method
			if _, pattern := m.Handler(other); pattern != "/api/" && pattern != "" {
				allow = append(allow, method)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeJSONError(w, http.StatusMethodNotAllowed, "cette route de l'API ne prend pas la méthode "+r.Method+" : "+strings.Join(allow, " ou "))
			return
		}
		writeJSONError(w, http.StatusNotFound, "route inconnue de l'API")
	})
	s.mux = s.unmatched(m)
}

// unmatched answers in French, as every page does, the requests no route
// takes: an address that does not exist (404) or a method its page does not
// take (405, with the methods it does in Allow). The mux decides which.
func (s *Server) unmatched(m *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := m.Handler(r)
		if pattern != "" {
			m.ServeHTTP(w, r)
			return
		}
		decided := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(decided, r)
		msg := "cette adresse ne mène à aucune page : vérifiez-la, ou repartez de l'accueil"
		if decided.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", decided.header.Get("Allow"))
			msg = "cette page ne s'utilise pas avec la méthode " + r.Method
		} else {
			decided.status = http.StatusNotFound
		}
		s.fail(w, r, kindPage, decided.status, msg)
	})
}

// statusRecorder keeps the status and headers a handler sets, and drops its
// body.
type statusRecorder struct {
	header http.Header
	status int
}

func (d *statusRecorder) Header() http.Header         { return d.header }
func (d *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (d *statusRecorder) WriteHeader(status int)      { d.status = status }
