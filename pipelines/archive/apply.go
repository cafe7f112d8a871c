package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Modes of a batch, as recorded in archive_batches.mode.
const (
	ModeAutomatic = "automatique"
	ModeManual    = "manuel"
)

// Options drive an archiving.
type Options struct {
	AsOf      time.Time // D: date_archivage, and the plan's as-of date
	BackupDir string    // where « Sauvegarde avant archivage » is written
	RunID     int64     // the run recording this batch
	DryRun    bool      // say what would be archived; write nothing, change nothing
}

// Result is what an archiving did (or, in a dry run, would do).
type Result struct {
	RunID    int64 // the run recording the batch (0 in a dry run)
	Archived []Archived
	Backup   File // zero in a dry run or when nothing was archived
	// Counts is the number of dossiers per motif.
	Counts map[string]int
}

// Motifs returns the motifs of Counts, sorted.
func (r *Result) Motifs() []string {
	ms := make([]string, 0, len(r.Counts))
	for m := range r.Counts {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return ms
}

func (o Options) check() error {
	if o.AsOf.IsZero() {
		return errors.New("archive: no as-of date")
	}
	if !o.DryRun && o.BackupDir == "" {
		return warehouse.Refused(errors.New("archivage refusé : aucun dossier pour la sauvegarde « Sauvegarde avant archivage », qui doit être écrite avant toute anonymisation (--backup-dir)"))
	}
	return nil
}

// Apply archives every dossier the plan for opts.AsOf archives: it writes the
// backup first and, only once it is on disk, anonymises them all in one
// transaction that also records the batch. The old values still sit in the
// file's freed blocks until Compact rewrites it: call Compact once the
// warehouse is closed.
func Apply(ctx context.Context, w *warehouse.Warehouse, opts Options) (*Result, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if opts.DryRun {
		plan, err := Plan(ctx, w, opts.AsOf)
		if err != nil {
			return nil, err
		}
		res := &Result{Counts: map[string]int{}}
		for _, d := range plan {
			if d.Decision == DecisionArchive {
				res.Archived = append(res.Archived, Archived{IDDossier: d.IDDossier, CodeStructure: d.CodeStructure, Motif: d.Motif})
				res.Counts[d.Motif]++
			}
		}
		return res, nil
	}
	planSQL, err := readSQL(w.SQL, "archive/plan.sql")
	if err != nil {
		return nil, err
	}
	fill, err := readSQL(w.SQL, "archive/select_planned.sql")
	if err != nil {
		return nil, err
	}
	fill = strings.Replace(fill, "{{plan}}", planSQL, 1)
	return archive(ctx, w, opts, ModeAutomatic, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, fill, day(opts.AsOf)); err != nil {
			return fmt.Errorf("select planned dossiers: %w", err)
		}
		return nil
	})
}

// severalIDs recognises a dossier argument that names more than one dossier.
var severalIDs = regexp.MustCompile(`[\s,;|]`)

// ErrManualMotif is wrapped by the refusal of a motif a manual archiving does
// not accept.
var ErrManualMotif = errors.New("un archivage manuel n'accepte que les motifs demande_du_jeune ou deces")

// CheckManual validates the arguments of a manual archiving before any work:
// one dossier id, and a motif among ManualMotifs.
func CheckManual(id, motif string) error {
	if strings.TrimSpace(id) == "" {
		return warehouse.Refused(errors.New("archivage manuel refusé : aucun identifiant de dossier"))
	}
	if severalIDs.MatchString(id) {
		return warehouse.Refused(fmt.Errorf("archivage manuel refusé : %q désigne plusieurs dossiers ; archivez un seul dossier à la fois", id))
	}
	if !slices.Contains(ManualMotifs, motif) {
		return warehouse.Refused(fmt.Errorf("archivage manuel de %s refusé : motif %q : %w", id, motif, ErrManualMotif))
	}
	return nil
}

// Dossier archives one dossier by hand, for motif demande_du_jeune or deces:
// the same backup, anonymisation and record as Apply.
func Dossier(ctx context.Context, w *warehouse.Warehouse, id, motif string, opts Options) (*Result, error) {
	if err := CheckManual(id, motif); err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	q, err := readSQL(w.SQL, "archive/manual_check.sql")
	if err != nil {
		return nil, err
	}
	var code string
	var archived bool
	switch err := w.DB.QueryRowContext(ctx, q, id).Scan(&code, &archived); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, warehouse.Refused(fmt.Errorf("archivage manuel refusé : le dossier %q n'est pas dans l'entrepôt", id))
	case err != nil:
		return nil, fmt.Errorf("read dossier %s: %w", id, err)
	case archived:
		return nil, warehouse.Refused(fmt.Errorf("archivage manuel refusé : le dossier %s est déjà archivé", id))
	}
	if opts.DryRun {
		return &Result{Archived: []Archived{{IDDossier: id, CodeStructure: code, Motif: motif}}, Counts: map[string]int{motif: 1}}, nil
	}
	one, err := readSQL(w.SQL, "archive/select_one.sql")
	if err != nil {
		return nil, err
	}
	return archive(ctx, w, opts, ModeManual, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, one, id, motif); err != nil {
			return fmt.Errorf("select dossier %s: %w", id, err)
		}
		return nil
	})
}

