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

// A folder that cannot be created is named, with the reason in French.
func TestMkdirAllSaysWhyInFrench(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "rapports")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(file, "ML-16001")} {
		err := MkdirAll(dir, 0o700, "dossier des rapports")
		want := "dossier des rapports " + dir + " : création impossible : un fichier porte ce nom (ou celui d'un dossier au-dessus), là où il faut un dossier"
		if err == nil || err.Error() != want {
			t.Errorf("MkdirAll(%s): %v, want %q", dir, err, want)
		}
	}
	ok := filepath.Join(t.TempDir(), "a", "b")
	if err := MkdirAll(ok, 0o700, "dossier des rapports"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(ok); err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Errorf("created %s: %v %v", ok, st, err)
	}
}
