// Package ingest loads an extraction (extract-format.md) into the
// warehouse: every file is read by DuckDB (CSV, Parquet) or through Arrow
// (XLSX), its values checked by generated SQL on the way into a staging
// table (a CSV file in one pass; a Parquet or XLSX file through a table of
// text), its keys and references checked there, and the whole extraction is
// upserted by key in one transaction. Every row read is loaded or
// quarantined with its file, line, column, value and reason.
package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// DefaultMaxRejectRatio is the share of quarantined rows above which an
// extraction is refused.
const DefaultMaxRejectRatio = 0.01

// Options tune an ingestion.
type Options struct {
	// MaxRejectRatio: above this share of quarantined rows the extraction is
	// refused. 0 means DefaultMaxRejectRatio; a negative value refuses any
	// quarantined row.
	MaxRejectRatio float64
	// Encoding of CSV files: "" (detect), "utf-8" or "windows-1252".
	Encoding string
	// Progress, when set, receives one line per step (a terminal).
	Progress io.Writer
	Logger   *slog.Logger
	// RunID is the run record the caller opened (steps.Run, the inbox
	// watch): an ingestion never opens its own.
	RunID int64
	// MemoryLimit for DuckDB during the load (default 1GB); larger loads
	// spill to disk, in a private folder removed after.
	MemoryLimit string
	// Limits bound the files (zero fields: the defaults).
	Limits Limits
}

// FileResult is the outcome for one file: Read = Loaded + Quarantined.
type FileResult struct {
	Table, File, Format, Encoding string
	Read, Loaded, Quarantined     int64
	// TransferKept counts rows whose transferred column kept the
	// destination of a transfer vigie executed.
	TransferKept int64
	// ArchivedDropped counts rows of archived dossiers whose identity or
	// free text was dropped on the way in.
	ArchivedDropped int64
	UnknownColumns  []string
	// AbsentColumns are the table's optional columns the file does not
	// carry: reloaded rows keep their stored values there.
	AbsentColumns []string
}

// QuarantineSample is one quarantined row, for the command's summary.
// Value is empty (Masked) when the column holds a person's identity or free
// text, or when the value could be personal (see NotPersonal).
type QuarantineSample struct {
	File   string
	Line   int64
	Column string
	Value  string
	Masked bool
	Reason string
}

// Result is the outcome of an ingestion.
type Result struct {
	RunID   int64
	Files   []FileResult
	Refused bool
	// Samples holds the first quarantined rows (at most 20).
	Samples []QuarantineSample
	// Quarantined and Read are totals over the extraction.
	Read, Quarantined int64
	// Timings says where the time went: each file's reading ("read
	// dossiers": decoding, DuckDB's read_csv and, for a CSV file, the
	// parsing of every value), its checking ("check dossiers": keys,
	// references, the quarantine), then the one transaction that loads
	// every table ("load").
	Timings []Timing
	// IdentityChanges counts the dossiers whose justified identity this
	// extraction changed (rules.md IDJ), recorded in identity_changes.
	IdentityChanges int64
}

// Timing is the duration of one step of a load.
type Timing struct {
	Step     string
	Duration time.Duration
}

// ErrRefused is wrapped by the error of a refused extraction.
var ErrRefused = errors.New("extraction refusée")

// phaseHook is a test hook called as each phase of a load begins ("scan",
// "read", "check", "load") and once the load committed ("committed"), to
// stop the process there in a test.
var phaseHook = func(phase string) {}

// afterUpsert is a test hook called inside the load transaction after each
// table is upserted (to kill the process half-way in a test).
var afterUpsert func(table string)

