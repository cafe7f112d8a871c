package backup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/french"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// CorruptError refuses a copy that is not the one its backup wrote, or not a
// readable warehouse.
type CorruptError struct {
	File   string
	Reason string // French, what is wrong
	Err    error
}

func (e *CorruptError) Error() string {
	msg := fmt.Sprintf("restauration refusée : la copie %s est altérée ou illisible : %s ; l'entrepôt en place n'a pas été modifié : restaurez une autre sauvegarde", e.File, e.Reason)
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Restored says what Restore did.
type Restored struct {
	Path  string // the warehouse, now the restored copy
	From  string // the copy restored
	Aside string // where the former warehouse was kept ("" when there was none)
	// Carried is how many dossiers archived in the former warehouse the copy
	// did not hold as archived, and now does.
	Carried int
	// NotCarried says why the former warehouse's archivings could not be
	// carried over (it does not open); nil when they were, or there was none.
	NotCarried error
}

// Restore checks the copy at file (its checksum file, that it opens as a
// warehouse whose schema this vigie knows, that every row of every table
// reads back), takes over the archivings of the warehouse at path, then puts
// the copy in place of it, keeping the former file aside. It is refused
// (*warehouse.InUseError) while another process holds the warehouse, and
// leaves the warehouse as it was whenever it is refused or fails.
func Restore(ctx context.Context, path, file string, sqlFS fs.FS, now time.Time) (res Restored, err error) {
	want, err := readSum(file)
	if err != nil {
		return Restored{}, err
	}
	if err := refuseInUse(path); err != nil {
		return Restored{}, err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".restauration-*")
	if err != nil {
		return Restored{}, fmt.Errorf("restore: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmpName)
			_ = os.Remove(tmpName + ".wal")
		}
	}()
	got, err := copyHashed(ctx, tmp, file)
	if err != nil {
		return Restored{}, err
	}
	if got != want {
		return Restored{}, warehouse.Refused(&CorruptError{File: file,
			Reason: fmt.Sprintf("son empreinte SHA-256 (%s…) n'est pas celle de %s (%s…) : fichier modifié ou tronqué", got[:12], filepath.Base(SumFile(file)), want[:12])})
	}
	res = Restored{Path: path, From: file}
	if res.Carried, res.NotCarried, err = prepare(ctx, tmpName, file, path, sqlFS); err != nil {
		return Restored{}, err
	}
	if res.Carried > 0 {
		// The anonymised values must leave the file's bytes, as after an archiving.
		if err := archive.Compact(ctx, tmpName, sqlFS); err != nil {
			return Restored{}, err
		}
	}
	if _, err := os.Stat(tmpName + ".wal"); err == nil {
		return Restored{}, fmt.Errorf("restore: %s.wal left behind, the copy is not complete", tmpName)
	}
	res.Aside, err = swap(path, tmpName, now)
	if err != nil {
		return Restored{}, err
	}
	return res, nil
}

// readSum reads the SHA-256 of a copy from its checksum file.
func readSum(file string) (string, error) {
	st, err := os.Stat(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", warehouse.Refused(fmt.Errorf("restauration refusée : la copie %s est introuvable", file))
		}
		return "", warehouse.Refused(fmt.Errorf("restauration refusée : la copie %s est illisible : %w", file, err))
	}
	if !st.Mode().IsRegular() {
		return "", warehouse.Refused(fmt.Errorf("restauration refusée : %s n'est pas un fichier", file))
	}
	b, err := os.ReadFile(SumFile(file))
	if errors.Is(err, fs.ErrNotExist) {
		return "", warehouse.Refused(fmt.Errorf("restauration refusée : le fichier d'empreinte %s est absent : vigie backup l'écrit à côté de chaque copie ; sans lui, la copie ne peut pas être vérifiée", SumFile(file)))
	}
	if err != nil {
		return "", warehouse.Refused(fmt.Errorf("restauration refusée : le fichier d'empreinte %s est illisible : %s", SumFile(file), french.FileError(err)))
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	sum := strings.ToLower(first)
	if _, err := hex.DecodeString(sum); err != nil || len(sum) != 64 {
		return "", warehouse.Refused(fmt.Errorf("restauration refusée : %s ne commence pas par une empreinte SHA-256 (64 caractères hexadécimaux)", SumFile(file)))
	}
	return sum, nil
}

// refuseInUse refuses to go on while another process holds the warehouse.
func refuseInUse(path string) error {
	pid, err := warehouse.Holder(path)
	if err != nil {
		return err
	}
	if pid != 0 {
		return warehouse.Refused(&warehouse.InUseError{Path: path, PID: max(pid, 0)})
	}
	return nil
}

// copyHashed copies file into dst (then syncs and closes it) and returns the
// SHA-256 of the bytes copied: the copy checked is the copy restored.
func copyHashed(ctx context.Context, dst *os.File, file string) (sum string, err error) {
	defer func() {
		if cerr := dst.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("restore: %w", cerr)
		}
	}()
	src, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer src.Close()
	if err := dst.Chmod(0o600); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(dst, h), warehouse.ContextReader(ctx, bufio.NewReaderSize(src, 1<<20))); err != nil {
		return "", fmt.Errorf("restore: copy %s: %w", file, err)
	}
	if err := dst.Sync(); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// prepare opens the copy at tmp (migrating it if it is older than this
