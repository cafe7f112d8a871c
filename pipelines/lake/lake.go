// Package lake writes the pseudonymised lake (`vigie export`): one Parquet
// dataset per table, partitioned by structure (code_structure=…/), with no
// identity or free-text column and every id replaced by a keyed hash
// (HMAC-SHA-256) that is the same in every table and every export made with
// the same key, so that Spark, Trino or DuckDB can join the tables, and the
// lakes of several regions, without ever seeing an id in clear.
package lake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// MinKeyLength is the shortest key accepted, in bytes: a keyed hash is only
// as good as its key, and a short one can be guessed by trying.
const MinKeyLength = 32

// ErrNoKey refuses an export without a key.
var ErrNoKey = errors.New("export refusé : aucune clé pour le hachage des identifiants : définissez la variable VIGIE_EXPORT_KEY ou export.key_file dans la configuration (32 caractères au moins, la même pour tous les exports à rapprocher)")

// Options drive an export.
type Options struct {
	Out string // the lake's folder: one sub-folder per table
	Key []byte // the key of the keyed hash
	// Compression of the Parquet files: zstd (the default), snappy or
	// uncompressed.
	Compression string
	// afterTable, when set (tests), is called once each table is written.
	afterTable func(table string)
}

// codecs are the compressions an export accepts, with their COPY options.
// zstd at level 1 rather than DuckDB's default 3: on the scale-1 region
// (mostly hashed ids, 64 hexadecimal characters that no level compresses
// below half), level 1 gave 2.6 % smaller files (164 MB against 169 MB)
// and the whole export took 7.8-8.5 s (CPU 13.2-15.4 s) against 9.6-9.9 s
// (CPU 15.4-16.0 s) on a nearly idle machine, 18.4 s of CPU against 22.7 s
// on a shared one (interleaved runs).
var codecs = map[string]string{
	"zstd":         "COMPRESSION zstd, COMPRESSION_LEVEL 1",
	"snappy":       "COMPRESSION snappy",
	"uncompressed": "COMPRESSION uncompressed",
}

// Dataset is one table written: its rows and Parquet files.
type Dataset struct {
	Table string
	Rows  int64
	Files int
}

// CheckKey refuses a missing or short key.
func CheckKey(key []byte) error {
	if len(key) == 0 {
		return warehouse.Refused(ErrNoKey)
	}
	if len(key) < MinKeyLength {
		return warehouse.Refused(fmt.Errorf("export refusé : la clé de hachage fait %d caractères, il en faut %d au moins (par exemple : openssl rand -hex 32)", len(key), MinKeyLength))
	}
	return nil
}

