// Package sqlfiles embeds every SQL statement of vigie. Pipelines take an
// fs.FS (this one in production, an fstest.MapFS in a test) and read their
// statements by path, so an analyst finds a rule's SQL by its code.
package sqlfiles

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed */*.sql
var files embed.FS

// FS returns the embedded SQL files, rooted at sql/.
func FS() fs.FS { return files }

// Read returns the text of one embedded SQL file.
func Read(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", fmt.Errorf("read sql %s: %w", name, err)
	}
	return string(b), nil
}
