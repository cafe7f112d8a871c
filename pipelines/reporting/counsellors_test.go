package reporting

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// TestCounsellorListsOnDemoRegion: on the demo region, each counsellor's
// workbook and PDF hold only findings on the dossiers (and partners) they are
// referent of, as the warehouse says; only actif accounts holding
// conseiller_referent of opted-in structures receive a list; a counsellor
// with nothing open receives nothing, or « rien à signaler » when asked.
func TestCounsellorListsOnDemoRegion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	asOf := day("2026-11-23")
	w := demoWarehouse(t, asOf)
	var opted []string
	rows, err := w.DB.QueryContext(ctx, `SELECT code_structure FROM structures ORDER BY 1 LIMIT 6`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		opted = append(opted, c)
	}
	rows.Close()
	// The counsellors' part of Run, for the opted-in structures only (the
	// dashboards of the whole region would take most of the test's time).
	lists := func(opts *CounsellorOptions) *Result {
		res := &Result{ByCounsellor: map[string][]string{}}
		for _, code := range opted {
			r, err := LoadStructure(ctx, w, asOf, code)
			if err != nil {
				t.Fatal(err)
			}
			m, err := writeCounsellors(ctx, w, Options{AsOf: asOf, Out: t.TempDir(), Counsellors: opts}, r)
			if err != nil {
				t.Fatal(err)
			}
			for id, files := range m {
				res.ByCounsellor[id] = files
			}
		}
		return res
	}
	res := lists(&CounsellorOptions{Structures: opted})
	if len(res.ByCounsellor) < 5 {
		t.Fatalf("%d counsellors received a list, want several", len(res.ByCounsellor))
	}
	checked := 0
	for id, files := range res.ByCounsellor {
		var xlsx, pdf string
		for _, f := range files {
			switch filepath.Ext(f) {
			case ".xlsx":
				xlsx = f
			case ".pdf":
				pdf = f
			}
		}
		// Who the counsellor is, and which structure: an actif account of
		// an opted-in structure holding conseiller_referent.
		var code string
		var ok bool
		err := w.DB.QueryRowContext(ctx, `SELECT code_structure, etat = 'actif' AND list_contains(fonctions, 'conseiller_referent')
			FROM utilisateurs WHERE id_utilisateur = ?`, id).Scan(&code, &ok)
		if err != nil || !ok || !contains(opted, code) {
			t.Errorf("counsellor %s (%s) received a list: %v", id, code, err)
		}
		f, err := excelize.OpenFile(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := f.GetRows("Mes constats")
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		head := sheet[0]
		col := func(name string) int {
			for i, h := range head {
				if h == name {
					return i
				}
			}
			t.Fatalf("no column %s in %v", name, head)
			return -1
		}
		dos, obj, kind := col("Dossier"), col("Id objet"), col("Objet")
		text := pdfText(t, pdf)
		for _, r := range sheet[1:] {
			var referent string
			if dos < len(r) && r[dos] != "" {
				err = w.DB.QueryRowContext(ctx, `SELECT coalesce(id_conseiller_referent, '') FROM dossiers WHERE id_dossier = ?`, r[dos]).Scan(&referent)
				if !strings.Contains(text, r[dos]) {
					t.Errorf("%s: dossier %s in the workbook, not in the PDF", id, r[dos])
				}
			} else if r[kind] == "partenaire" {
				err = w.DB.QueryRowContext(ctx, `SELECT coalesce(id_conseiller_referent, '') FROM partenaires WHERE id_partenaire = ?`, r[obj]).Scan(&referent)
			} else {
				t.Errorf("%s: a finding on neither a dossier nor a partner: %v", id, r)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if referent != id {
				t.Errorf("counsellor %s received a finding on %v, followed by %q", id, r, referent)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Errorf("only %d findings checked", checked)
	}
	// Every finding of an opted-in structure's dossier with an actif
	// referent is in that referent's list: nothing is lost.
	var want int
	err = w.DB.QueryRowContext(ctx, `SELECT count(*) FROM findings f
		JOIN dossiers d ON d.id_dossier = f.id_dossier
		JOIN utilisateurs u ON u.id_utilisateur = d.id_conseiller_referent
		WHERE f.run_id = (SELECT max(run_id) FROM control_runs) AND u.etat = 'actif' AND list_contains(u.fonctions, 'conseiller_referent')
		  AND list_contains(?::VARCHAR[], f.code_structure)`, opted).Scan(&want)
	if err != nil {
		t.Fatal(err)
	}
	if want == 0 || checked < want {
		t.Errorf("%d findings in the counsellors' lists, %d on their dossiers", checked, want)
	}

	// With « rien à signaler », every qualifying counsellor of the opted-in
	// structures gets a message; without, only those with findings.
	res2 := lists(&CounsellorOptions{Structures: opted, NothingToReport: true})
	var all int
	err = w.DB.QueryRowContext(ctx, `SELECT count(*) FROM utilisateurs WHERE etat = 'actif' AND list_contains(fonctions, 'conseiller_referent')
		AND list_contains(?::VARCHAR[], code_structure)`, opted).Scan(&all)
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.ByCounsellor) != all {
		t.Errorf("with nothing_to_report, %d counsellors got a message, want %d", len(res2.ByCounsellor), all)
	}
	quiet := 0
	for id, files := range res2.ByCounsellor {
		if _, busy := res.ByCounsellor[id]; !busy {
			quiet++
			if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "courriel-") {
				t.Errorf("counsellor %s with nothing open got %v", id, files)
			}
		}
	}
	t.Logf("%d counsellors with a list, %d with nothing to report, %d findings checked", len(res.ByCounsellor), quiet, checked)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// demoWarehouse is the demo region at scale 0.01, ingested and controlled
// on asOf.
func demoWarehouse(t *testing.T, asOf time.Time) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	ext := filepath.Join(t.TempDir(), "extraction")
	if _, err := demo.Generate(ctx, ext, demo.Options{Scale: 0.01, Seed: 7, AsOf: time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, warehouse.Paris)}); err != nil {
		t.Fatal(err)
	}
	w := warehousetest.Open(t)
	if _, err := recorded.Ingest(t, ctx, w, ext, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	return w
}
