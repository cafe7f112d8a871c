package archive

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// openTest opens a fresh warehouse file in a temporary folder.
func openTest(t testing.TB) *warehouse.Warehouse {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigie.duckdb")
	w, err := warehouse.Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func exec(t testing.TB, w *warehouse.Warehouse, q string, args ...any) {
	t.Helper()
	if _, err := w.DB.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// person is the identity of a test dossier.
type person struct {
	id, structure, prenom, nom, naissance, inscription string
}

func addDossier(t testing.TB, w *warehouse.Warehouse, p person) {
	t.Helper()
	if p.structure == "" {
		p.structure = "ML-16001"
	}
	if p.prenom == "" {
		p.prenom = "Prenom" + p.id
	}
	if p.nom == "" {
		p.nom = "Nom" + p.id
	}
	if p.inscription == "" {
		p.inscription = "2026-01-05"
	}
	exec(t, w, `INSERT INTO dossiers (id_dossier, code_structure, civilite, prenom, nom_usage, nom_naissance,
		date_naissance, nir, email, telephone_mobile, telephone_fixe, adresse_voie, adresse_complement, code_postal,
		numero_france_travail, numero_allocataire, date_inscription, annee_naissance)
		VALUES (?, ?, 'mme', ?, ?, 'Naiss'||?, CAST(? AS DATE), '206127511100564', 'mail'||?||'@example.org',
		'06000000'||?, '05000000'||?, '12 rue '||?, 'bat '||?, '16000', 'FT'||?, 'CAF'||?, CAST(? AS DATE), year(CAST(? AS DATE)))`,
		p.id, p.structure, p.prenom, p.nom, p.id, p.naissance, p.id, p.id, p.id, p.id, p.id, p.id, p.id, p.inscription, p.naissance)
}

func addDispositif(t testing.TB, w *warehouse.Warehouse, id, dossier, code, etat string) {
	t.Helper()
	exec(t, w, `INSERT INTO dispositifs (id_dispositif, id_dossier, code_dispositif, etat, date_entree) VALUES (?, ?, ?, ?, DATE '2020-01-01')`,
		id, dossier, code, etat)
}

func addEvent(t testing.TB, w *warehouse.Warehouse, id, dossier, nature, at string) {
	t.Helper()
	exec(t, w, `INSERT INTO evenements (id_evenement, id_dossier, date_evenement, nature, commentaire) VALUES (?, ?, CAST(? AS TIMESTAMP), ?, 'commentaire '||?)`,
		id, dossier, at, nature, id)
}

func date(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