// Run loads the extraction in dir into w, under the run record opt.RunID.
func Run(ctx context.Context, w *warehouse.Warehouse, dir string, opt Options) (*Result, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.MaxRejectRatio == 0 {
		opt.MaxRejectRatio = DefaultMaxRejectRatio
	}
	switch opt.Encoding {
	case EncodingAuto, EncodingUTF8, EncodingWindows1252:
	default:
		return nil, fmt.Errorf("encodage inconnu %q : utilisez utf-8 ou windows-1252", opt.Encoding)
	}
	if opt.RunID == 0 {
		return nil, errors.New("ingest: no run record: the caller opens it (steps.Run)")
	}
	opt.Limits = opt.Limits.withDefaults()
	files, err := findFiles(dir)
	if err != nil {
		return nil, err
	}
	res := &Result{RunID: opt.RunID}
	err = load(ctx, w, files, opt, res)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		// DuckDB reports a query interrupted by the cancellation as its
		// own error: the run was stopped, not failed.
		err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return res, err
}

// CheckDir refuses, as Run would, a folder that holds no extraction to load
// (missing, or without any extract file), so that a caller can refuse it
// before creating a warehouse for it.
func CheckDir(dir string) error {
	_, err := findFiles(dir)
	return err
}

// findFiles lists the extract files of dir, one per table at most.
func findFiles(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, warehouse.Refused(fmt.Errorf("%w : le dossier %s est introuvable", ErrRefused, dir))
	}
	if err != nil {
		return nil, warehouse.Refused(fmt.Errorf("%w : dossier de l'extraction %s : %s", ErrRefused, dir, french.FileError(err)))
	}
	files := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := strings.ToLower(e.Name())
		for _, ext := range []string{".csv.gz", ".csv", ".xlsx", ".parquet"} {
			base, ok := strings.CutSuffix(name, ext)
			if !ok {
				continue
			}
			if _, known := TableByName(base); known {
				if err := checkRegular(filepath.Join(dir, e.Name())); err != nil {
					return nil, warehouse.Refused(fmt.Errorf("%w : %w", ErrRefused, err))
				}
				if prev, dup := files[base]; dup {
					return nil, warehouse.Refused(fmt.Errorf("%w : deux fichiers pour la table %s : %s et %s ; gardez-en un",
						ErrRefused, base, filepath.Base(prev), e.Name()))
				}
				files[base] = filepath.Join(dir, e.Name())
			}
			break
		}
	}
	if len(files) == 0 {
		return nil, warehouse.Refused(fmt.Errorf("%w : %s ne contient aucun fichier d'extraction (attendu par exemple dossiers.csv, voir extract-format.md)", ErrRefused, dir))
	}
	return files, nil
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "\r\033[K"+format, args...)
	}
}