// Export writes every dataset of the lake under opts.Out. The tables are
// written to a temporary folder, then, once all are, each put in place of
// the previous export of that table: a reader never finds half a table, and
// an export stopped while it writes leaves the previous lake whole.
func Export(ctx context.Context, w *warehouse.Warehouse, opts Options) (out []Dataset, err error) {
	if err := CheckKey(opts.Key); err != nil {
		return nil, err
	}
	if opts.Compression == "" {
		opts.Compression = "zstd"
	}
	compression, ok := codecs[opts.Compression]
	if !ok {
		return nil, fmt.Errorf("export: unknown compression %q", opts.Compression)
	}
	ds, err := datasets()
	if err != nil {
		return nil, err
	}
	macro, err := sqlfiles.Read(w.SQL, "lake/hmac.sql")
	if err != nil {
		return nil, err
	}
	copyText, err := sqlfiles.Read(w.SQL, "lake/copy.sql")
	if err != nil {
		return nil, err
	}
	mapText, err := sqlfiles.Read(w.SQL, "lake/map.sql")
	if err != nil {
		return nil, err
	}
	dropText, err := sqlfiles.Read(w.SQL, "lake/drop.sql")
	if err != nil {
		return nil, err
	}
	dropMacro, err := sqlfiles.Read(w.SQL, "lake/drop_macro.sql")
	if err != nil {
		return nil, err
	}
	ipad, opad := pads(opts.Key)
	macro = strings.NewReplacer("{{ipad}}", ipad, "{{opad}}", opad).Replace(macro)
	if err := atomic.MkdirAll(opts.Out, 0o755, "dossier du lac"); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(opts.Out, ".export-*")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(work); err == nil && rerr != nil {
			err = fmt.Errorf("export: remove %s: %w", work, rerr)
		}
	}()
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, macro); err != nil {
		return nil, fmt.Errorf("export: keyed hash macro: %w", err)
	}
	defer func() {
		// A fresh context: the key leaves the pooled connection even when ctx was cancelled.
		var errs []error
		for _, table := range maps(ds) {
			_, derr := conn.ExecContext(context.Background(), strings.ReplaceAll(dropText, "{{map}}", mapName(table)))
			errs = append(errs, derr)
		}
		_, derr := conn.ExecContext(context.Background(), dropMacro)
		if derr := errors.Join(append(errs, derr)...); err == nil && derr != nil {
			err = fmt.Errorf("export: clean up: %w", derr)
		}
	}()
	for _, table := range maps(ds) {
		t, ok := ingest.TableByName(table)
		if !ok {
			return nil, fmt.Errorf("export: no table %s to map", table)
		}
		q := strings.NewReplacer("{{map}}", mapName(table), "{{key}}", warehouse.MustIdent(t.Key), "{{table}}", warehouse.MustIdent(table)).Replace(mapText)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("export: hash the ids of %s: %w", table, err)
		}
	}
	for _, d := range ds {
		dir := filepath.Join(work, d.table)
		q := strings.NewReplacer("{{select}}", d.selectSQL(), "{{dir}}", warehouse.Literal(dir), "{{compression}}", compression).Replace(copyText)
		res, err := conn.ExecContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", d.table, err)
		}
		rows, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", d.table, err)
		}
		files, err := countParquet(dir)
		if err != nil {
			return nil, err
		}
		out = append(out, Dataset{Table: d.table, Rows: rows, Files: files})
		if opts.afterTable != nil {
			opts.afterTable(d.table)
		}
	}
	// Every table written: only now do they replace the previous export's,
	// one rename each, so an export stopped while writing (most of its time)
	// leaves the previous lake whole.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, d := range ds {
		if err := replace(filepath.Join(work, d.table), filepath.Join(opts.Out, d.table)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pads returns the key's inner and outer padded blocks of HMAC-SHA-256
// (RFC 2104), in hexadecimal.
func pads(key []byte) (string, string) {
	if len(key) > sha256.BlockSize {
		k := sha256.Sum256(key)
		key = k[:]
	}
	ipad := make([]byte, sha256.BlockSize)
	opad := make([]byte, sha256.BlockSize)
	copy(ipad, key)
	copy(opad, key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	return hex.EncodeToString(ipad), hex.EncodeToString(opad)
}

// countParquet counts the Parquet files under dir (0 when a table is empty
// and DuckDB wrote no folder).
func countParquet(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		if e.Type().IsRegular() && strings.HasSuffix(p, ".parquet") {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("export: count files of %s: %w", dir, err)
	}
	return n, nil
}

// replace puts the table folder fresh in place of dst (the previous export
// of that table, if any), by renames.
func replace(fresh, dst string) error {
	if _, err := os.Stat(fresh); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(fresh, 0o755); err != nil { // an empty table: an empty dataset
			return fmt.Errorf("export: %w", err)
		}
	}
	old := ""
	if _, err := os.Stat(dst); err == nil {
		old = fresh + ".previous"
		if err := os.Rename(dst, old); err != nil {
			return fmt.Errorf("export: move the previous %s aside: %w", dst, err)
		}
	}
	if err := os.Rename(fresh, dst); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("export: remove the previous %s: %w", dst, err)
		}
	}
	return nil
}
