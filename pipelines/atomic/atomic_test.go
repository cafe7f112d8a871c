package atomic

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// A write that fails leaves neither the final file nor a temporary one, and
// a write that succeeds leaves the file whole with its mode.
func TestWriteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "rapport.pdf")
	boom := errors.New("disque plein")
	err := WriteFile(p, 0o600, func(w io.Writer) error {
		_, _ = w.Write([]byte("début"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed write left %v", entries)
	}
	if err := WriteBytes(p, 0o600, []byte("entier")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	fi, serr := os.Stat(p)
	if err != nil || serr != nil || string(b) != "entier" || fi.Mode().Perm() != 0o600 {
		t.Errorf("file %q, mode %v, %v %v", b, fi.Mode(), err, serr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
