package rafael

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/ingest/ingesttest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

var fixture = filepath.Join("..", "..", "testdata", "controls", "wave2")

// run runs the pipeline under a run record of its own, as steps.Run does.
func run(t *testing.T, ctx context.Context, w *warehouse.Warehouse, o Options) (res *Result, err error) {
	t.Helper()
	err = w.Record(ctx, warehouse.RunInfo{Command: "rafael"}, func(id int64) error {
		o.RunID = id
		res, err = Run(ctx, w, o)
		return err
	})
	return res, err
}

func loaded(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w := warehousetest.Open(t)
	res, err := recorded.Ingest(t, ctx, w, fixture, ingest.Options{})
	if err != nil || res.Quarantined != 0 {
		t.Fatalf("ingest: %v, %d quarantined", err, res.Quarantined)
	}
	return w
}

// rowsOf renders a file's requests as "situation champ actuelle>demandee".
func rowsOf(rs []Request) []string {
	d := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.DateOnly)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.IDSituation+" "+r.Champ+" "+d(r.ValeurActuelle)+">"+d(r.ValeurDemandee))
	}
	return out
}

func TestMonthFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := loaded(t)
	out := filepath.Join(t.TempDir(), "rafael")
	res, err := run(t, ctx, w, Options{Month: "2026-09", Out: out})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"RAF-01_out_explicit date_fin_reelle ->2026-03-12",
		"raf_del suppression ->-",                       // « supprimer » without a field name
		"raf_last date_fin_reelle ->2026-03-05",         // the last request of a field stands
		"raf_start date_debut 2026-02-01>2026-02-02",    // 31/02/2026 is no date
		"raf_susp date_fin_reelle ->2026-02-03",         // « suspendue le 03/02/2026 »
		"raf_two date_fin_prevue 2026-06-30>2026-07-31", // two requests in one clause
		"raf_two date_fin_reelle ->2026-03-12",
	}
	if got := rowsOf(res.Requests); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.New != int64(len(want)) {
		t.Errorf("New = %d, want %d", res.New, len(want))
	}
	// the workbook, read back: header, one row per request, real dates
	f, err := excelize.OpenFile(filepath.Join(out, "demandes-rafael-2026-09.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(Columns, ",") || len(rows) != len(want)+1 {
		t.Fatalf("workbook: header %v, %d rows", rows[0], len(rows))
	}
	if r := rows[len(rows)-1]; r[2] != "raf_two" || r[6] != "" || r[7] != "12/03/2026" || !strings.Contains(r[8], "fin réelle au 12/03/2026") {
		t.Errorf("last row %q", r)
	}
	if st, err := os.Stat(res.Path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}

	// Sent once: the next month's file is empty; the same month again is
	// the same file.
	next, err := run(t, ctx, w, Options{Month: "2026-10", Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Requests) != 0 || next.New != 0 {
		t.Errorf("requests sent again in the next month: %v", rowsOf(next.Requests))
	}
	again, err := run(t, ctx, w, Options{Month: "2026-09", Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rowsOf(again.Requests), "\n") != strings.Join(want, "\n") || again.New != 0 {
		t.Errorf("the same month again: %v (new %d)", rowsOf(again.Requests), again.New)
	}
}

// TestRAF02 checks RAF-02 45 and 46 days after the end of the month of the
// file (30/09/2026: 14 and 15 November), and once the change came back.
func TestRAF02(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := loaded(t)
	if _, err := run(t, ctx, w, Options{Month: "2026-09", Out: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	raf02 := func(asOf string) map[string]controls.Finding {
		t.Helper()
		d, _ := time.Parse(time.DateOnly, asOf)
		res, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: d})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]controls.Finding{}
		for _, f := range res.Findings {
			if f.Rule == "RAF-02" {
				m[f.IDObjet+" "+f.IDLie] = f
			}
		}
		return m
	}
	if got := raf02("2026-11-14"); len(got) != 0 {
		t.Errorf("45 days after the month's end: %d RAF-02 findings", len(got))
	}
	got := raf02("2026-11-15")
	if len(got) != 6 {
		t.Errorf("46 days after the month's end: %d RAF-02 findings, want 6 (every date request, not the deletion)", len(got))
	}
	f := got["raf_two date_fin_prevue=2026-07-31"]
	if f.Gravite != controls.Alerte || !strings.Contains(f.Detail, "fichier de 2026-09 (fin prévue au 31/07/2026) toujours pas reportée : la situation porte 30/06/2026") {
		t.Errorf("raf_two: %+v", f)
	}
	// the vendor's change comes back in a later extraction: satisfied
	sit, err := os.ReadFile(filepath.Join(fixture, "situations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(sit), "raf_two;raf_d;formation;01/02/2026;30/06/2026;", "raf_two;raf_d;formation;01/02/2026;31/07/2026;", 1)
	dir := ingesttest.Extraction(t, fixture, map[string]string{"situations.csv": changed})
	if _, err := recorded.Ingest(t, ctx, w, dir, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	got = raf02("2026-11-16")
	if _, ok := got["raf_two date_fin_prevue=2026-07-31"]; ok || len(got) != 5 {
		t.Errorf("after the change came back: %d findings, raf_two still found: %v", len(got), ok)
	}
}

func TestOptionsRefused(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	for _, o := range []Options{{Month: "2026-13", Out: "x"}, {Month: "2026-1", Out: "x"}, {Month: "2026-10"}} {
		_, err := run(t, context.Background(), w, o)
		var refused *warehouse.RefusedError
		if !errors.As(err, &refused) {
			t.Errorf("%+v: err %v, want a refusal", o, err)
		}
	}
	if got := PreviousMonth(time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC)); got != "2026-12" {
		t.Errorf("PreviousMonth(2027-01-01) = %s", got)
	}
}
