package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/email"
)

// Profiles of console.md.
const (
	Standard = "standard"
	Avance   = "avance"
	Expert   = "expert"
	Valideur = "valideur"
	Analyste = "analyste"
	Admin    = "admin"
)

// Profiles lists every profile, structure-scoped first.
var Profiles = []string{Standard, Avance, Expert, Valideur, Analyste, Admin}

// PasswordMaxAge is how long a password is valid (console.md: 90 days).
const PasswordMaxAge = 90 * 24 * time.Hour

// Account is one console account.
type Account struct {
	Login             string
	Profil            string
	CodeStructure     string // only for standard and avance
	Nom               string
	Email             string
	PasswordChangedAt time.Time
	Disabled          bool
	LastLogin         time.Time // zero: never
	hash              string
}

// StructureScoped tells whether the profile sees one structure only.
func StructureScoped(profil string) bool { return profil == Standard || profil == Avance }

// Regional tells whether the profile reads every structure's data.
func Regional(profil string) bool {
	return profil == Analyste || profil == Expert || profil == Valideur
}

// Etat is the account's state as `vigie users list` prints it: actif or
// desactive.
func (a Account) Etat() string {
	if a.Disabled {
		return "desactive"
	}
	return "actif"
}

// PasswordExpired tells whether the account must change its password first.
func (a Account) PasswordExpired(now time.Time) bool {
	return now.Sub(a.PasswordChangedAt) >= PasswordMaxAge
}

var (
	loginRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)
	structureRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// NewAccount is what `vigie users add` gives.
type NewAccount struct {
	Login, Profil, CodeStructure, Nom, Email, Password string
}

// Validate checks a new account before anything is written. known tells
// whether a structure code exists in the warehouse.
func (n NewAccount) Validate(known func(string) bool) error {
	if !loginRe.MatchString(n.Login) {
		return invalid(fmt.Sprintf("identifiant %q refusé : de 2 à 63 caractères parmi les minuscules, les chiffres, le point, - et _, en commençant par une lettre ou un chiffre", n.Login))
	}
	if !slices.Contains(Profiles, n.Profil) {
		return invalid(fmt.Sprintf("profil %q inconnu : choisissez parmi %s", n.Profil, strings.Join(Profiles, ", ")))
	}
	switch {
	case StructureScoped(n.Profil) && n.CodeStructure == "":
		return invalid(fmt.Sprintf("le profil %s voit une structure : donnez-la avec --structure", n.Profil))
	case !StructureScoped(n.Profil) && n.CodeStructure != "":
		return invalid(fmt.Sprintf("le profil %s n'est rattaché à aucune structure : retirez --structure", n.Profil))
	case n.CodeStructure != "" && !structureRe.MatchString(n.CodeStructure):
		return invalid(fmt.Sprintf("code de structure %q invalide : seuls les lettres, les chiffres, - et _ sont admis", n.CodeStructure))
	case n.CodeStructure != "" && !known(n.CodeStructure):
		return &UnknownStructureError{Code: n.CodeStructure}
	}
	if strings.ContainsAny(n.Nom, "\r\n\x00") {
		return invalid("le nom tient sur une ligne")
	}
	if n.Email != "" {
		if err := CheckEmail(n.Email); err != nil {
			return err
		}
	}
	return CheckPassword(n.Password)
}

// CheckEmail refuses what is not one bare address (nom@domaine) as the
// delivery's SMTP envelope takes it (delivery.BareAddress): no display name,
// no second address, no space or line break. An address refused there would
// leave the subscriber's files in the outbox without a word.
func CheckEmail(e string) error {
	if !email.Bare(e) {
		return invalid(fmt.Sprintf("adresse électronique %q invalide : donnez une adresse seule, sans nom ni chevrons, par exemple claire.martin@ml16.fr", e))
	}
	return nil
}

