package reports

import (
	"fmt"
	"io"

	"github.com/arml-na/vigie/pipelines/atomic"
	"github.com/arml-na/vigie/pipelines/structure"
)

// fileMode is the mode of every report: they hold personal data.
const fileMode = 0o600

// ValidStructureCode tells whether code may become part of a path.
func ValidStructureCode(code string) error {
	if !structure.Valid(code) || code == "region" {
		return fmt.Errorf("structure code %q cannot name a report folder: only letters, digits, '-' and '_' are allowed", code)
	}
	return nil
}

// writeAtomic writes a report atomically (mode 0600): nobody ever reads
// half a report.
func writeAtomic(path string, write func(w io.Writer) error) error {
	return atomic.WriteFile(path, fileMode, write)
}
