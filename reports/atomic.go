package reports

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// fileMode is the mode of every report: they hold personal data.
const fileMode = 0o600

var structureCodeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// ValidStructureCode tells whether code may become part of a path.
func ValidStructureCode(code string) error {
	if !structureCodeRe.MatchString(code) || code == "region" {
		return fmt.Errorf("structure code %q cannot name a report folder: only letters, digits, '-' and '_' are allowed, 32 characters at most", code)
	}
	return nil
}

// writeAtomic writes a file through write to a temporary name in the same
// folder, syncs and closes it, then renames it: nobody ever reads half a
// report.
func writeAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(fileMode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: close: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
