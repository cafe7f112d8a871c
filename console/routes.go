package console

import (
	"io/fs"
	"net/http"
)

// routes declares every page and API route, each with its access kind.
func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
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
	m.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSONError(w, http.StatusNotFound, "route inconnue de l'API")
	})
	s.mux = m
}
