package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// refused runs an ingestion that must be refused with a *FileError naming
// file and line, and checks that the warehouse did not change.
func refused(t *testing.T, dir string, opt Options, file string, line int64, reason string) {
	t.Helper()
	ctx := context.Background()
	w := warehousetest.Open(t)
	if _, err := recorded(t, ctx, w, extraction(t, nil), Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w)
	done := make(chan error, 1)
	go func() {
		_, err := recorded(t, ctx, w, dir, opt)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the ingestion did not end")
	}
	var fe *FileError
	if !errors.Is(err, ErrRefused) || !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a refusal with a *FileError", err)
	}
	if filepath.Base(fe.File) != file || fe.Line != line || !strings.Contains(fe.Reason, reason) {
		t.Errorf("refusal names %s line %d: %q; want %s line %d: …%s…", filepath.Base(fe.File), fe.Line, fe.Reason, file, line, reason)
	}
	if after := snapshot(t, w); after != before {
		t.Error("a refused extraction changed the warehouse")
	}
}

// An unterminated quote swallowed the rest of the file into one field:
// the file is refused, naming the line where the quote opened.
func TestIngestRefusesUnterminatedQuote(t *testing.T) {
	t.Parallel()
	events := basicFile(t, "evenements.csv") + "E8,D1,2026-11-22,atelier,,,,\"jamais fermé\nE9,D2,2026-11-22,atelier,,,,\nE10,D2,2026-11-23,atelier,,,,\n"
	refused(t, extraction(t, map[string]string{"evenements.csv": events}), Options{}, "evenements.csv", 7, "jamais fermé")
}

