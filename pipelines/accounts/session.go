package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Session limits of console.md.
const (
	SessionIdle   = 30 * time.Minute
	SessionMax    = 12 * time.Hour
	LockoutWindow = 15 * time.Minute
	LockoutAfter  = 5
)

// Session is a browser session, kept server-side.
type Session struct {
	// Token goes to the cookie; only its SHA-256 is stored.
	Token string
	// CSRF is the token every state-changing form carries.
	CSRF      string
	Login     string
	CreatedAt time.Time
}

// newToken returns 32 random bytes (256 bits), URL-safe.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// Verify checks a login and password without opening a session (the
// password change form asks for the current one). Failures are ErrBadLogin
// and count towards the lockout, as at login.
//
// A try is counted as a failure before its password is checked, in one
// transaction with the count of earlier failures (the store's writer lock
// orders them), and taken back if it succeeds: guesses sent at once are
// counted one after the other, so the fifth locks the login even while the
// first ones are still being hashed.
func (s *Store) Verify(ctx context.Context, login, pw, addr string) (Account, error) {
	now := s.Now()
	var locked bool
	var try int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		var last int64
		if err := tx.QueryRowContext(ctx, s.stmt("count_failures"), login, now.Add(-LockoutWindow).Unix()).Scan(&n, &last); err != nil {
			return err
		}
		if locked = n >= LockoutAfter; locked {
			return nil
		}
		r, err := tx.ExecContext(ctx, s.stmt("insert_failure"), login, now.Unix())
		if err != nil {
			return err
		}
		try, err = r.LastInsertId()
		return err
	})
	if err != nil {
		return Account{}, fmt.Errorf("login: %w", err)
	}
	a, err := s.Get(ctx, login)
	known := err == nil
	if err != nil && !errors.Is(err, ErrNoAccount) {
		return Account{}, err
	}
	hash := dummyHash
	if known {
		hash = a.hash
	}
	ok := verifyPassword(hash, pw) // always, so that timing tells nothing
	if ok && known && !a.Disabled && !locked {
		if _, err := s.exec(ctx, "delete_failure", try); err != nil {
			return Account{}, fmt.Errorf("login: %w", err)
		}
		return a, nil
	}
	reason := "echec_connexion"
	if locked {
		reason = "echec_connexion_compte_bloque"
	}
	if err := s.Audit(ctx, login, reason, "", addr); err != nil {
		return Account{}, fmt.Errorf("login: %w", err)
	}
	return Account{}, ErrBadLogin
}

// Login checks a login and password and opens a session. Every failure is
// ErrBadLogin, after the same work, and counts towards the lockout of the
// login typed (known or not). addr goes to the audit log.
func (s *Store) Login(ctx context.Context, login, pw, addr string) (Session, Account, error) {
	a, err := s.Verify(ctx, login, pw, addr)
	if err != nil {
		return Session{}, Account{}, err
	}
	now := s.Now()
	tok, err := newToken()
	if err != nil {
		return Session{}, Account{}, err
	}
	csrf, err := newToken()
	if err != nil {
		return Session{}, Account{}, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.stmt("clear_failures"), login); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.stmt("prune_failures"), now.Add(-LockoutWindow).Unix()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.stmt("prune_sessions"), now.Add(-SessionIdle).Unix(), now.Add(-SessionMax).Unix()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.stmt("insert_session"), hashToken(tok), login, csrf, now.Unix(), now.Unix()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.stmt("set_last_login"), now.Unix(), login); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, login, "connexion", "", addr)
	})
	if err != nil {
		return Session{}, Account{}, fmt.Errorf("login: %w", err)
	}
	a.LastLogin = now
	return Session{Token: tok, CSRF: csrf, Login: login, CreatedAt: now}, a, nil
}