func load(ctx context.Context, w *warehouse.Warehouse, files map[string]string, opt Options, res *Result) error {
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	macros, err := sqlfiles.Read(w.SQL, "ingest/macros.sql")
	if err != nil {
		return err
	}
	limit := opt.MemoryLimit
	if limit == "" {
		limit = "1GB"
	}
	restore, err := w.LimitMemory(ctx, limit)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer restore()
	if _, err := conn.ExecContext(ctx, macros); err != nil {
		return fmt.Errorf("load ingest macros: %w", err)
	}
	identity, err := readIdentitySQL(w.SQL)
	if err != nil {
		return err
	}
	tmpDir, err := w.MkdirTemp("ingest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	// The Go pass over each CSV file runs ahead, on its own core, while
	// DuckDB reads and checks the previous files.
	scans := startScans(ctx, files, tmpDir, opt.Encoding, opt.Limits)
	defer scans.close()
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE quar (table_name VARCHAR, file VARCHAR, line BIGINT,
		column_name VARCHAR, value VARCHAR, reason VARCHAR, row_data JSON)`); err != nil {
		return err
	}
	referenced := map[string]bool{}
	for _, t := range Tables {
		for _, c := range t.Columns {
			if c.Ref != "" {
				referenced[c.Ref] = true
			}
		}
	}
	prior, err := readPrior(ctx, conn)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	var stagedTables []*staged
	n, total := 0, len(files)
	for _, t := range Tables {
		file, ok := files[t.Name]
		if !ok {
			continue
		}
		n++
		start := time.Now()
		opt.progress("chargement %d/%d : lecture de %s", n, total, filepath.Base(file))
		for _, c := range t.Columns {
			if c.Ref != "" && !keys[c.Ref] {
				ref, _ := TableByName(c.Ref)
				if _, err := conn.ExecContext(ctx, keysSQL(ref, false)); err != nil {
					return err
				}
				keys[c.Ref] = true
			}
		}
		phaseHook("read")
		st, err := stageFile(ctx, conn, t, file, scans, tmpDir, opt.Limits)
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("read %s: %w", file, ctx.Err())
		}
		if err != nil {
			var ce *columnError
			var fe *FileError
			if errors.As(err, &ce) || errors.As(err, &fe) {
				// It names the file and says what is wrong with it.
				return warehouse.Refused(fmt.Errorf("%w : %w", ErrRefused, err))
			}
			return warehouse.Refused(fmt.Errorf("%w : %s est illisible : %w", ErrRefused, file, err))
		}
		if len(st.unknown) > 0 {
			opt.Logger.Debug("unknown columns ignored", "file", file, "columns", strings.Join(st.unknown, ","))
		}
		read := time.Now()
		res.Timings = append(res.Timings, Timing{Step: "read " + t.Name, Duration: read.Sub(start)})
		opt.progress("chargement %d/%d : vérification de %s (%d lignes)", n, total, filepath.Base(file), st.rows)
		phaseHook("check")
		if st.hasRaw() {
			// Written in the order of raw_<table>: a row's rowid is the same in both.
			if _, err := conn.ExecContext(ctx, stagingSQL(t, rawTable(t))); err != nil {
				return fmt.Errorf("%s: validate: %w", file, err)
			}
		}
		if err := unordered(ctx, conn, func() error {
			// Keys are seldom duplicated: the duplicates are looked for
			// among the parsed keys, and only rows holding one are marked.
			if _, err := conn.ExecContext(ctx, dupsSQL(t)); err != nil {
				return err
			}
			var dups bool
			if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+dupsTable(t)+`)`).Scan(&dups); err != nil {
				return err
			}
			for _, q := range checkSQL(t, dups) {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("%s: validate: %w", file, err)
		}
		fr, err := finishStaging(ctx, conn, st, prior, tmpDir)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		res.Timings = append(res.Timings, Timing{Step: "check " + t.Name, Duration: time.Since(read)})
		if referenced[t.Name] {
			if _, err := conn.ExecContext(ctx, keysSQL(t, true)); err != nil {
				return err
			}
			keys[t.Name] = true
		}
		res.Files = append(res.Files, *fr)
		res.Read += fr.Read
		res.Quarantined += fr.Quarantined
		stagedTables = append(stagedTables, st)
		opt.Logger.Debug("staged", "file", file, "rows", fr.Read, "quarantined", fr.Quarantined, "elapsed", time.Since(start))
	}
	if err := readSamples(ctx, conn, res); err != nil {
		return err
	}
	if tooManyRejects(res, opt.MaxRejectRatio) {
		res.Refused = true
		// Keep the run's counts and quarantine for the analyst; load no data.
		err := warehouse.InTx(ctx, conn, func(tx *sql.Tx) error { return record(ctx, tx, res) })
		if err != nil {
			return err
		}
		opt.progress("")
		return warehouse.Refused(fmt.Errorf("%w : %d lignes sur %d mises en quarantaine (%.2f %%), au-delà de --max-reject-ratio %.4g ; l'entrepôt est inchangé",
			ErrRefused, res.Quarantined, res.Read, 100*float64(res.Quarantined)/float64(res.Read), max(opt.MaxRejectRatio, 0)))
	}
	opt.progress("chargement : écriture de %d tables dans l'entrepôt", len(stagedTables))
	phaseHook("load")
	start := time.Now()
	var loads []Timing
	err = unordered(ctx, conn, func() error {
		err := warehouse.InTx(ctx, conn, func(tx *sql.Tx) error {
			return loadAll(ctx, tx, stagedTables, identity, res, &loads)
		})
		if err == nil {
			phaseHook("committed")
		}
		return err
	})
	opt.progress("")
	if err != nil {
		return err
	}
	var upserts time.Duration
	for _, l := range loads {
		upserts += l.Duration
	}
	res.Timings = append(res.Timings, loads...)
	res.Timings = append(res.Timings, Timing{Step: "load commit", Duration: time.Since(start) - upserts})
	opt.Logger.Debug("loaded", "tables", len(stagedTables), "elapsed", time.Since(start))
	return nil
}

// unordered runs fn with DuckDB free to reorder rows, which lets it write
// tables with both cores. The rows of stg_<table> and raw_<table> are
// written in file order (their rowid is their position), the marks of the
// checks and the tables loaded are written so.
func unordered(ctx context.Context, conn *sql.Conn, fn func() error) error {
	if _, err := conn.ExecContext(ctx, `SET preserve_insertion_order = false`); err != nil {
		return err
	}
	err := fn()
	// Not stopped by a cancellation: after a load that committed, it would
	// record as cancelled an extraction that is loaded.
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `RESET preserve_insertion_order`); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// loadAll upserts every staged table and records the run, in tx; before the
// dossiers, it records the justified identities they change (identity, the
// statements of sql/ingest/identity_changes.sql and identity_blanked.sql).
func loadAll(ctx context.Context, tx *sql.Tx, stagedTables []*staged, identity identitySQL, res *Result, loads *[]Timing) error {
	for _, st := range stagedTables {
		t0 := time.Now()
		if st.table.Name == "dossiers" {
			n, err := recordIdentityChanges(ctx, tx, identity, res.RunID)
			if err != nil {
				return err
			}
			res.IdentityChanges = n
		}
		if err := upsert(ctx, tx, st); err != nil {
			return fmt.Errorf("load %s: %w", st.table.Name, err)
		}
		*loads = append(*loads, Timing{Step: "load " + st.table.Name, Duration: time.Since(t0)})
		if afterUpsert != nil {
			afterUpsert(st.table.Name)
		}
	}
	return record(ctx, tx, res)
}

func stageFile(ctx context.Context, conn *sql.Conn, t *Table, file string, scans *prefetch, tmpDir string, lim Limits) (*staged, error) {
	lower := strings.ToLower(file)
	switch {
	case strings.HasSuffix(lower, ".xlsx"):
		return stageXLSX(ctx, conn, t, file, tmpDir, lim)
	case strings.HasSuffix(lower, ".parquet"):
		return stageParquet(ctx, conn, t, file)
	default:
		return stageCSV(ctx, conn, t, file, scans)
	}
}

// tooManyRejects tells whether the extraction's quarantined share is above
// ratio; a negative ratio (0 on the command line) refuses any quarantined row.
func tooManyRejects(res *Result, ratio float64) bool {
	if res.Read == 0 || res.Quarantined == 0 {
		return false
	}
	if ratio < 0 {
		return true
	}
	// Not "> ratio": a ratio of NaN must refuse, not let everything through.
	return !(float64(res.Quarantined)/float64(res.Read) <= ratio)
}

// prior is what of the warehouse's past an incoming row may have to yield
// to: archived dossiers, and the columns that executed transfers changed.
type prior struct {
	archived    bool            // some dossier is archived
	transferred map[string]bool // "table.column" changed by an executed transfer
}

func readPrior(ctx context.Context, conn *sql.Conn) (prior, error) {
	p := prior{transferred: map[string]bool{}}
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM dossiers WHERE archive)`).Scan(&p.archived); err != nil {
		return p, fmt.Errorf("read archived dossiers: %w", err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT table_name || '.' || column_name FROM transfer_journal`)
	if err != nil {
		return p, fmt.Errorf("read transfer journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tc string
		if err := rows.Scan(&tc); err != nil {
			return p, err
		}
		p.transferred[tc] = true
	}
	return p, rows.Err()
}

// finishStaging moves the quarantined rows of a checked file to quar, then
// applies the rules that depend on the warehouse (archived dossiers,
// executed transfers) to the rows to load, and counts the rows. What the
// warehouse holds no trace of is not looked for.
func finishStaging(ctx context.Context, conn *sql.Conn, st *staged, pr prior, tmpDir string) (*FileResult, error) {
	t := st.table
	fr := &FileResult{Table: t.Name, File: st.file, Format: st.format, Encoding: st.encoding, UnknownColumns: st.unknown, AbsentColumns: st.absent()}
	stg := stgTable(t)
	dossierCol := t.Dossier
	if t.Name == "dossiers" {
		dossierCol = "id_dossier"
	}
	// Archived dossiers stay anonymised: identity and free text dropped.
	var dropped []string
	if pr.archived && dossierCol != "" {
		for _, c := range t.Columns {
			if t.ArchivedDrops(c) {
				dropped = append(dropped, warehouse.MustIdent("p_"+c.Name)+" = NULL")
			}
		}
	}
	// Quarantined rows, kept whole, except the identity and free text of an
	// archived dossier, which never come back (rules.md ARC).
	archivedRow := "false"
	if len(dropped) > 0 {
		archivedRow = `coalesce(s.` + warehouse.MustIdent("p_"+dossierCol) + `, trim(CAST(r.` + warehouse.MustIdent(dossierCol) +
			` AS VARCHAR))) IN (SELECT id_dossier FROM dossiers WHERE archive)`
	}
	var obj strings.Builder
	maskedCols := []string{"''"}
	for i, c := range t.Columns {
		if i > 0 {
			obj.WriteString(", ")
		}
		v := "r." + warehouse.MustIdent(c.Name)
		if t.ArchivedDrops(c) {
			v = "CASE WHEN " + archivedRow + " THEN NULL ELSE " + v + " END"
			maskedCols = append(maskedCols, warehouse.Literal(c.Name))
		}
		obj.WriteString(warehouse.Literal(c.Name) + ", " + v)
	}
	var bad int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE err IS NOT NULL) FROM `+stg).Scan(&bad); err != nil {
		return nil, err
	}
	value := "CASE WHEN " + archivedRow + " AND s.err.col IN (" + strings.Join(maskedCols, ", ") + ") THEN NULL ELSE s.err.val END"
	if bad > 0 {
		pos, err := position(ctx, conn, stg)
		if err != nil {
			return nil, err
		}
		if err := st.loadRawBad(ctx, conn, tmpDir, pos); err != nil {
			return nil, fmt.Errorf("quarantine: %w", err)
		}
		// The raw text found for a row is that row's: its key, as read,
		// is the key parsed in stg_<table>.
		var mismatch []string
		for _, k := range t.KeyColumns() {
			if c, _ := t.Column(k); c.Kind == Text {
				mismatch = append(mismatch, `s.`+warehouse.MustIdent("p_"+k)+` IS DISTINCT FROM vigie_null(r.`+warehouse.MustIdent(k)+`)`)
			}
		}
		if len(mismatch) > 0 {
			var wrong int64
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT `+pos+` AS __idx, * FROM `+stg+` WHERE err IS NOT NULL) s
				JOIN `+rawBadTable(t)+` r USING (__idx) WHERE `+strings.Join(mismatch, " OR ")).Scan(&wrong); err != nil {
				return nil, fmt.Errorf("quarantine: %w", err)
			}
			if wrong > 0 {
				return nil, fmt.Errorf("quarantaine : %s : %d lignes écartées ne correspondent pas aux enregistrements trouvés à leur place dans le fichier ; chargement arrêté, l'entrepôt est inchangé", st.file, wrong)
			}
		}
		r, err := conn.ExecContext(ctx, `INSERT INTO quar SELECT ?, ?, r.__line, s.err.col, `+value+`, s.err.reason, json_object(`+obj.String()+`)
		FROM (SELECT `+pos+` AS __idx, * FROM `+stg+` WHERE err IS NOT NULL) s JOIN `+rawBadTable(t)+` r USING (__idx) ORDER BY r.__line`, t.Name, st.file)
		if err != nil {
			return nil, fmt.Errorf("quarantine: %w", err)
		}
		// Every quarantined row found its raw text: none is lost.
		if n, _ := r.RowsAffected(); n != bad {
			return nil, fmt.Errorf("quarantaine : %d lignes écartées, dont %d seulement retrouvées dans %s ; chargement arrêté, l'entrepôt est inchangé", bad, n, st.file)
		}
	}
	for _, rj := range st.rejects {
		if _, err := conn.ExecContext(ctx, `INSERT INTO quar VALUES (?, ?, ?, NULL, NULL, ?, json_object('ligne', ?))`,
			t.Name, st.file, rj.line, "ligne illisible : "+frenchReject(rj.message), rj.raw); err != nil {
			return nil, fmt.Errorf("quarantine: %w", err)
		}
	}
	// A line quarantined whole cannot be split into its columns; when one
	// of its fields is an archived dossier's id, it keeps only that id
	// (the same rule as archive/anonymise.sql for lines quarantined earlier).
	if len(st.rejects) > 0 && len(dropped) > 0 {
		if _, err := conn.ExecContext(ctx, `UPDATE quar SET row_data = json_object('id_dossier', d.id_dossier)
			FROM dossiers d
			WHERE d.archive AND quar.table_name = ? AND quar.file = ? AND quar.column_name IS NULL
			  AND list_contains(list_transform(regexp_split_to_array(replace(json_extract_string(quar.row_data, '$.ligne'), '"', ''), '[;,\t]'), f -> trim(f)), d.id_dossier)`,
			t.Name, st.file); err != nil {
			return nil, fmt.Errorf("quarantine: mask archived lines: %w", err)
		}
	}
	// The rows to load (err IS NULL) change below; the quarantined ones are
	// in quar already.
	if len(dropped) > 0 {
		r, err := conn.ExecContext(ctx, `UPDATE `+stg+` SET `+strings.Join(dropped, ", ")+`
			WHERE err IS NULL AND `+warehouse.MustIdent("p_"+dossierCol)+` IN (SELECT id_dossier FROM dossiers WHERE archive)`)
		if err != nil {
			return nil, fmt.Errorf("drop archived identities: %w", err)
		}
		fr.ArchivedDropped, _ = r.RowsAffected()
	}
	// Executed transfers win over a stale extraction.
	key := warehouse.MustIdent("p_" + t.Key)
	for _, c := range t.Columns {
		if !c.Transferable || !pr.transferred[t.Name+"."+c.Name] {
			continue
		}
		p := warehouse.MustIdent("p_" + c.Name)
		r, err := conn.ExecContext(ctx, `UPDATE `+stg+` AS s SET `+p+` = j.new_value
			FROM (SELECT row_id, arg_max(new_value, (executed_at, id_transfert)) AS new_value, list(old_value) AS olds
			      FROM transfer_journal WHERE table_name = ? AND column_name = ? GROUP BY row_id) j
			WHERE s.err IS NULL AND j.row_id = s.`+key+` AND list_contains(j.olds, s.`+p+`)
			  AND s.`+p+` IS DISTINCT FROM j.new_value`, t.Name, c.Name)
		if err != nil {
			return nil, fmt.Errorf("keep transfers: %w", err)
		}
		n, _ := r.RowsAffected()
		fr.TransferKept += n
	}
	if err := st.release(ctx, conn); err != nil {
		return nil, err
	}
	rejects := int64(len(st.rejects))
	fr.Read = st.rows + rejects
	fr.Quarantined = bad + rejects
	fr.Loaded = fr.Read - fr.Quarantined
	return fr, nil
}

// frenchReject tells why DuckDB's CSV reader rejected a whole line (its
// messages for the line, joined by "; "), in French.
func frenchReject(msg string) string {
	if m := columnsRe.FindStringSubmatch(msg); m != nil {
		return "nombre de colonnes incorrect : " + m[2] + " au lieu de " + m[1]
	}
	switch low := strings.ToLower(msg); {
	case strings.Contains(low, "quote"):
		return "guillemets mal fermés : un champ entre guillemets ne se ferme pas, ou du texte suit son guillemet fermant"
	case strings.Contains(low, "unicode"):
		return "octets qui ne sont pas de l'UTF-8 : le fichier est-il en Windows-1252 (--encoding windows-1252) ?"
	case strings.Contains(low, "maximum line size"):
		return "ligne trop longue"
	}
	return "erreur du lecteur CSV (" + msg + ")"
}

// columnsRe reads the first of DuckDB's "wrong number of columns" messages.
var columnsRe = regexp.MustCompile(`Expected Number of Columns: (\d+) Found: (\d+)`)

// upsert replaces, by key, the table's rows with the staged ones. A column
// the file does not carry (an optional column left out of its header) is
// not an empty cell: a reloaded row keeps its stored value there.
func upsert(ctx context.Context, tx *sql.Tx, st *staged) error {
	t := st.table
	tbl := warehouse.MustIdent(t.Name)
	var keys, pkeys, on []string
	for _, k := range t.KeyColumns() {
		keys = append(keys, warehouse.MustIdent(k))
		pkeys = append(pkeys, warehouse.MustIdent("p_"+k))
		on = append(on, "k."+warehouse.MustIdent(k)+" = s."+warehouse.MustIdent("p_"+k))
	}
	key, pkey := "("+strings.Join(keys, ", ")+")", "("+strings.Join(pkeys, ", ")+")"
	stg := stgTable(t)
	// A table loaded for the first time has no row to replace or keep.
	var empty bool
	if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM `+tbl+`)`).Scan(&empty); err != nil {
		return err
	}
	// kept: the stored columns a reloaded row keeps, read before it is
	// replaced: the file's absent columns, and those vigie keeps on dossiers.
	var kept []string
	absent := map[string]bool{}
	if !empty {
		for _, c := range st.absent() {
			absent[c] = true
			kept = append(kept, warehouse.MustIdent(c))
		}
		if t.Name == "dossiers" {
			kept = append(kept, "annee_naissance", "archive", "date_archivage", "motif_archivage")
		}
	}
	value := func(c string) string {
		if absent[c] {
			return "k." + warehouse.MustIdent(c)
		}
		return "s." + warehouse.MustIdent("p_"+c)
	}
	cols := make([]string, len(t.Columns))
	vals := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i], vals[i] = warehouse.MustIdent(c.Name), value(c.Name)
	}
	from := stg + ` s`
	if len(kept) > 0 {
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE keep_rows AS
			SELECT `+strings.Join(keys, ", ")+`, `+strings.Join(kept, ", ")+` FROM `+tbl+`
			WHERE `+key+` IN (SELECT `+pkey+` FROM `+stg+` WHERE err IS NULL)`); err != nil {
			return err
		}
		from += ` LEFT JOIN keep_rows k ON ` + strings.Join(on, " AND ")
	}
	if !empty {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+tbl+` WHERE `+key+` IN (SELECT `+pkey+` FROM `+stg+` WHERE err IS NULL)`); err != nil {
			return err
		}
	}
	insert := `INSERT INTO ` + tbl + ` (` + strings.Join(cols, ", ")
	switch {
	case t.Name == "dossiers" && empty:
		insert += `, annee_naissance, archive) SELECT ` + strings.Join(vals, ", ") + `, year(` + value("date_naissance") + `), false`
	case t.Name == "dossiers":
		insert += `, annee_naissance, archive, date_archivage, motif_archivage) SELECT ` + strings.Join(vals, ", ") + `,
			CASE WHEN k.archive THEN k.annee_naissance ELSE year(` + value("date_naissance") + `) END,
			coalesce(k.archive, false), k.date_archivage, k.motif_archivage`
	default:
		insert += `) SELECT ` + strings.Join(vals, ", ")
	}
	insert += ` FROM ` + from + ` WHERE s.err IS NULL`
	_, err := tx.ExecContext(ctx, insert)
	if err == nil && len(kept) > 0 {
		_, err = tx.ExecContext(ctx, `DROP TABLE keep_rows`)
	}
	return err
}

// record writes the per-file counts and the quarantine of the run.
func record(ctx context.Context, tx *sql.Tx, res *Result) error {
	for _, f := range res.Files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_files (run_id, table_name, file, format, encoding, rows_read,
			rows_loaded, rows_quarantined, rows_transfer_kept) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			res.RunID, f.Table, f.File, f.Format, warehouse.NullString(f.Encoding), f.Read, f.Loaded, f.Quarantined, f.TransferKept); err != nil {
			return fmt.Errorf("record counts: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO quarantine SELECT ?, table_name, file, line, column_name, value, reason, row_data
		FROM quar ORDER BY table_name, file, line`, res.RunID); err != nil {
		return fmt.Errorf("record quarantine: %w", err)
	}
	return nil
}