// A cell longer than the record limit is refused with its line, never
// dropped; below the limit a big cell is read and counted.
func TestIngestBigCells(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 3<<20)
	events := basicFile(t, "evenements.csv") + "E8,D1,2026-11-22,atelier,,,,\"" + big + "\"\n"
	refused(t, extraction(t, map[string]string{"evenements.csv": events}), Options{Limits: Limits{MaxRecordBytes: 1 << 20}},
		"evenements.csv", 7, "guillemet")
	plain := basicFile(t, "evenements.csv") + "E8,D1,2026-11-22,atelier,,,," + big + "\n"
	refused(t, extraction(t, map[string]string{"evenements.csv": plain}), Options{Limits: Limits{MaxRecordBytes: 1 << 20}},
		"evenements.csv", 7, "dépasse")

	// 24 MiB in one cell, under a raised limit: loaded, every line counted.
	huge := strings.Repeat("y", 24<<20)
	ctx := context.Background()
	w := warehousetest.Open(t)
	dir := extraction(t, map[string]string{"evenements.csv": basicFile(t, "evenements.csv") + "E8,D1,2026-11-22,atelier,,,,\"" + huge + "\"\nE9,D2,2026-11-22,atelier,,,,\n"})
	res, err := recorded(t, ctx, w, dir, Options{Limits: Limits{MaxRecordBytes: 32 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	checkBalanced(t, w, res)
	if f := fileResult(t, res, "evenements"); f.Read != 6 || f.Loaded != 6 {
		t.Errorf("evenements: read %d, loaded %d; want 6 and 6", f.Read, f.Loaded)

	}
	if n := count(t, w, `SELECT count(*) FROM evenements WHERE length(commentaire) = ?`, len(huge)); n != 1 {
		t.Error("the 24 MiB comment was not loaded whole")
	}
}

// What is not a regular file is refused before anything is read: a FIFO
// (which would hang), a symbolic link to /dev/zero (which never ends).
func TestIngestRefusesNonRegularFiles(t *testing.T) {
	t.Parallel()
	fifo := extraction(t, map[string]string{"lieux.csv": ""})
	if err := syscall.Mkfifo(filepath.Join(fifo, "lieux.csv"), 0o600); err != nil {
		t.Fatal(err)
	}
	refused(t, fifo, Options{}, "lieux.csv", 0, "tube nommé")
	zero := extraction(t, map[string]string{"lieux.csv": ""})
	if err := os.Symlink("/dev/zero", filepath.Join(zero, "lieux.csv")); err != nil {
		t.Fatal(err)
	}
	refused(t, zero, Options{}, "lieux.csv", 0, "périphérique")
}

// A gzip bomb of a few MB that expands past the (lowered) size limit is
// refused while being read.
func TestIngestRefusesGzipBomb(t *testing.T) {
	t.Parallel()
	dir := extraction(t, map[string]string{"lieux.csv": ""})
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write([]byte("code_lieu;code_structure;nom;commune_insee;actif\n"))
	line := []byte("L-16-1;ML-16001;Siège;16015;O\n")
	block := bytes.Repeat(line, 1<<15)
	for written := 0; written < 300<<20; written += len(block) {
		_, _ = zw.Write(block)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if gz.Len() > 4<<20 {
		t.Fatalf("the bomb is %d bytes, want a few MB", gz.Len())
	}
	if err := os.WriteFile(filepath.Join(dir, "lieux.csv.gz"), gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	refused(t, dir, Options{Limits: Limits{MaxFileBytes: 64 << 20}}, "lieux.csv.gz", 0, "décompressé")
}

// A header of a million columns is refused at once.
func TestIngestRefusesWideHeader(t *testing.T) {
	t.Parallel()
	header := "code_lieu;code_structure;nom;commune_insee;actif" + strings.Repeat(";x", 1_000_000) + "\n"
	start := time.Now()
	refused(t, extraction(t, map[string]string{"lieux.csv": header + "L-16-1;ML-16001;Siège;16015;O\n"}), Options{}, "lieux.csv", 1, "colonnes")
	refused(t, extraction(t, map[string]string{"lieux.csv": header + "L-16-1;ML-16001;Siège;16015;O\n"}), Options{Limits: Limits{MaxRecordBytes: 512 << 10}}, "lieux.csv", 1, "l'en-tête dépasse")
	if took := time.Since(start); took > time.Minute {
		t.Errorf("took %v", took)
	}
	refused(t, extraction(t, map[string]string{"lieux.csv": "code_lieu;code_structure;nom;commune_insee;actif" + strings.Repeat(";x", 2000) + "\n"}),
		Options{}, "lieux.csv", 1, "colonnes")
}

// An XLSX sheet longer than the (lowered) limit is refused.
func TestIngestRefusesLongSheet(t *testing.T) {
	t.Parallel()
	dir := extraction(t, map[string]string{"lieux.csv": ""})
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	_ = f.SetSheetRow(sh, "A1", &[]any{"code_lieu", "code_structure", "nom", "commune_insee", "actif"})
	for i := 2; i <= 30; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		_ = f.SetSheetRow(sh, cell, &[]any{"L-16-1", "ML-16001", "Siège", "16015", "O"})
	}
	if err := f.SaveAs(filepath.Join(dir, "lieux.xlsx")); err != nil {
		t.Fatal(err)
	}
	refused(t, dir, Options{Limits: Limits{MaxSheetRows: 20}}, "lieux.xlsx", 21, "20 lignes")
}

// A Windows-1252 line inside a UTF-8 file, or a UTF-8 line inside a
// Windows-1252 one, is refused with the line that breaks UTF-8; a file in
// one encoding only is read (TestIngestFormatsAndEncodings).
func TestIngestRefusesMixedEncodings(t *testing.T) {
	t.Parallel()
	cp, err := charmap.Windows1252.NewEncoder().String("ML-33002;Mission Locale des Grâves;33;;\n")
	if err != nil {
		t.Fatal(err)
	}
	head := "code_structure;nom;departement;region;email_direction\n"
	utf8First := head + "ML-16001;Mission Locale de l'Angoumois – cœur;16;;\n" + cp
	refused(t, extraction(t, map[string]string{"structures.csv": utf8First}), Options{}, "structures.csv", 3, "UTF-8")
	cpFirst := head + cp + "ML-16001;Mission Locale de l'Angoumois – cœur;16;;\n"
	refused(t, extraction(t, map[string]string{"structures.csv": cpFirst}), Options{}, "structures.csv", 2, "UTF-8")
}

// A .csv.gz cut short (a copy that stopped half-way) or corrupted in its
// middle is refused as unreadable, not loaded up to where it breaks.
func TestIngestRefusesTruncatedOrCorruptGzip(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("code_lieu;code_structure;nom;commune_insee;actif\n"))
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(zw, "L-16-%d;ML-16001;Antenne %d;16015;O\n", i, i*7919)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	whole := gz.Bytes()
	corrupt := bytes.Clone(whole)
	corrupt[len(corrupt)/2] ^= 0xff
	for name, b := range map[string][]byte{"truncated": whole[:len(whole)/2], "corrupt": corrupt} {
		dir := extraction(t, map[string]string{"lieux.csv": ""})
		if err := os.WriteFile(filepath.Join(dir, "lieux.csv.gz"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			refused(t, dir, Options{}, "lieux.csv.gz", 0, "gzip")
		})
	}
}

// An empty file (not even a header) is refused naming the file once.
func TestIngestRefusesAnEmptyFile(t *testing.T) {
	t.Parallel()
	dir := extraction(t, map[string]string{"lieux.csv": ""})
	if err := os.WriteFile(filepath.Join(dir, "lieux.csv"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	refused(t, dir, Options{}, "lieux.csv", 0, "le fichier est vide")
}
