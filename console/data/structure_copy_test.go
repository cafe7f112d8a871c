package data

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// notCopied are the warehouse tables an `avance` account's copy leaves out,
// each with its reason. A table added to the warehouse must be either copied
// (sql/console/structure_copy.sql, filtered on the structure) or listed here.
var notCopied = map[string]string{
	"runs":                   "the region's run record",
	"run_files":              "the region's run record",
	"quarantine":             "rows refused before any structure was checked",
	"transfer_journal":       "the before/after values of transfers, regional",
	"archive_batches":        "regional archiving batches",
	"archive_batch_motifs":   "regional archiving batches",
	"archive_batch_dossiers": "regional archiving batches",
	"transfer_deletable":     "regional transfer bookkeeping",
	"schedule_ledger":        "the daemon's schedules",
	"schedule_outputs":       "the daemon's schedules",
	"schedule_heartbeat":     "the daemon's schedules",
	"delivery_ledger":        "the deliveries ledger, regional",
	"identity_blanked":       "fingerprints of emptied justified identity values, for ingest only (IDJ)",
	"schema_version":         "the migrations' record",
	"maintenance_pending":    "the file rewrites an archiving owes, regional",
}

var createRe = regexp.MustCompile(`(?m)^CREATE TABLE (\w+) AS`)

func copiedTables(t *testing.T) map[string]bool {
	t.Helper()
	text, err := sqlfiles.Read(sqlfiles.FS(), "console/structure_copy.sql")
	if err != nil {
		t.Fatal(err)
	}
	copied := map[string]bool{}
	for _, m := range createRe.FindAllStringSubmatch(text, -1) {
		copied[m[1]] = true
	}
	return copied
}

// TestStructureCopyCoversEveryTable fails when a table of the extract format
// or of the warehouse is neither in the structure copy nor excluded on
// purpose, so that the next table added is not silently missing from the
// `avance` SQL page (or silently given to it).
func TestStructureCopyCoversEveryTable(t *testing.T) {
	t.Parallel()
	copied := copiedTables(t)
	for name := range notCopied {
		if copied[name] {
			t.Errorf("%s is both copied and excluded", name)
		}
	}
	for _, tb := range ingest.Tables {
		if !copied[tb.Name] && notCopied[tb.Name] == "" {
			t.Errorf("extract table %s is neither in sql/console/structure_copy.sql nor in notCopied", tb.Name)
		}
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "vigie.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rows, err := w.DB.QueryContext(ctx, "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		seen[name] = true
		if !copied[name] && notCopied[name] == "" {
			t.Errorf("warehouse table %s is neither in sql/console/structure_copy.sql nor in notCopied", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// Positive control, and no stale names on either side.
	for name := range copied {
		if !seen[name] {
			t.Errorf("copied table %s is not in the warehouse", name)
		}
	}
	for name := range notCopied {
		if !seen[name] {
			t.Errorf("excluded table %s is not in the warehouse", name)
		}
	}
}
