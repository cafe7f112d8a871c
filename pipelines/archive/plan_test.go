package archive

import (
	"context"
	"testing"
)

func TestPlanBoundaries(t *testing.T) {
	t.Parallel()
	w := openTest(t)
	// Dossiers, each set up for one boundary of rules.md ARC.
	for _, p := range []person{
		{id: "A31", naissance: "1995-11-23"},                              // 31 on 2026-11-23
		{id: "A30", naissance: "1995-11-24"},                              // 30 on 2026-11-23, 31 the day after
		{id: "A27", naissance: "1999-11-23"},                              // 27 on 2026-11-23
		{id: "A26", naissance: "1999-11-24"},                              // 26 on 2026-11-23
		{id: "F29", naissance: "2000-02-29"},                              // 27 on 2027-03-01, not on 2027-02-28
		{id: "OPEN", naissance: "1980-01-01"},                             // 46 but an open programme
		{id: "SUSP", naissance: "1980-01-01"},                             // suspendu counts as open
		{id: "CLOS", naissance: "1980-01-01"},                             // only closed programmes: age_31
		{id: "EAV28", naissance: "1998-01-01"},                            // closed eav, 28: kept
		{id: "EAV31", naissance: "1995-01-01"},                            // eav, 31: archived all the same
		{id: "NOEAV28", naissance: "1998-01-01"},                          // no eav, 28: age_27
		{id: "M29", naissance: "2004-05-05"},                              // last meeting 2024-06-30: limit 2026-11-30
		{id: "CLAMP", naissance: "2004-05-05"},                            // last meeting 2024-01-31: + 29 months = 2026-06-30
		{id: "INSCR", naissance: "2004-05-05", inscription: "2024-06-30"}, // no meeting: inscription
		{id: "PHONE", naissance: "2004-05-05", inscription: "2024-06-30"}, // a phone call is no meeting
		{id: "LATE", naissance: "2004-05-05", inscription: "2024-06-30"},  // meeting at 23:30 local
		{id: "NOBIRTH", inscription: "2026-01-05"},                        // unknown birth date: no age rule
	} {
		if p.naissance == "" {
			addDossier(t, w, person{id: p.id, naissance: "2000-01-01", inscription: p.inscription})
			exec(t, w, `UPDATE dossiers SET date_naissance = NULL WHERE id_dossier = ?`, p.id)
			continue
		}
		addDossier(t, w, p)
	}
	addDispositif(t, w, "d1", "OPEN", "pacea", "en_cours")
	addDispositif(t, w, "d2", "SUSP", "cej", "suspendu")
	addDispositif(t, w, "d3", "CLOS", "pacea", "clos")
	addDispositif(t, w, "d4", "EAV28", "eav", "clos")
	addDispositif(t, w, "d5", "EAV31", "eav", "clos")
	addEvent(t, w, "e1", "M29", "entretien_individuel", "2024-06-30 10:00:00")
	addEvent(t, w, "e2", "M29", "atelier", "2023-01-01 10:00:00")
	addEvent(t, w, "e3", "CLAMP", "information_collective", "2024-01-31 09:00:00")
	addEvent(t, w, "e4", "PHONE", "telephone", "2026-06-01 10:00:00")
	addEvent(t, w, "e5", "LATE", "atelier", "2024-07-01 23:30:00")
	for _, id := range []string{"M29", "CLAMP"} {
		// The inscription would say "inactive" on its own: the meeting decides.
		exec(t, w, `UPDATE dossiers SET date_inscription = DATE '2020-01-01' WHERE id_dossier = ?`, id)
	}
	// An archived dossier is not planned again.
	addDossier(t, w, person{id: "DONE", naissance: "1980-01-01"})
	exec(t, w, `UPDATE dossiers SET archive = true WHERE id_dossier = 'DONE'`)

	cases := []struct {
		asOf, id, decision, motif string
	}{
		{"2026-11-23", "A31", DecisionArchive, MotifAge31},
		{"2026-11-23", "A30", DecisionArchive, MotifAge27},
		{"2026-11-24", "A30", DecisionArchive, MotifAge31},
		{"2026-11-23", "A27", DecisionArchive, MotifAge27},
		{"2026-11-22", "A27", DecisionKeep, MotifActif},
		{"2026-11-23", "A26", DecisionKeep, MotifActif},
		{"2027-02-28", "F29", DecisionKeep, MotifActif},
		{"2027-03-01", "F29", DecisionArchive, MotifAge27},
		{"2031-02-28", "F29", DecisionArchive, MotifAge27}, // 30
		{"2031-03-01", "F29", DecisionArchive, MotifAge31}, // 31 on 1 March of a common year
		{"2032-02-28", "F29", DecisionArchive, MotifAge31}, // 31, the 32nd birthday is 2032-02-29
		{"2026-11-23", "OPEN", DecisionKeep, MotifDispositifOuvert},
		{"2026-11-23", "SUSP", DecisionKeep, MotifDispositifOuvert},
		{"2026-11-23", "CLOS", DecisionArchive, MotifAge31},
		{"2026-11-23", "EAV28", DecisionKeep, MotifEAV},
		{"2026-11-23", "EAV31", DecisionArchive, MotifAge31},
		{"2026-11-23", "NOEAV28", DecisionArchive, MotifAge27},
		{"2026-11-30", "M29", DecisionKeep, MotifActif},
		{"2026-12-01", "M29", DecisionArchive, MotifInactif},
		{"2026-06-30", "CLAMP", DecisionKeep, MotifActif},
		{"2026-07-01", "CLAMP", DecisionArchive, MotifInactif},
		{"2026-11-30", "INSCR", DecisionKeep, MotifActif},
		{"2026-12-01", "INSCR", DecisionArchive, MotifInactif},
		{"2026-12-01", "PHONE", DecisionArchive, MotifInactif},
		{"2026-12-01", "LATE", DecisionKeep, MotifActif},
		{"2026-12-02", "LATE", DecisionArchive, MotifInactif},
		{"2026-11-23", "NOBIRTH", DecisionKeep, MotifActif},
	}
	plans := map[string]map[string]Decision{}
	for _, c := range cases {
		if plans[c.asOf] == nil {
			ds, err := Plan(context.Background(), w, date(t, c.asOf))
			if err != nil {
				t.Fatal(err)
			}
			plans[c.asOf] = map[string]Decision{}
			for i, d := range ds {
				if i > 0 && ds[i-1].IDDossier >= d.IDDossier {
					t.Errorf("plan not sorted by id_dossier: %s before %s", ds[i-1].IDDossier, d.IDDossier)
				}
				plans[c.asOf][d.IDDossier] = d
			}
			if _, ok := plans[c.asOf]["DONE"]; ok {
				t.Errorf("plan %s lists the archived dossier DONE", c.asOf)
			}
		}
		got, ok := plans[c.asOf][c.id]
		if !ok {
			t.Errorf("%s at %s: not in the plan", c.id, c.asOf)
			continue
		}
		if got.Decision != c.decision || got.Motif != c.motif || got.CodeStructure != "ML-16001" {
			t.Errorf("%s at %s: got %s/%s, want %s/%s", c.id, c.asOf, got.Decision, got.Motif, c.decision, c.motif)
		}
	}
}
