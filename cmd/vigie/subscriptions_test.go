package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/delivery/smtptest"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// The subscriptions job, end to end through `vigie schedule run`: each
// subscriber receives, by email and in its outbox folder, the analysis over
// its own scope only — a director its structure's young people, never the
// other structure's — on the days its frequency says; a disabled account
// receives nothing.
func TestSubscriptionsEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	wh, store := subscriptionWarehouse(t, dir,
		[]string{"dir16", "--profil", "standard", "--structure", "ML-16001", "--email", "dir16@ml16.example.org"},
		[]string{"dir33", "--profil", "standard", "--structure", "ML-33002", "--email", "dir33@ml33.example.org"},
		[]string{"gone", "--profil", "standard", "--structure", "ML-16001", "--email", "gone@ml16.example.org"},
		[]string{"expert", "--profil", "expert", "--email", "expert@arml.example.org"},
		[]string{"valid", "--profil", "valideur"})
	// When the data was loaded, as the workbook and the email say it.
	loaded := queryCSV(t, wh, `SELECT strftime(max(started_at), '%d/%m/%Y à %H:%M') FROM runs WHERE command = 'ingest'`)[1][0]
	get := func(login string) accounts.Account {
		a, err := store.Get(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := catalogueAnalysis(t, store, "Jeunes suivis", "SELECT code_structure, id_dossier, nom_usage FROM dossiers ORDER BY 1, 2")
	id := a.ID
	for login, f := range map[string]string{"dir16": accounts.Weekly, "dir33": accounts.Daily, "gone": accounts.Weekly, "expert": accounts.Monthly} {
		if err := store.Subscribe(ctx, get(login), a, f, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errOut := runVigie(t, "--warehouse", wh, "users", "disable", "gone"); code != 0 {
		t.Fatalf("users disable: %s", errOut)
	}
	// A catalogue analysis naming ML-33002, which dir16 subscribed to (as
	// before the console refused such subscriptions, or before its text
	// changed and was validated again): not sent, said so, no empty file.
	a2 := catalogueAnalysis(t, store, "Les Graves", "SELECT id_dossier FROM dossiers WHERE code_structure = 'ML-33002'")
	if err := store.Subscribe(ctx, get("dir16"), a2, accounts.Weekly, "test"); err != nil {
		t.Fatal(err)
	}

	mail := smtptest.Start(t, false)
	outbox := filepath.Join(dir, "outbox")
	cfgPath := subscriptionConfig(t, dir, mail, "")
	runFor := func(at string) string {
		t.Helper()
		code, out, errOut := runSchedCLI(ctx, map[string]string{"SMTP_PW": smtptest.Password}, "--warehouse", wh, "schedule", "run", "subscriptions",
			"--config", cfgPath, "--for", at, "--format", "csv")
		if code != 0 || !strings.Contains(out, "subscriptions,"+at+",done,") {
			t.Fatalf("schedule run subscriptions --for %s: exit %d\n%s\n%s", at, code, out, errOut)
		}
		return out
	}

	// Monday: the weekly and daily subscriptions; the monthly one waits for
	// the 1st, the disabled account gets nothing.
	runFor("2026-11-23 07:30")
	got := outboxFiles(t, outbox)
	want := []string{
		"abonne_dir16/2026-11-23_0730_subscriptions/analyse-" + itoa(int(id)) + "-2026-11-23.xlsx",
		"abonne_dir16/2026-11-23_0730_subscriptions/courriel-abonnements-2026-11-23.txt",
		"abonne_dir33/2026-11-23_0730_subscriptions/analyse-" + itoa(int(id)) + "-2026-11-23.xlsx",
		"abonne_dir33/2026-11-23_0730_subscriptions/courriel-abonnements-2026-11-23.txt",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("outbox:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each director's workbook holds its structure's young people only.
	for _, c := range []struct {
		file         string
		holds, lacks []string
	}{
		{want[0], []string{"D1", "Martin", "D2", "Lefèvre"}, []string{"D3", "Garçon", "ML-33002"}},
		{want[2], []string{"D3", "Garçon"}, []string{"D1", "Martin", "Lefèvre", "ML-16001"}},
	} {
		cells := workbookCells(t, filepath.Join(outbox, c.file))
		for _, v := range c.holds {
			if !strings.Contains(cells, "|"+v+"|") {
				t.Errorf("%s lacks %q:\n%s", c.file, v, cells)
			}
		}
		for _, v := range c.lacks {
			if strings.Contains(cells, v) {
				t.Errorf("%s holds %q, another structure's:\n%s", c.file, v, cells)
			}
		}
		if !strings.Contains(cells, "Jeunes suivis") || !strings.Contains(cells, "Périmètre : Mission Locale ") || !strings.Contains(cells, "|Données : extraction chargée le "+loaded+"|") {
			t.Errorf("%s: no title block:\n%s", c.file, cells)
		}
	}
	// By email: each director its own workbook, the body saying what it is.
	mailed := map[string]string{}
	for _, m := range mail.Messages() {
		if len(m.To) != 1 {
			t.Fatalf("message to %v: one recipient per message expected", m.To)
		}
		_, att := smtptest.Attachments(t, m.Data)
		for name, sum := range att {
			mailed[m.To[0]] += name + " "
			login := strings.SplitN(m.To[0], "@", 2)[0]
			file, err := os.ReadFile(filepath.Join(outbox, "abonne_"+login, "2026-11-23_0730_subscriptions", name))
			if s := sha256.Sum256(file); err != nil || hex.EncodeToString(s[:]) != sum {
				t.Errorf("%s: attachment %s is not its outbox file (%v)", m.To[0], name, err)
			}
		}
		body := smtptest.Body(t, m.Data)
		if m.To[0] == "dir16@ml16.example.org" && !strings.Contains(body, "- « Les Graves » (chaque lundi) : non envoyée, la requête a échoué ; ouvrez l'analyse dans la console pour voir pourquoi.") {
			t.Errorf("dir16 is not told why the analysis naming ML-33002 is not sent:\n%s", body)
		}
		if !strings.Contains(body, "dans la console vigie.\nPérimètre") || !strings.Contains(body, "« Jeunes suivis » (") || strings.Contains(body, "Martin") ||
			!strings.Contains(body, "Périmètre : Mission Locale ") || !strings.Contains(body, "sur l'extraction chargée le "+loaded) {
			t.Errorf("body to %v:\n%s", m.To, body)
		}
	}
	xlsx := "analyse-" + itoa(int(id)) + "-2026-11-23.xlsx "
	if len(mailed) != 2 || mailed["dir16@ml16.example.org"] != xlsx || mailed["dir33@ml33.example.org"] != xlsx {
		t.Errorf("emails: %v", mailed)
	}
	if recs := queryCSV(t, wh, `SELECT DISTINCT recipient FROM delivery_ledger ORDER BY 1`); len(recs) != 3 || recs[1][0] != "abonne_dir16" || recs[2][0] != "abonne_dir33" {
		t.Errorf("delivery ledger: %v", recs)
	}
	audit, _, err := store.AuditLog(ctx, accounts.AuditFilter{Action: "abonnement_calcule", Limit: 10})
	if err != nil || len(audit) != 2 {
		t.Errorf("audit of the results: %+v, %v", audit, err)
	}

	// Tuesday: the daily subscription only.
	runFor("2026-11-24 07:30")
	var tuesday []string
	for _, f := range outboxFiles(t, outbox) {
		if strings.Contains(f, "2026-11-24") {
			tuesday = append(tuesday, strings.SplitN(f, "/", 2)[0])
		}
	}
	if strings.Join(tuesday, ",") != "abonne_dir33,abonne_dir33" {
		t.Errorf("Tuesday's deliveries: %v", tuesday)
	}

	// The next Monday was missed (the daemon was down: the ledger says so):
	// Tuesday 1 December makes up the weekly subscription, once, with the
	// monthly one of the 1st; Wednesday sends the daily one only.
	w, err := warehouse.Open(ctx, wh, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, `INSERT INTO schedule_ledger (job, scheduled_for, state, updated_at) VALUES ('subscriptions', TIMESTAMP '2026-11-30 07:30:00', 'missed', now())`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ at, day, want string }{
		{"2026-12-01 07:30", "2026-12-01", "abonne_dir16,abonne_dir33,abonne_expert"},
		{"2026-12-02 07:30", "2026-12-02", "abonne_dir33"},
	} {
		runFor(c.at)
		seen := map[string]bool{}
		for _, f := range outboxFiles(t, outbox) {
			if strings.Contains(f, c.day+"_0730") {
				seen[strings.SplitN(f, "/", 2)[0]] = true
			}
		}
		got := make([]string, 0, len(seen))
		for k := range seen {
			got = append(got, k)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != c.want {
			t.Errorf("deliveries for %s: %v, want %s", c.at, got, c.want)
		}
	}
}

// subscriptionWarehouse loads the basic extraction into a new warehouse in
// dir, adds the console accounts users (login then users add's flags), and
// opens the accounts store.
func subscriptionWarehouse(t *testing.T, dir string, users ...[]string) (string, *accounts.Store) {
	t.Helper()
	wh := filepath.Join(dir, "w.duckdb")
	if code, _, errOut := runVigie(t, "--warehouse", wh, "ingest", copyExtraction(t, nil)); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	for _, u := range users {
		if code, _, errOut := runVigieIn(t, "un-mot-de-passe-solide\n", append([]string{"--warehouse", wh, "users", "add"}, u...)...); code != 0 {
			t.Fatalf("users add %s: %s", u[0], errOut)
		}
	}
	store, err := accounts.Open(context.Background(), filepath.Join(warehouse.ConsoleDir(wh), accounts.FileName), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return wh, store
}

// catalogueAnalysis puts an analysis in the catalogue as the profiles
// would: written and proposed by the account "expert", validated by "valid".
func catalogueAnalysis(t *testing.T, store *accounts.Store, titre, sqlText string) accounts.Analysis {
	t.Helper()
	ctx := context.Background()
	id, err := store.CreateAnalysis(ctx, "expert", accounts.AnalysisInput{Titre: titre, SQL: sqlText, Affichage: accounts.DisplayTable}, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := store.Analysis(ctx, id)
	if err := store.ProposeAnalysis(ctx, a, "expert", "test"); err != nil {
		t.Fatal(err)
	}
	if err := store.DecideAnalysis(ctx, a, a.Version, true, "", "valid", "test"); err != nil {
		t.Fatal(err)
	}
	a, err = store.Analysis(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// subscriptionConfig writes dir/vigie.yaml: the outbox dir/outbox, both
// structures' directors, the loopback SMTP server mail (password in
// $SMTP_PW), and extra.
func subscriptionConfig(t *testing.T, dir string, mail *smtptest.Server, extra string) string {
	t.Helper()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, mail.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "vigie.yaml")
	cfg := "outbox: " + filepath.Join(dir, "outbox") + "\nwork_dir: " + filepath.Join(dir, "work") + "\n" +
		"recipients:\n  analysts: [{id: a1}]\n  directors: [{structure: ML-16001}, {structure: ML-33002}]\n" + extra +
		"smtp:\n  host: localhost\n  port: " + itoa(mail.Port) + "\n  tls: starttls\n  username: " + smtptest.User +
		"\n  password_env: SMTP_PW\n  from: vigie@arml.example.org\n  ca_file: " + ca + "\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

func itoa(n int) string { return strconv.Itoa(n) }

// outboxFiles lists the files under an outbox, relative and sorted.
func outboxFiles(t *testing.T, outbox string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(outbox, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(outbox, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	return got
}

// workbookCells reads every cell of a workbook's sheets, "|"-separated.
func workbookCells(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			b.WriteString("|" + strings.Join(r, "|") + "|\n")
		}
	}
	return b.String()
}

// A subscription's delivery that failed and is resumed later goes only if it
// is still fit: not after an archiving of a dossier its file may name (the
// file would bring the anonymised identity back), not to an account that
// unsubscribed meanwhile.
func TestSubscriptionRetryChecksAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	wh, store := subscriptionWarehouse(t, dir,
		[]string{"dir16", "--profil", "standard", "--structure", "ML-16001", "--email", "dir16@ml16.example.org"},
		[]string{"dir33", "--profil", "standard", "--structure", "ML-33002", "--email", "dir33@ml33.example.org"},
		[]string{"av16", "--profil", "avance", "--structure", "ML-16001", "--email", "av16@ml16.example.org"})
	id, err := store.CreateAnalysis(ctx, "av16", accounts.AnalysisInput{Titre: "Mes jeunes",
		SQL: "SELECT id_dossier, nom_usage FROM dossiers ORDER BY 1", Affichage: accounts.DisplayTable}, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := store.Analysis(ctx, id)
	av16, _ := store.Get(ctx, "av16")
	if err := store.Subscribe(ctx, av16, a, accounts.Daily, "test"); err != nil {
		t.Fatal(err)
	}
	// A second account on the same analysis is impossible (it is personal):
	// dir33 gets its own, on the structure's dossiers too.
	id33, err := store.CreateAnalysis(ctx, "dir33", accounts.AnalysisInput{Titre: "Nos jeunes", SQL: "SELECT id_dossier FROM dossiers", Affichage: accounts.DisplayTable}, "test")
	if err != nil {
		t.Fatal(err)
	}
	a33, _ := store.Analysis(ctx, id33)
	dir33, _ := store.Get(ctx, "dir33")
	if err := store.Subscribe(ctx, dir33, a33, accounts.Daily, "test"); err != nil {
		t.Fatal(err)
	}

	mail := smtptest.Start(t, false)
	cfgPath := subscriptionConfig(t, dir, mail, "retries: {attempts: 1}\n")
	run := func() string {
		_, out, _ := runSchedCLI(ctx, map[string]string{"SMTP_PW": smtptest.Password}, "--warehouse", wh, "schedule", "run", "subscriptions",
			"--config", cfgPath, "--for", "2026-11-23 07:30", "--format", "csv")
		return out
	}
	// Both emails are refused once: the run's delivery fails.
	mail.FailOnce("av16@ml16.example.org")
	mail.FailOnce("dir33@ml33.example.org")
	if out := run(); !strings.Contains(out, "subscriptions,2026-11-23 07:30,delivery_failed,") {
		t.Fatalf("first run:\n%s", out)
	}
	// Meanwhile D1 (ML-16001, in av16's file) is archived, and dir33
	// unsubscribes.
	if code, _, errOut := runVigie(t, "--warehouse", wh, "archive", "dossier", "D1", "--motif", "demande_du_jeune", "--as-of", "2026-11-23",
		"--backup-dir", filepath.Join(dir, "bk")); code != 0 {
		t.Fatalf("archive dossier: %s", errOut)
	}
	if err := store.Unsubscribe(ctx, "dir33", a33, "test"); err != nil {
		t.Fatal(err)
	}
	run() // resumes the delivery
	for _, m := range mail.Messages() {
		t.Errorf("a resumed delivery sent %v a file it should not have", m.To)
	}
}
