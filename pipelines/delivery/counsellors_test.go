package delivery

import (
	"context"
	"testing"

	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// A counsellor's address comes from the case-management system, unchecked
// there: one that is no single bare address (two addresses, a doubled @, a
// line break) is not mailed to (the outbox still gets the list), so that a
// list never goes to a wrong address nor fails every retry of a run.
func TestCounsellorsWithUnusableAddresses(t *testing.T) {
	w := warehousetest.Open(t)
	if _, err := w.DB.Exec(`INSERT INTO utilisateurs (id_utilisateur, identifiant, code_structure, prenom, nom, email, fonctions, etat) VALUES
		('U1', 'u1', 'ML-1', 'Anne', 'Bon', 'anne.bon@ml.test', ['conseiller_referent'], 'actif'),
		('U2', 'u2', 'ML-1', 'Paul', 'Deux', 'paul@ml.test, chef@ailleurs.test', ['conseiller_referent'], 'actif'),
		('U3', 'u3', 'ML-1', 'Léa', 'Arobase', 'lea@@ml.test', ['conseiller_referent'], 'actif'),
		('U4', 'u4', 'ML-1', 'Tom', 'Ligne', 'tom@ml.test' || chr(13) || chr(10) || 'Bcc: x@y.test', ['conseiller_referent'], 'actif')`); err != nil {
		t.Fatal(err)
	}
	var files []File
	for _, id := range []string{"U1", "U2", "U3", "U4"} {
		files = append(files, File{Path: "/x/" + id + ".pdf", Audience: Counsellor(id)})
	}
	rs, err := Counsellors(context.Background(), w, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 {
		t.Fatalf("%d recipients, want 4 (each still gets the outbox)", len(rs))
	}
	for _, r := range rs {
		good := r.Counsellor == "U1"
		if (r.Email != "") != good || r.BadEmail == good {
			t.Errorf("%s: email %q, bad %v", r.Counsellor, r.Email, r.BadEmail)
		}
	}
}
