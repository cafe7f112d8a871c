// Package backup copies the warehouse and puts a copy back: `vigie backup`
// writes a consistent copy with its SHA-256 and keeps the latest ones;
// `vigie restore` checks a copy and puts it in place of the warehouse,
// keeping the current one aside and carrying its archivings over, so that a
// restore never brings an archived identity back.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// DefaultKeep is how many copies a backup folder keeps by default.
const DefaultKeep = 14

// Options drive one backup.
type Options struct {
	Out  string    // the backup folder (created 0700)
	Keep int       // the copies kept, the new one included (at least 1)
	Now  time.Time // names the copy, in Europe/Paris local time
	// afterCopy, when set (tests), is called once the copy is in place,
	// before it is read back for its checksum.
	afterCopy func()
}

// Copy is a backup written: its path, SHA-256 (hex) and size.
type Copy struct {
	Path   string
	SHA256 string
	Bytes  int64
	// Removed are the older copies deleted to keep Options.Keep.
	Removed []string
}

// copyName matches the copies of a backup folder, and only them.
var copyName = regexp.MustCompile(`^vigie-\d{4}-\d{2}-\d{2}_\d{6}\.duckdb$`)

// Name returns the file name of a copy taken at t.
func Name(t time.Time) string {
	return "vigie-" + t.In(warehouse.Paris).Format("2006-01-02_150405") + ".duckdb"
}

// SumFile returns the checksum file of a copy: its SHA-256 in the format of
// sha256sum, so `sha256sum -c` checks it too.
func SumFile(copyPath string) string { return copyPath + ".sha256" }

// Take writes a consistent copy of w to opts.Out (w.SnapshotTo: checkpoint,
// then the file's bytes), then its checksum file, both mode 0600, then
// removes the oldest copies beyond opts.Keep.
func Take(ctx context.Context, w *warehouse.Warehouse, opts Options) (Copy, error) {
	if opts.Keep < 1 {
		return Copy{}, fmt.Errorf("backup: keep %d copies: at least 1", opts.Keep)
	}
	if err := atomic.MkdirAll(opts.Out, 0o700, "dossier de sauvegarde"); err != nil {
		return Copy{}, err
	}
	name := Name(opts.Now)
	dst := filepath.Join(opts.Out, name)
	if _, err := os.Stat(dst); err == nil {
		return Copy{}, warehouse.Refused(fmt.Errorf("la sauvegarde %s existe déjà (une autre sauvegarde dans la même seconde) : relancez dans une seconde", dst))
	}
	if err := w.SnapshotTo(ctx, dst); err != nil {
		return Copy{}, err
	}
	// A copy is a backup once its checksum file is written; stopped before
	// (a SIGTERM while it is read back), it is removed, so that the folder
	// holds only copies that restore.
	finished := false
	defer func() {
		if !finished {
			os.Remove(SumFile(dst))
			os.Remove(dst)
		}
	}()
	if opts.afterCopy != nil {
		opts.afterCopy()
	}
	sum, size, err := fileSHA256(ctx, dst)
	if err != nil {
		return Copy{}, err
	}
	if err := writeSum(dst, sum); err != nil {
		return Copy{}, err
	}
	finished = true
	abs, err := filepath.Abs(dst)
	if err != nil {
		abs = dst
	}
	c := Copy{Path: abs, SHA256: sum, Bytes: size}
	c.Removed, err = prune(opts.Out, name, opts.Keep)
	return c, err
}

// fileSHA256 reads a file back and returns its SHA-256 (hex) and size.
func fileSHA256(ctx context.Context, path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("checksum %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, warehouse.ContextReader(ctx, f))
	if err != nil {
		return "", 0, fmt.Errorf("checksum %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// writeSum writes the checksum file of copyPath, "HEX  NAME\n", mode 0600.
func writeSum(copyPath, sum string) error {
	return atomic.WriteBytes(SumFile(copyPath), 0o600, []byte(sum+"  "+filepath.Base(copyPath)+"\n"))
}

// prune removes the oldest copies of dir (and their checksum files) so that
// keep remain, never the one just written. A copy without its checksum file
// (a backup killed between its copy and its checksum) does not restore: it
// is not counted among the copies kept, and left for the operator.
func prune(dir, current string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !copyName.MatchString(e.Name()) || e.Name() == current {
			continue
		}
		if _, err := os.Stat(SumFile(filepath.Join(dir, e.Name()))); err != nil {
			continue
		}
		names = append(names, e.Name())
	}
	sort.Strings(names) // the names sort by the instant they were taken
	var removed []string
	for len(names) > keep-1 {
		p := filepath.Join(dir, names[0])
		names = names[1:]
		for _, f := range []string{p, SumFile(p)} {
			if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return removed, fmt.Errorf("remove old backup %s: %w", f, err)
			}
		}
		removed = append(removed, p)
	}
	return removed, nil
}
