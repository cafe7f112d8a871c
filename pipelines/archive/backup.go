package archive

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// The sheet names and headers of the two identity exports.
const (
	backupSheet         = "Sauvegarde avant archivage"
	correspondenceSheet = "Correspondance des dossiers"
)

var (
	backupHeader         = []string{"id_dossier", "code_structure", "nom_usage", "nom_naissance", "prenom", "date_naissance", "date_archivage", "motif"}
	correspondenceHeader = []string{"id_dossier", "code_structure", "nom_usage", "nom_naissance", "prenom", "date_naissance"}
)

// File is an identity file written by the batch: its path and SHA-256 (hex).
type File struct {
	Path   string
	SHA256 string
	Rows   int
}

// writeXLSX writes rows under header to dir/name as an XLSX whose one sheet is
// sheet: mode 0600, written to a temporary name in the same folder, synced,
// closed and renamed, so nobody ever reads half a file. A time.Time cell
// becomes a real Excel date (dd/mm/yyyy).
func writeXLSX(dir, name, sheet string, header []string, rows *sql.Rows) (f File, err error) {
	if err := atomic.MkdirAll(dir, 0o700, "dossier de la sauvegarde"); err != nil {
		return File{}, err
	}
	x := excelize.NewFile()
	defer func() {
		if cerr := x.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close workbook: %w", cerr)
		}
	}()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return File{}, fmt.Errorf("sheet name: %w", err)
	}
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return File{}, fmt.Errorf("date style: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return File{}, fmt.Errorf("stream writer: %w", err)
	}
	_ = sw.SetColWidth(1, len(header), 18)
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return File{}, fmt.Errorf("header row: %w", err)
	}
	n := 0
	vals := make([]any, len(header))
	ptrs := make([]any, len(header))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return File{}, fmt.Errorf("read row: %w", err)
		}
		cells := make([]any, len(vals))
		for i, v := range vals {
			switch t := v.(type) {
			case time.Time:
				// DATE values come as midnight UTC: keep the calendar day.
				cells[i] = excelize.Cell{StyleID: dateStyle, Value: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
			case []byte:
				cells[i] = string(t)
			default:
				cells[i] = t
			}
		}
		n++
		cell, err := excelize.CoordinatesToCellName(1, n+1)
		if err != nil {
			return File{}, err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return File{}, fmt.Errorf("row %d: %w", n+1, err)
		}
	}
	if err := rows.Err(); err != nil {
		return File{}, fmt.Errorf("read rows: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return File{}, fmt.Errorf("flush sheet: %w", err)
	}
	final := filepath.Join(dir, name)
	h := sha256.New()
	if err := atomic.WriteFile(final, 0o600, func(w io.Writer) error { return x.Write(io.MultiWriter(w, h)) }); err != nil {
		return File{}, err
	}
	abs, err := filepath.Abs(final)
	if err != nil {
		abs = final
	}
	return File{Path: abs, SHA256: hex.EncodeToString(h.Sum(nil)), Rows: n}, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error { return atomic.SyncDir(dir) }

// Backup writes the yearly full correspondence export (id, names, birth date,
// structure of every dossier not yet archived) to outDir, mode 0600, named
// after asOf.
func Backup(ctx context.Context, w *warehouse.Warehouse, outDir string, asOf time.Time) (File, error) {
	q, err := readSQL(w.SQL, "archive/correspondence.sql")
	if err != nil {
		return File{}, err
	}
	rows, err := w.DB.QueryContext(ctx, q)
	if err != nil {
		return File{}, fmt.Errorf("correspondence export: %w", err)
	}
	defer rows.Close()
	name := "correspondance-dossiers-" + day(asOf) + ".xlsx"
	return writeXLSX(outDir, name, correspondenceSheet, correspondenceHeader, rows)
}
