package accounts

import "errors"

// Errors of the store, decided by type or identity, never by text. Their
// messages are French: they reach the user.
var (
	// ErrBadLogin is the one answer to a failed login, whatever the cause
	// (unknown login, wrong password, disabled or locked account), so that it
	// never tells whether a login exists.
	ErrBadLogin = errors.New("identifiant ou mot de passe incorrect, ou compte momentanément bloqué")
	// ErrNoAccount: the login names no account.
	ErrNoAccount = errors.New("aucun compte n'a cet identifiant")
	// ErrExists: an account has this login already.
	ErrExists = errors.New("un compte a déjà cet identifiant")
	// ErrNoSession: no session, or an ended or expired one.
	ErrNoSession = errors.New("session absente ou expirée : reconnectez-vous")
	// ErrBadToken: an unknown, revoked or expired access token.
	ErrBadToken = errors.New("jeton d'accès inconnu, révoqué ou expiré")
	// ErrSamePassword: the new password is the current one.
	ErrSamePassword = errors.New("le nouveau mot de passe doit être différent de l'ancien")
)

// InvalidError is a refused input (login, profile, structure, password): its
// message says what to change.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

func invalid(msg string) error { return &InvalidError{Message: msg} }

// UnknownStructureError is an account for a structure the warehouse does not
// know: a refusal of the input's content, not of its form (the command line
// exits 1, as every command refusing an unknown structure does).
type UnknownStructureError struct{ Code string }

func (e *UnknownStructureError) Error() string {
	return "structure " + e.Code + " inconnue de l'entrepôt"
}
