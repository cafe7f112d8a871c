package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxFile is one table written as an XLSX workbook (the extract format
// accepts it: first sheet, header row, real Excel dates), kept under a
// temporary name until the extraction is complete.
type xlsxFile struct {
	table, file string
	path, tmp   string
	rows        int
}

// xlsxDate is a date cell: a real Excel date shown dd/mm/yyyy.
type xlsxDate day

// writeXLSX writes header and rows to a temporary workbook in dir.
func writeXLSX(dir, table string, header []string, rows [][]any) (x *xlsxFile, err error) {
	file := table + ".xlsx"
	wb := excelize.NewFile()
	defer wb.Close()
	sheet := table
	if err := wb.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := wb.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	sw, err := wb.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			if d, ok := v.(xlsxDate); ok {
				y, m, dd := day(d).ymd()
				v = excelize.Cell{StyleID: dateStyle, Value: time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)}
			}
			cells[i] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, fmt.Errorf("write %s: %w", file, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	f, err := os.CreateTemp(dir, "."+file+".tmp-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", file, err)
	}
	x = &xlsxFile{table: table, file: file, path: filepath.Join(dir, file), tmp: f.Name(), rows: len(rows)}
	_, err = wb.WriteTo(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(x.tmp)
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	return x, nil
}

func (x *xlsxFile) commit() error {
	if err := os.Rename(x.tmp, x.path); err != nil {
		os.Remove(x.tmp)
		return fmt.Errorf("write %s: %w", x.file, err)
	}
	return nil
}

func (x *xlsxFile) abort() { os.Remove(x.tmp) }
