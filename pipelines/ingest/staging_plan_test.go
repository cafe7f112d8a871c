package ingest

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestStagingQueriesOnlyProject checks the plan of every table's staging
// query: a scan, projections and the table written, nothing that may change
// the order of the rows (a join, an aggregate, a sort, a window). The
// quarantine finds a row's record in the file from its rowid in
// stg_<table>, which is its position only if the rows keep their order; an
// IN list of codes, planned as a join, once scrambled the rows of a large
// file.
func TestStagingQueriesOnlyProject(t *testing.T) {
	ctx := context.Background()
	w := warehousetest.Open(t)
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	macros, err := sqlfiles.Read(w.SQL, "ingest/macros.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, macros); err != nil {
		t.Fatal(err)
	}
	operator := regexp.MustCompile(`│\s*([A-Z][A-Z_]+)\s*│`)
	allowed := map[string]bool{"BATCH_CREATE_TABLE_AS": true, "CREATE_TABLE_AS": true, "PROJECTION": true, "SEQ_SCAN": true, "TABLE_SCAN": true}
	for _, tb := range Tables {
		cols := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			cols[i] = warehouse.MustIdent(c.Name) + " VARCHAR"
		}
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+rawTable(tb)+` (`+strings.Join(cols, ", ")+`)`); err != nil {
			t.Fatal(err)
		}
		var kind, plan string
		if err := conn.QueryRowContext(ctx, `EXPLAIN `+stagingSQL(tb, rawTable(tb))).Scan(&kind, &plan); err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		for _, m := range operator.FindAllStringSubmatch(plan, -1) {
			if !allowed[m[1]] {
				t.Errorf("%s: the staging query's plan holds %s, which may reorder the rows:\n%s", tb.Name, m[1], plan)
			}
		}
	}
}