// Session returns the live session of a cookie token and its account, and
// marks it used. An ended, idle (30 min) or old (12 h) session, or one whose
// account is disabled, is ErrNoSession.
func (s *Store) Session(ctx context.Context, tok string) (Session, Account, error) {
	if tok == "" {
		return Session{}, Account{}, ErrNoSession
	}
	id := hashToken(tok)
	var ss Session
	var created, seen int64
	err := s.db.QueryRowContext(ctx, s.stmt("get_session"), id).Scan(&ss.Login, &ss.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Account{}, ErrNoSession
	}
	if err != nil {
		return Session{}, Account{}, fmt.Errorf("session: %w", err)
	}
	now := s.Now()
	if now.Sub(time.Unix(seen, 0)) >= SessionIdle || now.Sub(time.Unix(created, 0)) >= SessionMax {
		if _, err := s.exec(ctx, "delete_session", id); err != nil {
			return Session{}, Account{}, err
		}
		return Session{}, Account{}, ErrNoSession
	}
	a, err := s.Get(ctx, ss.Login)
	if errors.Is(err, ErrNoAccount) || (err == nil && a.Disabled) {
		return Session{}, Account{}, ErrNoSession
	}
	if err != nil {
		return Session{}, Account{}, err
	}
	// Written at most once a minute: reads stay reads.
	if now.Unix()-seen >= 60 {
		if _, err := s.exec(ctx, "touch_session", now.Unix(), id); err != nil {
			return Session{}, Account{}, err
		}
	}
	ss.Token, ss.CreatedAt = tok, time.Unix(created, 0)
	return ss, a, nil
}

// Logout ends a session server-side.
func (s *Store) Logout(ctx context.Context, tok, login, addr string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.stmt("delete_session"), hashToken(tok)); err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		return s.auditTx(ctx, tx, login, "deconnexion", "", addr)
	})
}

// NewAccessToken creates a personal access token for scripts; it is shown
// once and stored hashed. expire 0 means no expiry of its own.
func (s *Store) NewAccessToken(ctx context.Context, login string, expire time.Duration, by, addr string) (string, error) {
	a, err := s.Get(ctx, login)
	if err != nil {
		return "", err
	}
	if a.Disabled {
		return "", invalid(fmt.Sprintf("le compte %s est désactivé : réactivez-le d'abord (vigie users enable %s)", login, login))
	}
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	tok = "vigie_" + tok
	now := s.now()
	var exp any
	if expire > 0 {
		exp = now + int64(expire/time.Second)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.stmt("insert_token"), hashToken(tok), login, now, exp); err != nil {
			return fmt.Errorf("token: %w", err)
		}
		return s.auditTx(ctx, tx, by, "jeton_cree", login, addr)
	})
	if err != nil {
		return "", err
	}
	return tok, nil
}

// RevokeTokens ends every access token of an account.
func (s *Store) RevokeTokens(ctx context.Context, login, by, addr string) error {
	if _, err := s.Get(ctx, login); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.stmt("delete_tokens_of"), login); err != nil {
			return fmt.Errorf("revoke: %w", err)
		}
		return s.auditTx(ctx, tx, by, "jetons_revoques", login, addr)
	})
}

// TokenAccount returns the account of a live access token.
func (s *Store) TokenAccount(ctx context.Context, tok string) (Account, error) {
	if tok == "" {
		return Account{}, ErrBadToken
	}
	var login string
	var exp int64
	err := s.db.QueryRowContext(ctx, s.stmt("get_token"), hashToken(tok)).Scan(&login, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrBadToken
	}
	if err != nil {
		return Account{}, fmt.Errorf("token: %w", err)
	}
	if exp > 0 && s.now() >= exp {
		return Account{}, ErrBadToken
	}
	a, err := s.Get(ctx, login)
	if errors.Is(err, ErrNoAccount) || (err == nil && a.Disabled) {
		return Account{}, ErrBadToken
	}
	return a, err
}

// AcceptCGU records that login accepted this version of the terms of use.
func (s *Store) AcceptCGU(ctx context.Context, login, version, addr string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.stmt("accept_cgu"), login, version, s.now()); err != nil {
			return fmt.Errorf("cgu: %w", err)
		}
		return s.auditTx(ctx, tx, login, "cgu_acceptees", "version "+version, addr)
	})
}

// AcceptedCGU tells whether login accepted this version.
func (s *Store) AcceptedCGU(ctx context.Context, login, version string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.stmt("has_cgu"), login, version).Scan(&n); err != nil {
		return false, fmt.Errorf("cgu: %w", err)
	}
	return n > 0, nil
}
