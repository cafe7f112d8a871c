package ingest

import (
	"fmt"
	"os"
)

// Limits bound what one extraction can make vigie read, so that a broken
// or hostile file is refused instead of filling the memory or the disk, or
// hanging. Zero fields take the defaults, which a national extraction (40
// million rows, 3.7 GiB of CSV) passes with a wide margin.
type Limits struct {
	// MaxColumns bounds the header of a file (default 1,000; the widest
	// table has 30 columns).
	MaxColumns int
	// MaxRecordBytes bounds one record of a CSV file, multi-line fields
	// included (default 4 MiB; DuckDB's reader is given room above it, so
	// that no record is ever dropped by the reader's own limit).
	MaxRecordBytes int64
	// MaxFileBytes bounds one file once decompressed and decoded, and the
	// unzipped size of a workbook (default 16 GiB).
	MaxFileBytes int64
	// MaxSheetRows bounds the rows of an XLSX sheet (default 1,048,576,
	// Excel's own limit).
	MaxSheetRows int64
}

// Default limits.
const (
	DefaultMaxColumns     = 1000
	DefaultMaxRecordBytes = 4 << 20
	DefaultMaxFileBytes   = 16 << 30
	DefaultMaxSheetRows   = 1 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultMaxColumns
	}
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxSheetRows <= 0 {
		l.MaxSheetRows = DefaultMaxSheetRows
	}
	return l
}

// FileError is a file refused for its shape: too large, not a regular
// file, quoting never closed, two encodings mixed. Line is 0 when the
// whole file is concerned.
type FileError struct {
	File   string
	Line   int64
	Reason string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s : ligne %d : %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s : %s", e.File, e.Reason)
}

// checkRegular refuses what is not a regular file (a FIFO, a device, a
// symbolic link to one): reading it could hang or never end.
func checkRegular(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return &FileError{File: path, Reason: fmt.Sprintf("ce n'est pas un fichier ordinaire (%s) : déposez une copie du fichier lui-même", fileKind(fi.Mode()))}
	}
	return nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "tube nommé"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "périphérique"
	case m&os.ModeSocket != 0:
		return "socket"
	case m.IsDir():
		return "dossier"
	default:
		return m.Type().String()
	}
}

func mib(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f Gio", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.1f Mio", float64(n)/(1<<20))
}
