package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
)

// cookieName is the session cookie.
const cookieName = "vigie_session"

// principal is who makes a request: the account, its scope, and its browser
// session (nil for an access token).
type principal struct {
	acc     accounts.Account
	scope   data.Scope
	session *accounts.Session
}

type principalKey struct{}

// who returns the request's principal, set by the authentication middleware.
func who(r *http.Request) *principal {
	p, _ := r.Context().Value(principalKey{}).(*principal)
	return p
}

// scopeOf is the data an account may read: its structure, the region, or
// nothing (admin).
func scopeOf(a accounts.Account) data.Scope {
	switch {
	case accounts.StructureScoped(a.Profil):
		return data.StructureScope(a.CodeStructure)
	case accounts.Regional(a.Profil):
		return data.RegionScope()
	}
	return data.Scope{}
}

// clientAddr is the caller's address for the audit log. Behind a reverse
// proxy on the loopback (Config.TrustProxy), it is the proxy's X-Real-IP.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.cfg.TrustProxy {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			if real := net.ParseIP(strings.TrimSpace(r.Header.Get("X-Real-IP"))); real != nil {
				return real.String()
			}
		}
	}
	return host
}

// routeKind says how a route answers an unauthenticated or held-back call.
type routeKind int

const (
	kindPage routeKind = iota // redirect to the login, CGU or password page
	kindAPI                   // JSON error
	kindGate                  // the CGU and password pages themselves
)

// authed wraps a handler: it finds the session (cookie) or access token
// (Authorization: Bearer) and checks it in the store on every request, so
// that a disabled account or an ended session is out at once; it checks the
// CSRF token of a state-changing browser request; it sends a person who has
// not accepted the current terms of use, or whose password is too old, to
// those pages first. Access tokens are never held back by them.
func (s *Server) authed(kind routeKind, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := &principal{}
		if auth := r.Header.Get("Authorization"); auth != "" && kind != kindGate {
			tok, ok := strings.CutPrefix(auth, "Bearer ")
			acc, err := s.cfg.Store.TokenAccount(ctx, strings.TrimSpace(tok))
			if !ok || err != nil {
				s.unauthenticated(w, r, kind)
				return
			}
			p.acc = acc
		} else {
			c, err := r.Cookie(cookieName)
			if err != nil {
				s.unauthenticated(w, r, kind)
				return
			}
			ss, acc, err := s.cfg.Store.Session(ctx, c.Value)
			if err != nil {
				if !errors.Is(err, accounts.ErrNoSession) {
					s.cfg.Log.Error("session", "err", err)
				}
				s.clearCookie(w)
				s.unauthenticated(w, r, kind)
				return
			}
			p.acc, p.session = acc, &ss
			if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.csrfOK(r, ss) {
				s.fail(w, r, kind, http.StatusForbidden, "jeton anti-falsification (CSRF) absent ou invalide : rechargez la page et recommencez")
				return
			}
			if kind != kindGate {
				if gate := s.gate(ctx, acc); gate != "" {
					if kind == kindAPI {
						s.fail(w, r, kind, http.StatusForbidden, "acceptez les conditions d'utilisation et changez le mot de passe s'il a expiré, dans le navigateur, avant d'utiliser l'API")
						return
					}
					http.Redirect(w, r, gate, http.StatusSeeOther)
					return
				}
			}
		}
		p.scope = scopeOf(p.acc)
		h(w, r.WithContext(context.WithValue(ctx, principalKey{}, p)))
	}
}

// gate returns the page a person must go through first ("" for none):
// the password change after 90 days, then the terms of use.
func (s *Server) gate(ctx context.Context, a accounts.Account) string {
	if a.PasswordExpired(s.cfg.Now()) {
		return "/mot-de-passe"
	}
	ok, err := s.cfg.Store.AcceptedCGU(ctx, a.Login, s.cfg.CGUVersion)
	if err != nil || !ok {
		return "/cgu"
	}
	return ""
}

