package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// fileMode is the mode of every report: they hold personal data.
const fileMode = 0o600

var structureCodeRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// ValidStructureCode tells whether code may become part of a path.
func ValidStructureCode(code string) error {
	if !structureCodeRe.MatchString(code) || code == "region" {
		return fmt.Errorf("structure code %q cannot name a report folder: only letters, digits, '-' and '_' are allowed", code)
	}
	return nil
}

// writeAtomic writes a file through write to a temporary name in the same
// folder, syncs and closes it, then renames it: nobody ever reads half a
// report.
func writeAtomic(path string, write func(w io.Writer) error) error {
	var b fileBatch
	if err := b.write(path, write); err != nil {
		return err
	}
	return b.commit()
}

// fileBatch writes many files the way writeAtomic writes one: each to a
// temporary name first; commit then syncs them all at once (the file system
// commits its journal once for many files rather than once per file), closes
// and renames them. Until commit, nobody sees any of them.
type fileBatch struct {
	tmps  []*os.File
	paths []string
}

// syncers bounds the files a batch syncs at once.
const syncers = 16

// write writes one file of the batch to its temporary name.
func (b *fileBatch) write(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		b.abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	b.tmps, b.paths = append(b.tmps, tmp), append(b.paths, path)
	if err = tmp.Chmod(fileMode); err != nil {
		b.abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = write(tmp); err != nil {
		b.abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// commit syncs, closes and renames every file of the batch; on an error,
// none is renamed and the temporary files are removed.
func (b *fileBatch) commit() error {
	errs := make([]error, len(b.tmps))
	sem := make(chan struct{}, syncers)
	var wg sync.WaitGroup
	for i, tmp := range b.tmps {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := tmp.Sync(); err != nil {
				errs[i] = fmt.Errorf("write %s: sync: %w", b.paths[i], err)
				return
			}
			if err := tmp.Close(); err != nil {
				errs[i] = fmt.Errorf("write %s: close: %w", b.paths[i], err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.abort()
		return err
	}
	for i, tmp := range b.tmps {
		if err := os.Rename(tmp.Name(), b.paths[i]); err != nil {
			b.tmps = b.tmps[i:]
			b.abort()
			return fmt.Errorf("write %s: %w", b.paths[i], err)
		}
	}
	b.tmps, b.paths = nil, nil
	return nil
}

// abort closes and removes the batch's temporary files.
func (b *fileBatch) abort() {
	for _, tmp := range b.tmps {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}
	b.tmps, b.paths = nil, nil
}
