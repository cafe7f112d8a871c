// Package ingesttest helps tests build extraction folders from the small
// extractions under testdata.
package ingesttest

import (
	"os"
	"path/filepath"
	"testing"
)

// Extraction copies the extraction folder src into a temporary folder,
// applying edits (file name → new content; "" removes the file), and
// returns the copy's path.
func Extraction(tb testing.TB, src string, edits map[string]string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "extraction")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		tb.Fatal(err)
	}
	for name, content := range edits {
		p := filepath.Join(dir, name)
		if content == "" {
			if err := os.Remove(p); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