// archive is the path Apply and Dossier share: fill archive_selection, write
// the backup, then anonymise and record in one transaction.
func archive(ctx context.Context, w *warehouse.Warehouse, opts Options, mode string, fill func(*sql.Conn) error) (res *Result, err error) {
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer conn.Close()
	files := map[string]string{}
	for _, name := range []string{"selection", "selected", "backup_rows", "anonymise", "record_batch", "drop_selection"} {
		if files[name], err = readSQL(w.SQL, "archive/"+name+".sql"); err != nil {
			return nil, err
		}
	}
	if files["anonymise"], err = anonymiseSQL(files["anonymise"]); err != nil {
		return nil, err
	}
	stepHook("selection")
	if err := execAll(ctx, conn, files["selection"]); err != nil {
		return nil, fmt.Errorf("archive selection: %w", err)
	}
	defer func() {
		// A fresh context: the selection goes even when ctx was cancelled.
		if _, derr := conn.ExecContext(context.Background(), files["drop_selection"]); derr != nil && err == nil {
			err = fmt.Errorf("drop archive selection: %w", derr)
		}
	}()
	if err := fill(conn); err != nil {
		return nil, err
	}
	res = &Result{RunID: opts.RunID, Counts: map[string]int{}}
	rows, err := conn.QueryContext(ctx, files["selected"])
	if err != nil {
		return nil, fmt.Errorf("read selection: %w", err)
	}
	for rows.Next() {
		var a Archived
		if err := rows.Scan(&a.IDDossier, &a.CodeStructure, &a.Motif); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read selection: %w", err)
		}
		res.Archived = append(res.Archived, a)
		res.Counts[a.Motif]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read selection: %w", err)
	}
	if len(res.Archived) == 0 {
		return res, nil
	}

	// The backup first: if it cannot be written in full, nothing is archived.
	stepHook("backup")
	rows, err = conn.QueryContext(ctx, files["backup_rows"], day(opts.AsOf))
	if err != nil {
		return nil, fmt.Errorf("read backup rows: %w", err)
	}
	name := "sauvegarde-avant-archivage-" + day(opts.AsOf) + "-run" + strconv.FormatInt(opts.RunID, 10) + ".xlsx"
	if opts.RunID == 0 {
		name = "sauvegarde-avant-archivage-" + day(opts.AsOf) + "-" + time.Now().Format("20060102T150405") + ".xlsx"
	}
	backup, err := writeXLSX(opts.BackupDir, name, backupSheet, backupHeader, rows)
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("sauvegarde « Sauvegarde avant archivage » non écrite dans %s, rien n'a été archivé : %w", opts.BackupDir, err)
	}
	if backup.Rows != len(res.Archived) {
		return nil, fmt.Errorf("la sauvegarde %s contient %d lignes pour %d dossiers : rien n'a été archivé", backup.Path, backup.Rows, len(res.Archived))
	}
	res.Backup = backup

	d := day(opts.AsOf)
	stepHook("anonymise")
	err = warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
		if err := execAll(ctx, tx, files["anonymise"], []any{d}); err != nil {
			return fmt.Errorf("anonymise: %w", err)
		}
		stepHook("record")
		run := opts.RunID
		if err := execAll(ctx, tx, files["record_batch"],
			[]any{run, mode, d, backup.Path, backup.SHA256, warehouse.LocalTimestamp(warehouse.Now())},
			[]any{run}, []any{run}, []any{run}); err != nil {
			return fmt.Errorf("record archive batch: %w", err)
		}
		return nil
	})
	if err != nil {
		discardBackup(w.DB, backup.Path)
		return nil, err
	}
	stepHook("committed")
	return res, nil
}

// discardBackup removes the backup of an archiving whose transaction did not
// commit: it would list as archived on that day dossiers that are not, and
// the next archiving writes its own. It is kept when the warehouse cannot say
// whether the batch was recorded: then it may be all that is left of the
// identities. It asks through db: a transaction stopped by its context
// may lose its connection.
func discardBackup(db *sql.DB, path string) {
	var recorded bool
	err := db.QueryRowContext(context.Background(), `SELECT EXISTS (SELECT 1 FROM archive_batches WHERE backup_path = ?)`, path).Scan(&recorded)
	if err != nil || recorded {
		return
	}
	if os.Remove(path) == nil {
		_ = syncDir(filepath.Dir(path))
	}
}

// stepHook is a test hook called as each step of an archiving begins
// ("selection", "backup", "anonymise", "record" inside the transaction) and
// once it committed ("committed"), to stop the process there in a test.
var stepHook = func(step string) {}
