package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// TestDemoCommand runs `vigie demo` on a small region twice (the demo is
// repeatable), and checks what it says and what it leaves: the extraction,
// the warehouse with the data and every pipeline's run, the reports.
func TestDemoCommand(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "demo")
	args := []string{"demo", "--out", out, "--scale", "0.004", "--seed", "5", "--as-of", "2026-11-23"}
	var stdout, stderr string
	for i := 0; i < 2; i++ {
		var code int
		code, stdout, stderr = runVigie(t, args...)
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s\n%s", i+1, code, stdout, stderr)
		}
	}
	wh := filepath.Join(out, "vigie.duckdb")
	for _, want := range []string{
		"43 structures, 600 dossiers",
		filepath.Join(out, "extraction"),
		wh,
		filepath.Join(out, "reports"),
		"Contrôles au 23/11/2026",
		"Liste ASP de la semaine du 16/11/2026 au 22/11/2026",
		"vigie query --warehouse " + wh,
		"Démonstration terminée",
		"Listes des conseillers :",
		"conseiller_<id> sa propre liste",
		"serve --warehouse " + wh,
		"http://127.0.0.1:8080/",
		"demo-standard", "demo-avance", "demo-expert", "demo-valideur", "demo-analyste", "demo-admin",
		"Analyses et mallette",
		"Et demo-standard y est abonné (chaque jour)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary does not say %q:\n%s", want, stdout)
		}
	}
	// The catalogue holds one analysis, validated: a director opens it over
	// its structure.
	store, err := accounts.Open(context.Background(), accountsPath(wh), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	std, err := store.Get(context.Background(), "demo-standard")
	if err != nil {
		t.Fatal(err)
	}
	list, err := store.Analyses(context.Background(), std.Login, false)
	if err != nil || len(list) != 1 || list[0].Statut != accounts.AnalysisValidated {
		t.Fatalf("the demo's catalogue: %v %+v, want one validated analysis", err, list)
	}
	res, err := data.Query(context.Background(), wh, data.StructureScope(std.CodeStructure), list[0].SQL)
	if err != nil {
		t.Errorf("the demo's analysis over %s: %v", std.CodeStructure, err)
	} else if len(res.Rows) == 0 {
		t.Errorf("the demo's analysis over %s: no row", std.CodeStructure)
	}
	if !strings.Contains(stderr, "mises en quarantaine") {
		t.Errorf("the bad rows' quarantine is not shown:\n%s", stderr)
	}
	// No young person's identity in what the command prints.
	body, err := os.ReadFile(filepath.Join(out, "extraction", "dossiers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Split(strings.Split(string(body), "\n")[1], ";")
	for _, v := range []string{line[4], line[6], line[9], line[11]} { // nom_usage, date_naissance, nir, email
		if v != "" && strings.Contains(stdout+stderr, v) {
			t.Errorf("the output holds the identity value %q", v)
		}
	}
	for _, p := range []string{
		"extraction/evenements.csv.gz",
		"reports/region/2026-11-23/synthese-regionale-2026-11-23.pdf",
		"reports/ML-33001/2026-11-23/tableau-de-bord-ML-33001-2026-11-23.pdf",
	} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	// demo-standard's subscription is delivered to its own outbox folder.
	if got, err := filepath.Glob(filepath.Join(out, "outbox", "abonne_*", "*", "*")); err != nil || len(got) != 2 ||
		!strings.HasSuffix(got[0], filepath.Join("abonne_demo-standard", "2026-11-23_0730_demo", "analyse-1-2026-11-23.xlsx")) {
		t.Errorf("the demo's subscription in the outbox: %v, %v", got, err)
	}
	// The demo runs the Monday step (report_weekly): the counsellors receive
	// their own list, in their own outbox folder.
	lists, err := filepath.Glob(filepath.Join(out, "outbox", "conseiller_*", "*", "constats-*-2026-11-23.pdf"))
	if err != nil || len(lists) == 0 {
		t.Errorf("no counsellor's list in the outbox (%v)", err)
	}
	for _, l := range lists {
		folder := filepath.Base(filepath.Dir(filepath.Dir(l)))
		if key := strings.TrimPrefix(folder, "conseiller_"); !strings.HasPrefix(filepath.Base(l), "constats-"+key+"-") {
			t.Errorf("%s holds another counsellor's list: %s", folder, filepath.Base(l))
		}
	}

	ctx := context.Background()
	w, err := warehouse.OpenReadOnly(ctx, wh, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	count := func(q string) int {
		var n int
		if err := w.DB.QueryRowContext(ctx, q).Scan(&n); err != nil && err != sql.ErrNoRows {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	// A fresh warehouse each time: one ingestion, the data once.
	if n := count("SELECT count(*) FROM dossiers"); n != 600 {
		t.Errorf("%d dossiers in the warehouse, want 600", n)
	}
	if n := count("SELECT count(*) FROM runs WHERE command = 'ingest'"); n != 2 {
		t.Errorf("%d ingest runs, want 2, the extraction and its update (the previous demo's warehouse must be replaced)", n)
	}
	if n := count("SELECT count(DISTINCT rule) FROM findings"); n < 30 {
		t.Errorf("findings of %d rules only", n)
	}
}

func TestDemoCommandRefuses(t *testing.T) {
	t.Parallel()
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("à garder"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"demo", "--out", busy, "--scale", "0.004"}, 1}, // a folder vigie demo did not write
		{[]string{"demo", "--scale", "0"}, 2},
		{[]string{"demo", "--scale", "50"}, 2},
		{[]string{"demo", "--as-of", "23/11/2026"}, 2},
		{[]string{"demo", "extra"}, 2},
	} {
		if code, _, errs := runVigie(t, c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errs)
		}
	}
	if body, err := os.ReadFile(filepath.Join(busy, "notes.txt")); err != nil || string(body) != "à garder" {
		t.Errorf("the refused folder was touched: %q %v", body, err)
	}
}
