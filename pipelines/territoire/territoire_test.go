package territoire

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// loaded ingests the wave-2 fixture (testdata/controls/wave2) and archives
// ter_archived through the archive pipeline.
func loaded(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	res, err := recorded.Ingest(t, ctx, w, filepath.Join("..", "..", "testdata", "controls", "wave2"), ingest.Options{})
	if err != nil || res.Quarantined != 0 {
		t.Fatalf("ingest: %v, %d quarantined", err, res.Quarantined)
	}
	run, err := w.BeginRun(ctx, warehouse.RunInfo{Command: "archive dossier", AsOf: &asOf})
	if err != nil {
		t.Fatal(err)
	}
	_, err = archive.Dossier(ctx, w, "ter_archived", "demande_du_jeune", archive.Options{AsOf: asOf, BackupDir: filepath.Join(dir, "sauvegardes"), RunID: run.ID})
	if ferr := run.Finish(err); err != nil || ferr != nil {
		t.Fatal(err, ferr)
	}
	return w
}

func TestPlanWithGJAndEAV(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	p, err := MakePlan(context.Background(), w, Options{From: "ML-16001", To: "ML-33002", Communes: []string{"16102", "16070"}, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range p.Decisions {
		got = append(got, strings.Join([]string{d.IDDossier, d.CodeStructure, d.CommuneINSEE, d.Decision, d.IDDispositif, d.CodeDispositif}, ","))
	}
	want := []string{
		"ter_eav,ML-16001,16102,terminer_en_A,eav1,eav", // suspended: still open
		"ter_gj,ML-16001,16102,terminer_en_A,gj1,garantie_jeunes",
		"ter_gj,ML-16001,16102,sortir_demenagement,pacea1,pacea",
		"ter_none,ML-16001,16102,aucune_action,,",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// 16070 is already in ML-33002's coverage: a warning, not a refusal
	if strings.Join(p.AlreadyInB, ",") != "16070" {
		t.Errorf("AlreadyInB = %v", p.AlreadyInB)
	}
	path, err := WriteWorkbook(filepath.Join(t.TempDir(), "plans"), p)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "transfert-territoire-ML-16001-vers-ML-33002-2026-11-23.xlsx" {
		t.Errorf("workbook %s", path)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("workbook mode: %v %v", st, err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plan, _ := f.GetRows("Plan")
	zones, _ := f.GetRows("Zones de couverture")
	if len(plan) != 5 || plan[3][4] != "à clore le 23/11/2026 pour déménagement" || plan[1][4] != "à mener à son terme par ML-16001" {
		t.Errorf("plan sheet: %q", plan)
	}
	if len(zones) != 3 || strings.Join(zones[1], "|") != "16102|ML-16001|ML-33002" || zones[2][3] != "déjà dans la zone de ML-33002" {
		t.Errorf("zones sheet: %q", zones)
	}
}

func TestPlanRefusesUnknownCommune(t *testing.T) {
	t.Parallel()
	w := loaded(t)
	_, err := MakePlan(context.Background(), w, Options{From: "ML-16001", To: "ML-33002", Communes: []string{"16102", "33522", "24037"}, AsOf: asOf})
	var unknown *UnknownCommunesError
	var refused *warehouse.RefusedError
	if !errors.As(err, &unknown) || !errors.As(err, &refused) {
		t.Fatalf("err = %v, want a refusal naming the communes", err)
	}
	if strings.Join(unknown.Communes, ",") != "24037,33522" || !strings.Contains(err.Error(), "ML-16001 ne couvre pas 24037, 33522") {
		t.Errorf("refusal: %v", err)
	}
	// A structure the warehouse does not know (a typo in --to) is refused.
	_, err = MakePlan(context.Background(), w, Options{From: "ML-16001", To: "ML-33020", Communes: []string{"16102"}, AsOf: asOf})
	var missing *UnknownStructuresError
	if !errors.As(err, &missing) || !errors.As(err, &refused) || !strings.Contains(err.Error(), "structure inconnue de l'entrepôt : ML-33020") {
		t.Errorf("unknown receiving structure: %v", err)
	}
	for _, o := range []Options{
		{From: "ML-16001", To: "ML-16001", Communes: []string{"16102"}, AsOf: asOf},
		{From: "ML 16001", To: "ML-33002", Communes: []string{"16102"}, AsOf: asOf},
		{From: "ML-16001", To: "ML-33002", Communes: []string{"1610"}, AsOf: asOf},
		{From: "ML-16001", To: "ML-33002", AsOf: asOf},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