// Shapes of a value that cannot be personal, whatever the column it was
// found in: a number of at most six digits (an amount, a count; a phone or a
// NIR has more), a date with or without a time, a code made of letters and
// digits joined by "-" or "_" holding a digit or an underscore (ML-16001,
// en_cours, D123; a name such as Martin or Jean-Pierre has neither).
var (
	numberShape = regexp.MustCompile(`^[+-]?[0-9]{1,6}([.,][0-9]{1,6})?$`)
	dateShape   = regexp.MustCompile(`^[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?$`)
	codeShape   = regexp.MustCompile(`^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*$`)
)

// NotPersonal tells whether a value misplaced in any column may be printed
// in a message: only when its shape says it cannot be a person's name,
// address, email, phone or NIR. Otherwise messages say « valeur masquée ».
func NotPersonal(v string) bool {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return true
	case len(v) > 32:
		return false
	case numberShape.MatchString(v), dateShape.MatchString(v):
		return true
	case codeShape.MatchString(v):
		// A code holds a letter: digits alone are a phone or a NIR.
		return strings.ContainsFunc(v, unicode.IsLetter) && strings.ContainsAny(v, "0123456789_")
	}
	return false
}

// isIdentity tells whether a column is never printed in a summary (identity
// or free text).
func isIdentity(table, column string) bool {
	t, ok := TableByName(table)
	if !ok {
		return false
	}
	c, ok := t.Column(column)
	return ok && (c.Identity || c.FreeText)
}

func readSamples(ctx context.Context, conn *sql.Conn, res *Result) error {
	rows, err := conn.QueryContext(ctx, `SELECT table_name, file, line, column_name, value, reason FROM quar
		ORDER BY file, line LIMIT 20`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var tbl, file, reason string
		var line int64
		var col, val sql.NullString
		if err := rows.Scan(&tbl, &file, &line, &col, &val, &reason); err != nil {
			return err
		}
		s := QuarantineSample{File: file, Line: line, Column: col.String, Value: val.String, Reason: reason}
		if col.String == "" || isIdentity(tbl, col.String) || !NotPersonal(val.String) {
			s.Value, s.Masked = "", val.Valid
		}
		res.Samples = append(res.Samples, s)
	}
	sort.SliceStable(res.Samples, func(i, j int) bool { return res.Samples[i].File < res.Samples[j].File })
	return rows.Err()
}