func (s *Server) csrfOK(r *http.Request, ss accounts.Session) bool {
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.PostFormValue("csrf")
	}
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(ss.CSRF)) == 1
}

func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request, kind routeKind) {
	if kind == kindAPI {
		writeJSONError(w, http.StatusUnauthorized, "authentification requise : session absente ou expirée, ou jeton invalide")
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) setCookie(w http.ResponseWriter, tok string) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok, Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(accounts.SessionMax / time.Second)})
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// handleLoginPage shows the login form.
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", pageData{Title: "Connexion"})
}

// handleLogin checks the form and opens a session; the same page and 401
// for an unknown login, a wrong password, a disabled or locked account.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	login := strings.TrimSpace(r.PostFormValue("login"))
	pw := r.PostFormValue("password")
	ss, _, err := s.cfg.Store.Login(r.Context(), login, pw, s.clientAddr(r))
	if err != nil {
		if !errors.Is(err, accounts.ErrBadLogin) {
			s.cfg.Log.Error("login", "err", err)
		}
		s.render(w, r, http.StatusUnauthorized, "login", pageData{Title: "Connexion", Error: accounts.ErrBadLogin.Error()})
		return
	}
	s.setCookie(w, ss.Token)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	if p.session != nil {
		if err := s.cfg.Store.Logout(r.Context(), p.session.Token, p.acc.Login, s.clientAddr(r)); err != nil {
			s.cfg.Log.Error("logout", "err", err)
		}
	}
	s.clearCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// cguAfterPassword sends a person whose password is too old to its change
// first: then « the change form and nothing else » (console.md).
func (s *Server) cguAfterPassword(w http.ResponseWriter, r *http.Request) bool {
	if who(r).acc.PasswordExpired(s.cfg.Now()) {
		http.Redirect(w, r, "/mot-de-passe", http.StatusSeeOther)
		return true
	}
	return false
}

func (s *Server) handleCGUPage(w http.ResponseWriter, r *http.Request) {
	if s.cguAfterPassword(w, r) {
		return
	}
	s.render(w, r, http.StatusOK, "cgu", pageData{Title: "Conditions d'utilisation", Extra: s.cfg.CGUVersion})
}

func (s *Server) handleCGU(w http.ResponseWriter, r *http.Request) {
	if s.cguAfterPassword(w, r) {
		return
	}
	p := who(r)
	if r.PostFormValue("accepte") != "oui" {
		s.render(w, r, http.StatusBadRequest, "cgu", pageData{Title: "Conditions d'utilisation", Extra: s.cfg.CGUVersion,
			Error: "cochez la case pour accepter les conditions d'utilisation"})
		return
	}
	if err := s.cfg.Store.AcceptCGU(r.Context(), p.acc.Login, s.cfg.CGUVersion, s.clientAddr(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handlePasswordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", pageData{Title: "Changer le mot de passe",
		Extra: who(r).acc.PasswordExpired(s.cfg.Now())})
}

func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	ctx := r.Context()
	fail := func(msg string) {
		s.render(w, r, http.StatusBadRequest, "password", pageData{Title: "Changer le mot de passe",
			Extra: p.acc.PasswordExpired(s.cfg.Now()), Error: msg})
	}
	current, next, again := r.PostFormValue("actuel"), r.PostFormValue("nouveau"), r.PostFormValue("confirmation")
	if next != again {
		fail("les deux saisies du nouveau mot de passe diffèrent")
		return
	}
	// The current password is checked as a login would be (and counts
	// towards the lockout).
	if _, err := s.cfg.Store.Verify(ctx, p.acc.Login, current, s.clientAddr(r)); err != nil {
		fail("mot de passe actuel incorrect")
		return
	}
	err := s.cfg.Store.SetPassword(ctx, p.acc.Login, next, p.acc.Login, s.clientAddr(r))
	var inv *accounts.InvalidError
	switch {
	case errors.As(err, &inv):
		fail(inv.Message)
		return
	case errors.Is(err, accounts.ErrSamePassword):
		fail(err.Error())
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
