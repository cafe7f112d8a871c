package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// States of an analysis (console.md: analyses, la mallette).
const (
	AnalysisPersonal  = "personnelle" // its owner's only
	AnalysisProposed  = "proposee"    // proposed by an expert, awaiting a valideur
	AnalysisValidated = "validee"     // in the catalogue: every account sees it over its own scope
	AnalysisRefused   = "refusee"     // refused by a valideur, with the reason
)

// Displays of an analysis's result.
const (
	DisplayTable = "tableau" // the rows
	DisplayBars  = "barres"  // the rows, and a bar chart of the first two columns
)

// Analysis is a saved read-only SQL statement and how to show its result.
type Analysis struct {
	ID          int64
	Owner       string
	Titre       string
	Description string
	SQL         string
	Affichage   string
	Statut      string
	Version     int64 // counts the changes of its text
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DecidedBy   string
	DecidedAt   time.Time // zero: not decided
	Motif       string    // why it was refused
}

// ErrNoAnalysis: no analysis has this id, or not one the caller may act on.
var ErrNoAnalysis = errors.New("analyse introuvable")

// AnalysisInput is what an author writes.
type AnalysisInput struct {
	Titre, Description, SQL, Affichage string
}

// Limits of an analysis's texts.
const (
	maxTitre       = 120
	maxDescription = 2000
	maxAnalysisSQL = 20000
	maxMotif       = 500
)

// Validate checks an author's input; its error says what to change.
func (in *AnalysisInput) Validate() error {
	in.Titre, in.Description, in.SQL = strings.TrimSpace(in.Titre), strings.TrimSpace(in.Description), strings.TrimSpace(in.SQL)
	in.Description = strings.ReplaceAll(in.Description, "\r\n", "\n") // a browser's textarea
	switch {
	case in.Titre == "":
		return invalid("donnez un titre à l'analyse")
	case strings.IndexFunc(in.Titre, lineOrControl) >= 0:
		// The title heads the subscribers' emails: a line break there
		// would let it forge paragraphs of its own.
		return invalid("le titre tient sur une ligne : ni retour à la ligne, ni tabulation, ni autre caractère de contrôle")
	case strings.IndexFunc(in.Description, func(r rune) bool { return r != '\n' && lineOrControl(r) }) >= 0:
		return invalid("la description peut aller à la ligne, mais ne contient ni tabulation ni autre caractère de contrôle")
	case utf8.RuneCountInString(in.Titre) > maxTitre:
		return invalid(fmt.Sprintf("le titre dépasse %d caractères", maxTitre))
	case utf8.RuneCountInString(in.Description) > maxDescription:
		return invalid(fmt.Sprintf("la description dépasse %d caractères", maxDescription))
	case in.SQL == "":
		return invalid("écrivez la requête SQL de l'analyse")
	case len(in.SQL) > maxAnalysisSQL:
		return invalid(fmt.Sprintf("la requête dépasse %d caractères", maxAnalysisSQL))
	case in.Affichage != DisplayTable && in.Affichage != DisplayBars:
		return invalid("affichage inconnu : « tableau » ou « barres »")
	}
	return nil
}

// lineOrControl tells a control character (Unicode Cc: line breaks, tab,
// escape…) or a line or paragraph separator.
func lineOrControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// Label is the analysis as the audit log names it: its id and title.
func (a Analysis) Label() string {
	return "analyse " + strconv.FormatInt(a.ID, 10) + " « " + a.Titre + " »"
}

// CreateAnalysis saves a new personal analysis of owner and returns its id.
func (s *Store) CreateAnalysis(ctx context.Context, owner string, in AnalysisInput, addr string) (int64, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		r, err := tx.ExecContext(ctx, s.stmt("insert_analysis"), owner, in.Titre, in.Description, in.SQL, in.Affichage, now, now)
		if err != nil {
			return fmt.Errorf("create analysis: %w", err)
		}
		if id, err = r.LastInsertId(); err != nil {
			return fmt.Errorf("create analysis: %w", err)
		}
		return s.auditTx(ctx, tx, owner, "analyse_creee", Analysis{ID: id, Titre: in.Titre}.Label(), addr)
	})
	return id, err
}