// Add creates an account; by names who did it for the audit log.
func (s *Store) Add(ctx context.Context, n NewAccount, known func(string) bool, by, addr string) error {
	if err := n.Validate(known); err != nil {
		return err
	}
	hash, err := hashPassword(n.Password)
	if err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n0 int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE login = ?`, n.Login).Scan(&n0); err != nil {
			return fmt.Errorf("add: %w", err)
		}
		if n0 > 0 {
			return ErrExists
		}
		if _, err := tx.ExecContext(ctx, s.stmt("insert_account"), n.Login, n.Profil, nullable(n.CodeStructure),
			nullable(n.Nom), nullable(n.Email), hash, now, now); err != nil {
			return fmt.Errorf("add: %w", err)
		}
		return s.auditTx(ctx, tx, by, "compte_cree", n.Login+" ("+n.Profil+")", addr)
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func scanAccount(sc interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var changed, last int64
	var disabled int
	if err := sc.Scan(&a.Login, &a.Profil, &a.CodeStructure, &a.Nom, &a.Email, &a.hash, &changed, &disabled, &last); err != nil {
		return Account{}, err
	}
	a.PasswordChangedAt = time.Unix(changed, 0)
	if last > 0 {
		a.LastLogin = time.Unix(last, 0)
	}
	a.Disabled = disabled != 0
	return a, nil
}

// Get returns one account, ErrNoAccount when none has this login.
func (s *Store) Get(ctx context.Context, login string) (Account, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, s.stmt("get_account"), login))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNoAccount
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: %w", err)
	}
	return a, nil
}

// List returns every account, by login.
func (s *Store) List(ctx context.Context) ([]Account, error) {
	rows, err := s.db.QueryContext(ctx, s.stmt("list_accounts"))
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetDisabled disables or enables an account. Disabling ends its sessions
// and tokens at once.
func (s *Store) SetDisabled(ctx context.Context, login string, disabled bool, by, addr string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		flag, action := 0, "compte_active"
		if disabled {
			flag, action = 1, "compte_desactive"
		}
		r, err := tx.ExecContext(ctx, s.stmt("set_disabled"), flag, login)
		if err != nil {
			return fmt.Errorf("disable: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrNoAccount
		}
		if disabled {
			if err := s.endAccess(ctx, tx, login); err != nil {
				return err
			}
		}
		return s.auditTx(ctx, tx, by, action, login, addr)
	})
}

func (s *Store) endAccess(ctx context.Context, tx *sql.Tx, login string) error {
	if _, err := tx.ExecContext(ctx, s.stmt("delete_sessions_of"), login); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.stmt("delete_tokens_of"), login); err != nil {
		return fmt.Errorf("end tokens: %w", err)
	}
	return nil
}

// SetPassword gives an account a new password, which must differ from the
// current one.
func (s *Store) SetPassword(ctx context.Context, login, pw, by, addr string) error {
	if err := CheckPassword(pw); err != nil {
		return err
	}
	a, err := s.Get(ctx, login)
	if err != nil {
		return err
	}
	if verifyPassword(a.hash, pw) {
		return ErrSamePassword
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.stmt("set_password"), hash, s.now(), login); err != nil {
			return fmt.Errorf("passwd: %w", err)
		}
		return s.auditTx(ctx, tx, by, "mot_de_passe_change", login, addr)
	})
}

// SetEmail gives an account an email address, or removes it (""): where
// its subscriptions are sent, the outbox only without one. The address it
// has already changes nothing and is not audited: changed says whether
// anything changed.
func (s *Store) SetEmail(ctx context.Context, login, email, by, addr string) (changed bool, err error) {
	if email != "" {
		if err := CheckEmail(email); err != nil {
			return false, err
		}
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		a, err := scanAccount(tx.QueryRowContext(ctx, s.stmt("get_account"), login))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoAccount
		}
		if err != nil {
			return fmt.Errorf("email: %w", err)
		}
		if a.Email == email {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.stmt("set_email"), nullable(email), login); err != nil {
			return fmt.Errorf("email: %w", err)
		}
		changed = true
		// The new address is named: where an account's files now go is
		// what an audit of a leak looks for.
		objet := login + " : adresse électronique retirée"
		if email != "" {
			objet = login + " : adresse électronique " + email
		}
		return s.auditTx(ctx, tx, by, "compte_modifie", objet, addr)
	})
	return changed, err
}
