package transfers

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// fixture opens a warehouse holding structure ML-16001 (and a neighbour ML-33001):
//
//	accounts  U1 (source, referent), U2 (actif, referent), U3 (actif, no referent function),
//	          U4 (desactive, referent), UX (actif referent of ML-33001)
//	lieux     L1, L2 active, L3 inactive; LX of ML-33001
//	dossiers  D1, D2, D3 (U1, L1), D4 archived (U1, L1), DX of ML-33001 (U1, L1)
//	          events E1 (D1) and E4 (D4): contexte ctxA, code_lieu L1; appointment R1 (D1, L1)
//	          situation S1 (D1) and S4 (D4): organisme OrgA
//	partners  P1, P2 (U1), PX of ML-33001 (U1); offer O1 (U1)
func fixture(t testing.TB) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "vigie.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	exec(t, w, `INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, fonctions, etat) VALUES
		('U1', 'u1', 'ML-16001', 'A', 'B', ['conseiller_referent'], 'actif'),
		('U2', 'u2', 'ML-16001', 'A', 'B', ['validateur', 'conseiller_referent'], 'actif'),
		('U3', 'u3', 'ML-16001', 'A', 'B', ['validateur'], 'actif'),
		('U4', 'u4', 'ML-16001', 'A', 'B', ['conseiller_referent'], 'desactive'),
		('UX', 'ux', 'ML-33001', 'A', 'B', ['conseiller_referent'], 'actif')`)
	exec(t, w, `INSERT INTO lieux (code_lieu, code_structure, nom, actif) VALUES
		('L1', 'ML-16001', 'a', true), ('L2', 'ML-16001', 'b', true), ('L3', 'ML-16001', 'c', false), ('LX', 'ML-33001', 'd', true)`)
	for _, d := range []struct{ id, structure string }{{"D1", "ML-16001"}, {"D2", "ML-16001"}, {"D3", "ML-16001"}, {"D4", "ML-16001"}, {"DX", "ML-33001"}} {
		exec(t, w, `INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, date_naissance, date_inscription,
			id_conseiller_referent, code_lieu_rattachement) VALUES (?, ?, 'm', 'p', 'n', DATE '2005-01-01', DATE '2025-01-01', 'U1', 'L1')`, d.id, d.structure)
	}
	exec(t, w, `UPDATE dossiers SET archive = true WHERE id_dossier = 'D4'`)
	exec(t, w, `INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature, code_lieu, contexte) VALUES
		('E1', 'D1', TIMESTAMP '2026-10-01 10:00', 'atelier', 'L1', 'ctxA'),
		('E4', 'D4', TIMESTAMP '2026-10-01 10:00', 'atelier', 'L1', 'ctxA')`)
	exec(t, w, `INSERT INTO rendez_vous (id_rdv, id_dossier, date_heure, statut, code_lieu) VALUES ('R1', 'D1', TIMESTAMP '2026-12-01 10:00', 'prevu', 'L1')`)
	exec(t, w, `INSERT INTO situations (id_situation, id_dossier, type_situation, date_debut, organisme) VALUES
		('S1', 'D1', 'formation', DATE '2026-01-01', 'OrgA'), ('S4', 'D4', 'formation', DATE '2026-01-01', 'OrgA')`)
	exec(t, w, `INSERT INTO partenaires (id_partenaire, code_structure, raison_sociale, rattache_siene, id_conseiller_referent) VALUES
		('P1', 'ML-16001', 'x', true, 'U1'), ('P2', 'ML-16001', 'y', true, 'U1'), ('PX', 'ML-33001', 'z', true, 'U1')`)
	exec(t, w, `INSERT INTO offres_service (id_offre, code_structure, intitule, id_referent, etat) VALUES ('O1', 'ML-16001', 'o', 'U1', 'en_cours')`)
	return w
}

func exec(t testing.TB, w *warehouse.Warehouse, q string, args ...any) {
	t.Helper()
	if _, err := w.DB.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// request inserts a transfer request; sel is '|'-separated ids or "".
func request(t testing.TB, w *warehouse.Warehouse, id, typ, ref, source, dest, sel, at string) {
	t.Helper()
	exec(t, w, `INSERT INTO transferts (id_transfert, code_structure, type_transfert, table_reference, source, destination, selection, date_demande)
		VALUES (?, 'ML-16001', ?, ?, ?, ?, CASE WHEN ? = '' THEN NULL ELSE string_split(?, '|') END, CAST(? AS TIMESTAMP))`,
		id, typ, warehouse.NullString(ref), source, dest, sel, sel, at)
}

// local returns a Europe/Paris wall-clock instant.
func local(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, warehouse.Paris)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func run(t testing.TB, w *warehouse.Warehouse, at string) *Result {
	t.Helper()
	res, err := Run(context.Background(), w, Options{At: local(t, at), RunID: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func query(t testing.TB, w *warehouse.Warehouse, q string, args ...any) string {
	t.Helper()
	var s *string
	if err := w.DB.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if s == nil {
		return ""
	}
	return *s
}

// snapshot is every column a transfer could change, to prove a refusal changed nothing.
func snapshot(t testing.TB, w *warehouse.Warehouse) string {
	return query(t, w, `SELECT concat_ws(' / ',
		(SELECT string_agg(id_dossier||':'||id_conseiller_referent||':'||code_lieu_rattachement, ',' ORDER BY id_dossier) FROM dossiers),
		(SELECT string_agg(id_partenaire||':'||id_conseiller_referent, ',' ORDER BY id_partenaire) FROM partenaires),
		(SELECT string_agg(id_offre||':'||id_referent, ',' ORDER BY id_offre) FROM offres_service),
		(SELECT string_agg(id_evenement||':'||contexte||':'||code_lieu||':'||coalesce(commentaire, '-'), ',' ORDER BY id_evenement) FROM evenements),
		(SELECT string_agg(id_rdv||':'||code_lieu, ',' ORDER BY id_rdv) FROM rendez_vous),
		(SELECT string_agg(id_situation||':'||organisme, ',' ORDER BY id_situation) FROM situations),
		(SELECT count(*) FROM transfer_journal))`)
}

func TestDueAt0400NextLocalDay(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	request(t, w, "T1", "conseiller_referent", "", "U1", "U2", "", "2026-11-22 23:59:00")
	request(t, w, "T2", "conseiller_referent", "", "U1", "U2", "", "2026-11-23 00:00:00")
	request(t, w, "SPRING", "conseiller_referent", "", "U1", "U2", "", "2026-03-28 12:00:00") // due 2026-03-29 04:00 (summer time)
	request(t, w, "SPRING2", "conseiller_referent", "", "U1", "U2", "", "2026-03-29 03:30:00")
	request(t, w, "AUTUMN", "conseiller_referent", "", "U1", "U2", "", "2026-10-24 23:59:59") // due 2026-10-25 04:00 (winter time)
	cases := []struct {
		at  string
		due []string
	}{
		{"2026-03-29 01:59", nil},
		{"2026-03-29 03:00", nil}, // 02:00-02:59 does not exist that night
		{"2026-03-29 03:59", nil},
		{"2026-03-29 04:00", []string{"SPRING"}},
		{"2026-03-30 03:59", []string{"SPRING"}},
		{"2026-03-30 04:00", []string{"SPRING", "SPRING2"}},
		{"2026-10-25 02:30", []string{"SPRING", "SPRING2"}}, // happens twice that night
		{"2026-10-25 03:59", []string{"SPRING", "SPRING2"}},
		{"2026-10-25 04:00", []string{"SPRING", "SPRING2", "AUTUMN"}},
		{"2026-11-23 03:59", []string{"SPRING", "SPRING2", "AUTUMN"}},
		{"2026-11-23 04:00", []string{"SPRING", "SPRING2", "AUTUMN", "T1"}},
		{"2026-11-24 03:59", []string{"SPRING", "SPRING2", "AUTUMN", "T1"}},
		{"2026-11-24 04:00", []string{"SPRING", "SPRING2", "AUTUMN", "T1", "T2"}},
	}
	for _, c := range cases {
		reqs, err := Pending(context.Background(), w, Options{At: local(t, c.at)})
		if err != nil {
			t.Fatal(err)
		}
		var due []string
		for _, r := range reqs {
			if r.Due {
				due = append(due, r.ID)
			}
		}
		if strings.Join(due, ",") != strings.Join(c.due, ",") {
			t.Errorf("at %s due %v, want %v", c.at, due, c.due)
		}
	}

	// A run at 03:59 executes nothing and stores nothing; at 04:00 it executes.
	res := run(t, w, "2026-11-23 03:59")
	if strings.Join(statuses(res), ",") != "SPRING:execute,SPRING2:execute,AUTUMN:execute,T1:en_attente,T2:en_attente" {
		t.Errorf("run at 03:59: %v", statuses(res))
	}
	if n := query(t, w, `SELECT CAST(count(*) AS VARCHAR) FROM transfer_status WHERE id_transfert IN ('T1', 'T2')`); n != "0" {
		t.Errorf("en_attente stored: %s rows", n)
	}
	res = run(t, w, "2026-11-23 04:00")
	if strings.Join(statuses(res), ",") != "T1:execute,T2:en_attente" {
		t.Errorf("run at 04:00: %v", statuses(res))
	}
}

func statuses(r *Result) []string {
	var out []string
	for _, o := range r.Outcomes {
		out = append(out, o.IDTransfert+":"+o.Statut)
	}
	return out
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, typ, ref, source, dest, reason string
	}{
		{"offre_vers_offre", "offre_vers_offre", "", "O1", "O2", "n'est pas possible"},
		{"dossier_vers_dossier", "dossier_vers_dossier", "", "D1", "D2", "n'est pas possible"},
		{"partenaire_vers_partenaire", "partenaire_vers_partenaire", "", "P1", "P2", "n'est pas possible"},
		{"same", "conseiller_referent", "", "U1", "U1", "identiques"},
		{"same reference", "reference", "evenements.contexte", "ctxA", "ctxA", "identiques"},
		{"unknown account", "conseiller_referent", "", "U1", "U9", "n'existe pas"},
		{"other structure", "conseiller_referent", "", "U1", "UX", "n'appartient pas à la structure ML-16001"},
		{"inactive account", "conseiller_referent", "", "U1", "U4", "n'est pas actif"},
		{"no referent function", "conseiller_referent", "", "U1", "U3", "n'a pas la fonction conseiller_referent"},
		{"partner: other structure", "referent_partenaire", "", "U1", "UX", "n'appartient pas"},
		{"partner: inactive", "referent_partenaire", "", "U1", "U4", "n'est pas actif"},
		{"offer: inactive", "referent_offre", "", "U1", "U4", "n'est pas actif"},
		{"inactive lieu", "lieu_rattachement", "", "L1", "L3", "n'est pas un lieu actif"},
		{"lieu of another structure", "lieu_rattachement", "", "L1", "LX", "n'est pas un lieu actif de la structure ML-16001"},
		{"unknown lieu", "lieu_rattachement", "", "L1", "L9", "n'est pas un lieu actif"},
		{"reference not allowed", "reference", "dossiers.nom_usage", "n", "x", "n'est pas autorisée"},
		{"reference to free text", "reference", "evenements.commentaire", "a", "b", "n'est pas autorisée"},
		{"reference with SQL", "reference", "evenements.contexte; DROP TABLE dossiers", "ctxA", "x", "n'est pas autorisée"},
		{"reference quoting", "reference", `evenements."contexte"`, "ctxA", "x", "n'est pas autorisée"},
		{"reference empty", "reference", "", "ctxA", "x", "n'est pas autorisée"},
		{"unknown type", "fusion", "", "a", "b", "inconnu"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := fixture(t)
			before := snapshot(t, w)
			request(t, w, "T1", c.typ, c.ref, c.source, c.dest, "", "2026-11-01 10:00:00")
			res := run(t, w, "2026-11-23 04:00")
			if len(res.Outcomes) != 1 || res.Outcomes[0].Statut != StatusRefused || !strings.Contains(res.Outcomes[0].Raison, c.reason) || res.Outcomes[0].Lignes != 0 {
				t.Fatalf("outcome %+v, want refuse with %q", res.Outcomes, c.reason)
			}
			if after := snapshot(t, w); after != before {
				t.Errorf("a refusal changed data:\n%s\n%s", before, after)
			}
			if got := query(t, w, `SELECT statut || ':' || raison FROM transfer_status WHERE id_transfert = 'T1'`); got != "refuse:"+res.Outcomes[0].Raison {
				t.Errorf("stored %q", got)
			}
			// Final: not listed by a later run.
			if res := run(t, w, "2026-11-24 04:00"); len(res.Outcomes) != 0 {
				t.Errorf("refused request listed again: %v", statuses(res))
			}
		})
	}
}

func TestEffects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, typ, ref, source, dest, sel string
		lines                             int64
		want                              string // the changed part of the snapshot
		journal                           string
	}{
		{"referent, all", "conseiller_referent", "", "U1", "U2", "", 3,
			"D1:U2:L1,D2:U2:L1,D3:U2:L1,D4:U1:L1,DX:U1:L1", "dossiers.id_conseiller_referent D1 U1>U2,dossiers.id_conseiller_referent D2 U1>U2,dossiers.id_conseiller_referent D3 U1>U2"},
		{"referent, selection", "conseiller_referent", "", "U1", "U2", "D1|D4|DX|D9", 1,
			"D1:U2:L1,D2:U1:L1,D3:U1:L1,D4:U1:L1,DX:U1:L1", "dossiers.id_conseiller_referent D1 U1>U2"},
		{"lieu", "lieu_rattachement", "", "L1", "L2", "D2|D3", 2,
			"D1:U1:L1,D2:U1:L2,D3:U1:L2,D4:U1:L1,DX:U1:L1", "dossiers.code_lieu_rattachement D2 L1>L2,dossiers.code_lieu_rattachement D3 L1>L2"},
		{"partner", "referent_partenaire", "", "U1", "U3", "", 2,
			"P1:U3,P2:U3,PX:U1", "partenaires.id_conseiller_referent P1 U1>U3,partenaires.id_conseiller_referent P2 U1>U3"},
		{"offer", "referent_offre", "", "U1", "U2", "", 1, "O1:U2", "offres_service.id_referent O1 U1>U2"},
		{"contexte", "reference", "evenements.contexte", "ctxA", "ctxB", "", 1,
			"E1:ctxB:L1:-,E4:ctxA:L1:-", "evenements.contexte E1 ctxA>ctxB"},
		{"evenement lieu", "reference", "Evenements.Code_Lieu", "L1", "L2", "", 1,
			"E1:ctxA:L2:-,E4:ctxA:L1:-", "evenements.code_lieu E1 L1>L2"},
		{"rdv lieu", "reference", "rendez_vous.code_lieu", "L1", "L2", "R1", 1, "R1:L2", "rendez_vous.code_lieu R1 L1>L2"},
		{"organisme", "reference", "situations.organisme", "OrgA", "OrgB", "S1|S4", 1, "S1:OrgB,S4:OrgA", "situations.organisme S1 OrgA>OrgB"},
		{"values carrying SQL are bound, not run", "reference", "evenements.contexte", "ctxA", "x'); DROP TABLE dossiers; --", "E1|' OR '1'='1", 1,
			"D1:U1:L1,D2:U1:L1,D3:U1:L1,D4:U1:L1,DX:U1:L1 / P1:U1,P2:U1,PX:U1 / O1:U1 / E1:x'); DROP TABLE dossiers; --:L1:-,E4:ctxA:L1:-",
			"evenements.contexte E1 ctxA>x'); DROP TABLE dossiers; --"},
		{"nothing holds source", "conseiller_referent", "", "U3", "U2", "", 0, "D1:U1:L1,D2:U1:L1,D3:U1:L1,D4:U1:L1,DX:U1:L1", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := fixture(t)
			request(t, w, "T1", c.typ, c.ref, c.source, c.dest, c.sel, "2026-11-22 09:00:00")
			res := run(t, w, "2026-11-23 04:00")
			if len(res.Outcomes) != 1 || res.Outcomes[0] != (Outcome{IDTransfert: "T1", Statut: StatusExecuted, Lignes: c.lines}) {
				t.Fatalf("outcome %+v", res.Outcomes)
			}
			if s := snapshot(t, w); !strings.Contains(s, c.want) {
				t.Errorf("after the transfer:\n%s\nwant it to contain %s", s, c.want)
			}
			j := query(t, w, `SELECT string_agg(table_name||'.'||column_name||' '||row_id||' '||old_value||'>'||new_value, ',' ORDER BY row_id)
				FROM transfer_journal WHERE id_transfert = 'T1' AND run_id = 1 AND executed_at IS NOT NULL`)
			if j != c.journal {
				t.Errorf("journal %q, want %q", j, c.journal)
			}
			// Executed once, however often the batch runs.
			before := snapshot(t, w)
			if res := run(t, w, "2026-11-24 04:00"); len(res.Outcomes) != 0 {
				t.Errorf("executed request listed again: %v", statuses(res))
			}
			if after := snapshot(t, w); after != before {
				t.Errorf("second run changed data")
			}
		})
	}
}

func TestOrderAndChaining(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	// B is older than A: it runs first, so A (U2 -> U1) moves back the rows B moved.
	request(t, w, "A", "conseiller_referent", "", "U2", "U1", "", "2026-11-22 10:00:00")
	request(t, w, "B", "conseiller_referent", "", "U1", "U2", "", "2026-11-22 09:00:00")
	request(t, w, "C", "referent_offre", "", "U1", "U2", "", "2026-11-22 09:00:00")
	res := run(t, w, "2026-11-23 04:00")
	if got := strings.Join(statuses(res), ","); got != "B:execute,C:execute,A:execute" {
		t.Errorf("order %s", got)
	}
	if res.Outcomes[2].Lignes != 3 {
		t.Errorf("A changed %d rows, want the 3 B moved to U2", res.Outcomes[2].Lignes)
	}
}

// deletableRequests files T1 to T5: every live reference to L1 moves to L2,
// and OrgA of the living dossiers to OrgB (both then deletable); T5 moves
// U1's dossiers to U2, but U1 still refers partners (not deletable).
func deletableRequests(t *testing.T, w *warehouse.Warehouse) {
	t.Helper()
	request(t, w, "T1", "lieu_rattachement", "", "L1", "L2", "", "2026-11-22 09:00:00")
	request(t, w, "T2", "reference", "evenements.code_lieu", "L1", "L2", "", "2026-11-22 09:01:00")
	request(t, w, "T3", "reference", "rendez_vous.code_lieu", "L1", "L2", "", "2026-11-22 09:02:00")
	request(t, w, "T4", "reference", "situations.organisme", "OrgA", "OrgB", "", "2026-11-22 09:03:00")
	request(t, w, "T5", "conseiller_referent", "", "U1", "U2", "", "2026-11-22 09:04:00")
}

func TestDeletableSources(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	deletableRequests(t, w)
	res := run(t, w, "2026-11-23 04:00")
	var got []string
	for _, d := range res.Deletable {
		got = append(got, d.Element+":"+d.Value+":"+d.IDTransfert)
	}
	if strings.Join(got, ",") != "lieu:L1:T1,valeur:OrgA:T4" {
		t.Errorf("deletable %v", got)
	}
	if n := query(t, w, `SELECT string_agg(type_element||':'||valeur, ',' ORDER BY valeur) FROM transfer_deletable WHERE run_id = 1`); n != "lieu:L1,valeur:OrgA" {
		t.Errorf("stored deletable %q", n)
	}
	// Nothing deleted.
	if n := query(t, w, `SELECT CAST(count(*) AS VARCHAR) FROM lieux WHERE code_lieu = 'L1'`); n != "1" {
		t.Errorf("L1 deleted")
	}
	request(t, w, "T6", "referent_partenaire", "", "U1", "U2", "", "2026-11-23 09:00:00")
	request(t, w, "T7", "referent_offre", "", "U1", "U2", "", "2026-11-23 09:00:00")
	res = run(t, w, "2026-11-24 04:00")
	// PX (ML-33001) and DX still name U1: still referenced.
	if len(res.Deletable) != 0 {
		t.Errorf("deletable %+v", res.Deletable)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	request(t, w, "T1", "conseiller_referent", "", "U1", "U2", "", "2026-11-22 09:00:00")
	request(t, w, "T2", "conseiller_referent", "", "U1", "U3", "", "2026-11-22 09:00:00")
	request(t, w, "T3", "conseiller_referent", "", "U1", "U2", "", "2026-11-23 09:00:00")
	before := snapshot(t, w)
	res, err := Run(context.Background(), w, Options{At: local(t, "2026-11-23 04:00"), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(statuses(res), ","); got != "T1:execute,T2:refuse,T3:en_attente" || res.Outcomes[0].Lignes != 3 {
		t.Errorf("dry run %v", res.Outcomes)
	}
	if after := snapshot(t, w); after != before {
		t.Errorf("dry run changed data")
	}
	if n := query(t, w, `SELECT CAST(count(*) AS VARCHAR) FROM transfer_status`); n != "0" {
		t.Errorf("dry run stored %s statuses", n)
	}
}

// TestRunWithDeletedRowsPending runs requests on a table holding deleted rows
// that a checkpoint would vacuum, renumbering the rows after them: each
// request changes and journals exactly its rows, and automatic checkpoints,
// held during the run, are back afterwards.
func TestRunWithDeletedRowsPending(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	exec(t, w, `INSERT INTO dossiers (id_dossier, code_structure, civilite, date_inscription, id_conseiller_referent)
		SELECT printf('Z%06d', i), 'ML-16001', 'm', DATE '2025-01-01', CASE WHEN i % 2 = 0 THEN 'U1' ELSE 'U3' END FROM range(300000) t(i)`)
	exec(t, w, `CHECKPOINT`)
	exec(t, w, `DELETE FROM dossiers WHERE id_dossier < 'Z200000' AND id_dossier LIKE 'Z%'`)
	threshold := query(t, w, `SELECT current_setting('checkpoint_threshold')`)
	request(t, w, "T1", "lieu_rattachement", "", "L1", "L2", "D1", "2026-11-22 09:00:00")
	request(t, w, "T2", "conseiller_referent", "", "U1", "U2", "", "2026-11-22 10:00:00")
	request(t, w, "T3", "conseiller_referent", "", "U2", "U1", "Z250000|Z250002|D2", "2026-11-22 11:00:00")
	res := run(t, w, "2026-11-23 04:00")
	if got := fmt.Sprint(res.Outcomes); got != "[{T1 execute  1} {T2 execute  50003} {T3 execute  3}]" {
		t.Errorf("outcomes %s", got)
	}
	if got := query(t, w, `SELECT string_agg(id_conseiller_referent || '=' || n, ' ' ORDER BY id_conseiller_referent) FROM (
		SELECT id_conseiller_referent, CAST(count(*) AS VARCHAR) AS n FROM dossiers WHERE code_structure = 'ML-16001' AND NOT archive GROUP BY ALL)`); got != "U1=3 U2=50000 U3=50000" {
		t.Errorf("referents after the run: %s", got)
	}
	if n := query(t, w, `SELECT CAST(count(*) AS VARCHAR) FROM transfer_journal j JOIN dossiers d ON d.id_dossier = j.row_id
		WHERE j.column_name = 'id_conseiller_referent' AND d.id_conseiller_referent <> CASE j.id_transfert WHEN 'T2' THEN 'U2' ELSE 'U1' END
		AND NOT (j.id_transfert = 'T2' AND j.row_id IN ('Z250000', 'Z250002', 'D2'))`); n != "0" {
		t.Errorf("%s journaled rows do not hold the journaled value", n)
	}
	if got := query(t, w, `SELECT current_setting('checkpoint_threshold')`); got != threshold {
		t.Errorf("checkpoint threshold %s after the run, %s before", got, threshold)
	}
}

// TestStoppedRunRecordsWhatItExecuted: a run stopped (SIGTERM cancels its
// context) between two requests, or while a request's transaction is open
// (where a run spends its time, that request then rolled back), keeps the
// requests it executed and records their deletable sources, which are final:
// no later run would list them. It gives automatic checkpoints back to the
// warehouse too (the setting is the database's, and a daemon outlives the
// run).
func TestStoppedRunRecordsWhatItExecuted(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		stop func(opts *Options, cancel func())
	}{
		{"once T4 committed", func(opts *Options, cancel func()) {
			opts.afterRequest = func(o Outcome) {
				if o.IDTransfert == "T4" {
					cancel()
				}
			}
		}},
		{"inside T5, before it commits", func(opts *Options, cancel func()) {
			opts.inRequest = func(o Outcome) {
				if o.IDTransfert == "T5" {
					cancel()
				}
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := fixture(t)
			deletableRequests(t, w)
			defaultThreshold := query(t, w, `SELECT current_setting('checkpoint_threshold')`)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := Options{At: local(t, "2026-11-23 04:00"), RunID: 1}
			c.stop(&opts, cancel)
			res, err := Run(ctx, w, opts)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("a run stopped %s: %v, want cancelled", c.name, err)
			}
			if got := strings.Join(statuses(res), ","); got != "T1:execute,T2:execute,T3:execute,T4:execute" {
				t.Errorf("outcomes %s, want T1 to T4 executed", got)
			}
			if n := query(t, w, `SELECT string_agg(id_transfert || ':' || statut, ',' ORDER BY id_transfert) FROM transfer_status`); n != "T1:execute,T2:execute,T3:execute,T4:execute" {
				t.Errorf("stored statuses %q, want T1 to T4 and nothing of T5", n)
			}
			if n := query(t, w, `SELECT string_agg(type_element||':'||valeur||':'||id_transfert, ',' ORDER BY valeur) FROM transfer_deletable WHERE run_id = 1`); n != "lieu:L1:T1,valeur:OrgA:T4" {
				t.Errorf("stored deletable sources %q, want those of T1 and T4", n)
			}
			if got := query(t, w, `SELECT current_setting('checkpoint_threshold')`); got != defaultThreshold {
				t.Errorf("checkpoint threshold after the stopped run: %s, want DuckDB's default %s back", got, defaultThreshold)
			}
		})
	}
}