// vigie), reads every table through, carries over the former warehouse's
// archivings and records the restore as a run of the restored warehouse.
func prepare(ctx context.Context, tmp, file, former string, sqlFS fs.FS) (carried int, notCarried, err error) {
	w, err := warehouse.Open(ctx, tmp, sqlFS)
	if err != nil {
		if errors.Is(err, warehouse.ErrTooNew) {
			return 0, nil, warehouse.Refused(fmt.Errorf("restauration refusée : la copie %s vient d'une version plus récente de vigie : %w", file, err))
		}
		return 0, nil, warehouse.Refused(&CorruptError{File: file, Reason: "elle ne s'ouvre pas comme un entrepôt vigie", Err: err})
	}
	defer func() {
		if cerr := w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("restore: close the copy: %w", cerr)
		}
	}()
	if err := readThrough(ctx, w); err != nil {
		return 0, nil, warehouse.Refused(&CorruptError{File: file, Reason: "une de ses tables ne se relit pas en entier", Err: err})
	}
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "restore", Arguments: []string{filepath.Base(file)}})
	if err != nil {
		return 0, nil, err
	}
	if _, err := os.Stat(former); err == nil {
		beforeCarry()
		carried, err = archive.CarryOver(ctx, w, former)
		var fe *archive.FormerError
		switch {
		case err == nil:
		case ctx.Err() != nil:
			// Stopped: put in place without the archivings since the
			// backup, the copy would hold their identities again.
			return 0, nil, fmt.Errorf("%w: %w", ctx.Err(), err)
		case errors.As(err, &fe):
			// The former warehouse does not open (a reason to restore): say
			// so, restore anyway.
			notCarried = err
		default:
			return 0, nil, err
		}
	}
	return carried, notCarried, run.Finish(nil)
}

// beforeCarry is a test hook called as the carry-over begins.
var beforeCarry = func() {}

// readThrough reads every row of every table of w, so that DuckDB checks the
// checksum of each block it stores.
func readThrough(ctx context.Context, w *warehouse.Warehouse) error {
	rows, err := w.DB.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary ORDER BY 1`)
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		q, err := warehouse.Ident(t)
		if err != nil {
			return err
		}
		var n int64
		var h any
		if err := w.DB.QueryRowContext(ctx, `SELECT count(*), bit_xor(hash(t)) FROM `+q+` t`).Scan(&n, &h); err != nil {
			return fmt.Errorf("read table %s: %w", t, err)
		}
	}
	return nil
}

// swap puts the restored file at tmp in place of the warehouse at path,
// keeping the former one (and its write-ahead log, if any) aside. The former
// file is locked the way DuckDB locks it while it moves, so no other process
// can open it meanwhile; the path always names a whole warehouse.
func swap(path, tmp string, now time.Time) (aside string, err error) {
	dir := filepath.Dir(path)
	cur, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, path); err != nil {
			return "", fmt.Errorf("restore: %w", err)
		}
		return "", atomic.SyncDir(dir)
	}
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer cur.Close() // drops the lock
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(cur.Fd(), syscall.F_SETLK, &lk); err != nil {
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
			return "", warehouse.Refused(&warehouse.InUseError{Path: path})
		}
		return "", fmt.Errorf("restore: lock %s: %w", path, err)
	}
	aside = path + ".avant-restauration-" + now.In(warehouse.Paris).Format("2006-01-02_150405")
	if err := os.Link(path, aside); err != nil {
		return "", fmt.Errorf("restore: keep the former warehouse as %s: %w", aside, err)
	}
	// A log the former warehouse did not write into its file belongs to it,
	// never to the restored copy (DuckDB would replay it there).
	if err := os.Rename(path+".wal", aside+".wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		_ = os.Remove(aside)
		return "", fmt.Errorf("restore: keep the former warehouse's log aside: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	return aside, atomic.SyncDir(dir)
}
