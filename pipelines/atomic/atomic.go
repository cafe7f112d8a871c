// Package atomic writes files so that nobody ever reads half of one: the
// content goes to a temporary name in the same folder, is synced and closed,
// then renamed over the final name, and the folder is synced so the rename
// survives a crash. It is the one place vigie does this.
package atomic

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/arml-na/vigie/pipelines/french"
)

// WriteFile writes path with mode through write, atomically.
func WriteFile(path string, mode os.FileMode, write func(w io.Writer) error) error {
	b := Batch{Mode: mode}
	if err := b.Write(path, write); err != nil {
		return err
	}
	return b.Commit()
}

// WriteBytes writes data to path with mode, atomically.
func WriteBytes(path string, mode os.FileMode, data []byte) error {
	return WriteFile(path, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Batch writes many files the way WriteFile writes one: Write writes each to
// a temporary name; Commit then syncs them all at once (the file system
// commits its journal once for many files rather than once per file),
// closes and renames them, and syncs their folders. Until Commit, nobody
// sees any of them; after an error, none is left behind.
type Batch struct {
	Mode  os.FileMode
	tmps  []*os.File
	paths []string
}

// syncers bounds the files a batch syncs at once.
const syncers = 16

// Write writes one file of the batch to its temporary name; on an error the
// whole batch is abandoned.
func (b *Batch) Write(path string, write func(w io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		b.Abort()
		return fmt.Errorf("write %s: %w", base, err)
	}
	b.tmps, b.paths = append(b.tmps, tmp), append(b.paths, path)
	if err := tmp.Chmod(b.Mode); err != nil {
		b.Abort()
		return fmt.Errorf("write %s: %w", base, err)
	}
	if err := write(tmp); err != nil {
		b.Abort()
		return fmt.Errorf("write %s: %w", base, err)
	}
	return nil
}

// Commit syncs, closes and renames every file of the batch, then syncs the
// folders; on an error before the renames, none is renamed and the
// temporary files are removed.
func (b *Batch) Commit() error {
	errs := make([]error, len(b.tmps))
	sem := make(chan struct{}, syncers)
	var wg sync.WaitGroup
	for i, tmp := range b.tmps {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			base := filepath.Base(b.paths[i])
			if err := tmp.Sync(); err != nil {
				errs[i] = fmt.Errorf("write %s: sync: %w", base, err)
				return
			}
			if err := tmp.Close(); err != nil {
				errs[i] = fmt.Errorf("write %s: close: %w", base, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Abort()
		return err
	}
	dirs := map[string]bool{}
	for i, tmp := range b.tmps {
		if err := os.Rename(tmp.Name(), b.paths[i]); err != nil {
			b.tmps = b.tmps[i:]
			b.Abort()
			return fmt.Errorf("write %s: %w", filepath.Base(b.paths[i]), err)
		}
		dirs[filepath.Dir(b.paths[i])] = true
	}
	b.tmps, b.paths = nil, nil
	for dir := range dirs {
		if err := SyncDir(dir); err != nil {
			return err
		}
	}
	return nil
}

// Abort closes and removes the batch's temporary files.
func (b *Batch) Abort() {
	for _, tmp := range b.tmps {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}
	b.tmps, b.paths = nil, nil
}

// SyncDir makes a rename in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s: %w", dir, err)
	}
	serr := d.Sync()
	cerr := d.Close()
	if err := errors.Join(serr, cerr); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// MkdirAll creates the folder dir (what says which, in French: « dossier
// des rapports ») and the folders above it, and says in French why it could
// not.
func MkdirAll(dir string, mode os.FileMode, what string) error {
	if err := os.MkdirAll(dir, mode); err != nil {
		return fmt.Errorf("%s %s : création impossible : %s", what, dir, french.FileError(err))
	}
	return nil
}
