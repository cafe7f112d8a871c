package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/archive"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/transfers"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

var testAsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// every rule code of rules.md.
var ruleCodes = []string{
	"RDV-01", "RDV-02", "RDV-03",
	"FOR-01", "FOR-02", "FOR-03", "FOR-04", "FOR-05", "FOR-06", "FOR-07", "FOR-08", "FOR-09",
	"PCJ-01", "PCJ-02",
	"SIE-01", "SIE-02", "SIE-03", "SIE-04",
	"PAC-01", "PAC-02", "PAC-03", "PAC-04", "PAC-05", "PAC-06", "PAC-07",
	"USR-01", "USR-02", "USR-03", "USR-04", "USR-05", "USR-06",
	"RGS-01", "RGS-02", "RGS-03",
	"DOS-01", "DOS-02", "DOS-03", "DOS-04", "DOS-05",
}

// TestDemoRegion generates a small region, loads it through the ingestion
// and checks that every rule of rules.md finds something, at a small share,
// that the ASP list and the archiving plan are complete, and that the
// transfer batch refuses, executes and leaves waiting.
func TestDemoRegion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	extraction := filepath.Join(dir, "extraction")
	st, err := Generate(ctx, extraction, Options{Scale: 0.01, Seed: 7, AsOf: testAsOf})
	if err != nil {
		t.Fatal(err)
	}
	if st.Structures != 43 || st.Dossiers != 1500 || len(st.Tables) != 14 {
		t.Fatalf("stats: %+v", st)
	}
	for _, ts := range st.Tables {
		fi, err := os.Stat(filepath.Join(extraction, ts.File))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", ts.File, fi.Mode().Perm())
		}
		if ts.Rows == 0 {
			t.Errorf("%s: no rows", ts.File)
		}
	}

	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ir, err := recorded.Ingest(t, ctx, w, extraction, ingest.Options{})
	if err != nil {
		t.Fatalf("ingest: %v %+v", err, ir)
	}
	// The handful of bad rows, and nothing else, is quarantined.
	if ir.Quarantined < 5 || ir.Quarantined > 10 {
		t.Errorf("%d rows quarantined, want the 5 to 10 bad rows: %+v", ir.Quarantined, ir.Samples)
	}
	for _, f := range ir.Files {
		var want int
		for _, ts := range st.Tables {
			if ts.Table == f.Table {
				want = ts.Rows
			}
		}
		if f.Read != int64(want) {
			t.Errorf("%s: read %d rows, generated %d", f.Table, f.Read, want)
		}
	}

	// The Windows-1252 file is detected and its text comes out right.
	for _, f := range ir.Files {
		if f.Table == "offres_service" && f.Encoding != "windows-1252" {
			t.Errorf("offres_service.csv read as %s", f.Encoding)
		}
	}
	rows, err := w.DB.QueryContext(ctx, "SELECT DISTINCT intitule FROM offres_service")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(offresIntitules, s) {
			t.Errorf("offer title %q is not one the generator wrote", s)
		}
	}
	rows.Close()

	// Plausible data: nothing happened after the as-of day but planned
	// appointments, closed programmes have an exit, allowances fall in their
	// programme, young people are 16 to 33.
	for _, q := range []string{
		"SELECT count(*) FROM evenements WHERE CAST(date_evenement AS DATE) >= DATE '2026-11-23'",
		"SELECT count(*) FROM rendez_vous WHERE CAST(date_heure AS DATE) >= DATE '2026-11-23' AND statut <> 'prevu'",
		"SELECT count(*) FROM rendez_vous WHERE CAST(date_creation AS DATE) >= DATE '2026-11-23' OR date_creation > date_heure",
		"SELECT count(*) FROM dispositifs WHERE date_entree >= DATE '2026-11-23' OR date_sortie >= DATE '2026-11-23'",
		"SELECT count(*) FROM dispositifs WHERE (etat = 'clos') <> (date_sortie IS NOT NULL) OR date_sortie < date_entree",
		`SELECT count(*) FROM allocations a JOIN dispositifs p USING (id_dispositif)
		 WHERE a.mois < strftime(p.date_entree, '%Y-%m') OR a.mois > strftime(coalesce(p.date_sortie, DATE '2026-11-23'), '%Y-%m')`,
		"SELECT count(*) FROM dossiers WHERE date_diff('year', date_naissance, DATE '2026-11-23') NOT BETWEEN 16 AND 34",
		"SELECT count(*) FROM dossiers WHERE date_inscription >= DATE '2026-11-23' OR date_inscription < date_naissance + INTERVAL 16 YEAR",
		"SELECT count(*) FROM evenements e JOIN dossiers d USING (id_dossier) WHERE CAST(e.date_evenement AS DATE) < d.date_inscription",
		"SELECT count(*) FROM dispositifs p JOIN dossiers d USING (id_dossier) WHERE p.date_entree < d.date_inscription",
	} {
		var n int
		if err := w.DB.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n != 0 {
			t.Errorf("%d implausible rows: %s", n, q)
		}
	}

	res, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: testAsOf})
	if err != nil {
		t.Fatal(err)
	}
	byRule := map[string]int{}
	for _, f := range res.Findings {
		byRule[f.Rule]++
	}
	t.Logf("%d dossiers; findings by rule: %v", st.Dossiers, byRule)
	for _, r := range ruleCodes {
		if byRule[r] == 0 {
			t.Errorf("%s: no finding", r)
		}
	}
	// Shares stay small: per dossier, per account, per partner.
	var dossiers, accounts, partners int
	for q, dst := range map[string]*int{
		"SELECT count(*) FROM dossiers":                        &dossiers,
		"SELECT count(*) FROM utilisateurs":                    &accounts,
		"SELECT count(*) FROM partenaires WHERE actif IS TRUE": &partners,
	} {
		if err := w.DB.QueryRowContext(ctx, q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range ruleCodes {
		base := dossiers
		switch r[:3] {
		case "USR":
			base = accounts
		case "SIE":
			base = partners
		case "RGS":
			continue
		}
		limit := 0.06
		if r == "DOS-01" || r == "SIE-01" {
			limit = 0.2 // dormant dossiers include those due for archiving; attachment is the usual gap
		}
		if share := float64(byRule[r]) / float64(base); share > limit {
			t.Errorf("%s: %d findings for %d objects (%.1f %%): not a small share", r, byRule[r], base, 100*share)
		}
	}

	asp, err := controls.WeeklyASP(ctx, w, testAsOf, "")
	if err != nil {
		t.Fatal(err)
	}
	aspStructures := map[string]bool{}
	for _, r := range asp {
		aspStructures[r.CodeStructure] = true
	}
	if len(aspStructures) < 2 {
		t.Errorf("ASP list of %d rows in %d structures, want several structures", len(asp), len(aspStructures))
	}

	plan, err := archive.Plan(ctx, w, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	motifs := map[string]int{}
	for _, d := range plan {
		motifs[d.Motif]++
	}
	t.Logf("ASP list: %d rows in %d structures; archive plan: %v", len(asp), len(aspStructures), motifs)
	for _, m := range []string{archive.MotifDispositifOuvert, archive.MotifAge31, archive.MotifEAV, archive.MotifAge27, archive.MotifInactif, archive.MotifActif} {
		if motifs[m] == 0 {
			t.Errorf("archive plan: no %s (%v)", m, motifs)
		}
	}

	at := time.Date(2026, 11, 23, 4, 0, 0, 0, warehouse.Paris)
	tr, err := recorded.Transfers(t, ctx, w, transfers.Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Count(transfers.StatusExecuted) == 0 || tr.Count(transfers.StatusPending) == 0 || tr.Count(transfers.StatusRefused) == 0 {
		t.Errorf("transfers: %d executed, %d refused, %d waiting", tr.Count(transfers.StatusExecuted), tr.Count(transfers.StatusRefused), tr.Count(transfers.StatusPending))
	}
	t.Logf("transfers: %d executed (%d rows), %d refused, %d waiting", tr.Count(transfers.StatusExecuted), tr.Lines(), tr.Count(transfers.StatusRefused), tr.Count(transfers.StatusPending))
	reasons := map[string]bool{}
	for _, o := range tr.Outcomes {
		if o.Statut == transfers.StatusRefused {
			reasons[o.Raison] = true
		}
	}
	if len(reasons) < 8 {
		t.Errorf("transfers refused for %d reasons, want every kind: %v", len(reasons), keys(reasons))
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// hashes returns the SHA-256 of every file of dir.
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out[e.Name()] = hex.EncodeToString(h.Sum(nil))
	}
	return out
}

// TestDeterministic: the same options give byte-identical files; another
// seed gives other data.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	gen := func(seed int64) map[string]string {
		dir := t.TempDir()
		if _, err := Generate(ctx, dir, Options{Scale: 0.005, Seed: seed, AsOf: testAsOf}); err != nil {
			t.Fatal(err)
		}
		return hashes(t, dir)
	}
	a, b, c := gen(3), gen(3), gen(4)
	if len(a) != 14 {
		t.Fatalf("%d files: %v", len(a), a)
	}
	for name, h := range a {
		if b[name] != h {
			t.Errorf("%s differs between two generations with the same seed", name)
		}
	}
	if a["dossiers.csv"] == c["dossiers.csv"] || a["evenements.csv.gz"] == c["evenements.csv.gz"] {
		t.Error("another seed gave the same dossiers or events")
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{Scale: 0, AsOf: testAsOf}, {Scale: -1, AsOf: testAsOf}, {Scale: 11, AsOf: testAsOf}, {Scale: 0.02}} {
		if _, err := Generate(context.Background(), t.TempDir(), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// TestIdentifiers checks the check digits against the vectors of
// domain-facts.md.
func TestIdentifiers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		nir  string
		want bool
	}{
		{"269054958815780", true}, {"206127511100564", true}, {"185076005701818", true}, {"260072000100289", true},
		{"253077507300483", true}, {"177022A00100229", true},
		{"269054958815781", false}, {"353072B07300483", false}, {"253072C07300483", false}, {"26905495881578", false},
	} {
		if got := ValidNIR(c.nir); got != c.want {
			t.Errorf("ValidNIR(%s) = %v", c.nir, got)
		}
	}
	for _, c := range []struct {
		siret string
		want  bool
	}{
		{"44079707400026", true}, {"48853781200015", true}, {"73282932000074", true}, {"55208131766522", true},
		{"35600000000048", true}, {"35600000049837", true},
		{"44079707400027", false}, {"48853781200016", false}, {"35600000049838", false}, {"12345678912345", false},
		{"3624679471379", false}, {"440797074000278", false},
	} {
		if got := ValidSIRET(c.siret); got != c.want {
			t.Errorf("ValidSIRET(%s) = %v", c.siret, got)
		}
	}
	for _, c := range []struct {
		siren string
		want  bool
	}{{"432167567", true}, {"732829320", true}, {"356000000", true}, {"432167568", false}, {"123456789", false}, {"43336767", false}} {
		if got := ValidSIREN(c.siren); got != c.want {
			t.Errorf("ValidSIREN(%s) = %v", c.siren, got)
		}
	}
	g := newGen(Options{Scale: 1, Seed: 1, AsOf: testAsOf})
	for i := 0; i < 2000; i++ {
		if s := g.siret(); !ValidSIRET(s) {
			t.Fatalf("generated SIRET %s is invalid", s)
		}
		birth := mkday(1990+i%15, 1+i%12, 1+i%28)
		n := nirWithKey(g.nir13('2', birth, "33"))
		if iso := string(appendDate(nil, birth, isoDate)); !ValidNIR(n) || n[:1] != "2" || n[1:3] != iso[2:4] || n[3:5] != iso[5:7] {
			t.Fatalf("generated NIR %s is invalid for %v", n, birth)
		}
	}
}

// TestCancelled: a cancelled generation returns the context's error and
// leaves no file behind, not even a temporary one.
func TestCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := Generate(ctx, dir, Options{Scale: 0.005, Seed: 1, AsOf: testAsOf}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}