// Analysis returns one analysis, whoever owns it (the console decides who
// may see it).
func (s *Store) Analysis(ctx context.Context, id int64) (Analysis, error) {
	a, err := scanAnalysis(s.db.QueryRowContext(ctx, s.stmt("get_analysis"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Analysis{}, ErrNoAnalysis
	}
	return a, err
}

// Analyses lists what login may open: its own analyses, the validated ones,
// and the proposed ones when it decides on them.
func (s *Store) Analyses(ctx context.Context, login string, deciding bool) ([]Analysis, error) {
	rows, err := s.db.QueryContext(ctx, s.stmt("list_analyses"), login, deciding)
	if err != nil {
		return nil, fmt.Errorf("analyses: %w", err)
	}
	defer rows.Close()
	var out []Analysis
	for rows.Next() {
		a, err := scanAnalysis(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAnalysis changes an analysis of owner; a proposed, validated or
// refused one becomes personal again (a valideur approved the former text).
func (s *Store) UpdateAnalysis(ctx context.Context, id int64, owner string, in AnalysisInput, addr string) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return s.ownerChange(ctx, "update_analysis", "analyse_modifiee", Analysis{ID: id, Titre: in.Titre}, owner, addr,
		in.Titre, in.Description, in.SQL, in.Affichage, s.now(), id, owner)
}

// DeleteAnalysis deletes an analysis of owner.
func (s *Store) DeleteAnalysis(ctx context.Context, a Analysis, owner, addr string) error {
	return s.ownerChange(ctx, "delete_analysis", "analyse_supprimee", a, owner, addr, a.ID, owner)
}

// ProposeAnalysis proposes a personal or refused analysis of owner to the
// catalogue.
func (s *Store) ProposeAnalysis(ctx context.Context, a Analysis, owner, addr string) error {
	return s.ownerChange(ctx, "propose_analysis", "analyse_proposee", a, owner, addr, s.now(), a.ID, owner)
}

// ownerChange runs one statement that changes exactly one analysis (its
// WHERE clause names the owner and the states it may be changed from) and
// audits it; ErrNoAnalysis when it changed none.
func (s *Store) ownerChange(ctx context.Context, stmt, action string, a Analysis, by, addr string, args ...any) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, s.stmt(stmt), args...)
		if err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
			return ErrNoAnalysis
		}
		return s.auditTx(ctx, tx, by, action, a.Label(), addr)
	})
}

// DecideAnalysis validates or refuses a proposed analysis as the valideur
// read it (version: Analysis.Version then); a refusal says why.
// ErrNoAnalysis when it is no longer proposed, or changed since.
func (s *Store) DecideAnalysis(ctx context.Context, a Analysis, version int64, validate bool, motif, by, addr string) error {
	motif = strings.TrimSpace(motif)
	statut, action := AnalysisValidated, "analyse_validee"
	var why any
	if !validate {
		if motif == "" {
			return invalid("dites à l'auteur pourquoi l'analyse est refusée")
		}
		if utf8.RuneCountInString(motif) > maxMotif {
			return invalid(fmt.Sprintf("le motif dépasse %d caractères", maxMotif))
		}
		statut, action, why = AnalysisRefused, "analyse_refusee", motif
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, s.stmt("decide_analysis"), statut, by, s.now(), why, a.ID, version)
		if err != nil {
			return fmt.Errorf("decide analysis: %w", err)
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return fmt.Errorf("decide analysis: %w", err)
			}
			return ErrNoAnalysis
		}
		return s.auditTx(ctx, tx, by, action, a.Label(), addr)
	})
}

func scanAnalysis(sc interface{ Scan(...any) error }) (Analysis, error) {
	var a Analysis
	var created, updated, decided int64
	if err := sc.Scan(&a.ID, &a.Owner, &a.Titre, &a.Description, &a.SQL, &a.Affichage, &a.Statut, &a.Version, &created, &updated,
		&a.DecidedBy, &decided, &a.Motif); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, err
		}
		return a, fmt.Errorf("analysis: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	if decided != 0 {
		a.DecidedAt = time.Unix(decided, 0)
	}
	return a, nil
}
