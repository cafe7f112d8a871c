package ingest

import (
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/pipelines/warehouse/warehousetest"
)

// TestQuarantineKeepsTheRowAsRead checks that a quarantined row is stored
// with its own line and its cells exactly as the file holds them (quotes
// undone, spaces kept), wherever it is in the file: ingest does not keep the
// rows as text, it finds a quarantined row's record again from its position.
// The large file is read by DuckDB in several parts on both cores; the gzip
// and Windows-1252 files are read from their UTF-8 copy.
func TestQuarantineKeepsTheRowAsRead(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 40 MB file")
	}
	for _, v := range []struct {
		name, file string
		rows       int
		eol        string
		encode     func(string) []byte
	}{
		{"large, CRLF", "dispositifs.csv", 450_000, "\r\n", func(s string) []byte { return []byte(s) }},
		{"gzip", "dispositifs.csv.gz", 3_000, "\n", gzipped},
		{"windows-1252", "dispositifs.csv", 3_000, "\n", func(s string) []byte {
			b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
			if err != nil {
				panic(err)
			}
			return b
		}},
	} {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			line := 1
			b.WriteString(strings.SplitN(basicFile(t, "dispositifs.csv"), "\n", 2)[0] + v.eol)
			add := func(s string) int {
				line++
				at := line
				b.WriteString(s + v.eol)
				line += strings.Count(s, "\n")
				return at
			}
			good := func(i int) {
				add(fmt.Sprintf("G%d;D%d;pacea;clos;01/02/2022;;;;U1;Réf %d", i, 1+i%2, i))
			}
			type want struct {
				line   int
				column string
				cells  map[string]string
			}
			var wants []want
			for i := range v.rows {
				good(i)
				switch i {
				case v.rows / 3:
					// A record over two lines, with doubled quotes, and a
					// date that does not exist.
					at := add("BAD1;D1;pacea;clos;31/02/2022;;;;U1;\"Réf \"\"A\"\"" + v.eol + "suite  \"")
					wants = append(wants, want{at, "date_entree", map[string]string{
						"id_dispositif": "BAD1", "date_entree": "31/02/2022", "numero_cerfa": "Réf \"A\"" + v.eol + "suite  "}})
				case v.rows / 2:
					// A blank line and a line of too few fields shift the
					// lines; the next row's prescriber is unknown and its
					// cells keep their spaces.
					add("")
					add("BAD2;D1;pacea")
					at := add("BAD3;D2; pacea ;clos;01/02/2022;;;;U9  ;  Réf  ")
					wants = append(wants, want{at, "id_prescripteur", map[string]string{
						"id_dispositif": "BAD3", "code_dispositif": " pacea ", "id_prescripteur": "U9  ", "numero_cerfa": "  Réf  "}})
				case v.rows - 2:
					at := add("BAD4;D7;cej;en_cours;01/01/2026;;;;;")
					wants = append(wants, want{at, "id_dossier", map[string]string{"id_dispositif": "BAD4", "id_dossier": "D7"}})
				}
			}
			dir := extraction(t, map[string]string{"dispositifs.csv": ""})
			if err := os.WriteFile(filepath.Join(dir, v.file), v.encode(b.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			w := warehousetest.Open(t)
			res, err := recorded(t, context.Background(), w, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			f := fileResult(t, res, "dispositifs")
			if f.Read != int64(v.rows)+4 || f.Quarantined != 4 {
				t.Fatalf("read %d, quarantined %d; want %d and 4", f.Read, f.Quarantined, v.rows+4)
			}
			for _, wq := range wants {
				var col sql.NullString
				var data string
				if err := w.DB.QueryRow(`SELECT column_name, row_data::VARCHAR FROM quarantine WHERE run_id = ? AND line = ?`,
					res.RunID, wq.line).Scan(&col, &data); err != nil {
					t.Errorf("line %d: %v", wq.line, err)
					continue
				}
				if col.String != wq.column {
					t.Errorf("line %d: column %q, want %q", wq.line, col.String, wq.column)
				}
				for c, val := range wq.cells {
					var got sql.NullString
					if err := w.DB.QueryRow(`SELECT json_extract_string(?::JSON, '$.' || ?)`, data, c).Scan(&got); err != nil {
						t.Fatal(err)
					}
					if got.String != val {
						t.Errorf("line %d, %s: %q, want %q (row %s)", wq.line, c, got.String, val, data)
					}
				}
			}
			if n := count(t, w, `SELECT count(*) FROM quarantine WHERE run_id = ? AND reason LIKE 'ligne illisible%'`, res.RunID); n != 1 {
				t.Errorf("%d lines quarantined whole, want 1 (BAD2)", n)
			}
			if n := count(t, w, `SELECT count(*) FROM dispositifs WHERE id_dispositif LIKE 'G%'`); n != int64(v.rows) {
				t.Errorf("%d good rows loaded, want %d", n, v.rows)
			}
		})
	}
}

func gzipped(s string) []byte {
	var b strings.Builder
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return []byte(b.String())
}

// TestIngestQuarantinesALineOfSpaces: a line holding only spaces or a tab is
// a record to DuckDB's reader (it rejects it for its number of fields), so
// it is quarantined whole with its line, and the rest of the file loads; an
// empty line is skipped. The Go pass used to take such a line for a blank
// one, and the file was refused for a count that did not match.
func TestIngestQuarantinesALineOfSpaces(t *testing.T) {
	t.Parallel()
	header := strings.SplitN(basicFile(t, "dispositifs.csv"), "\n", 2)[0]
	file := header + "\n" +
		"P1;D1;pacea;clos;01/02/2022;;;;U1;\n" + // 2
		"   \n" + // 3: spaces
		"\n" + // 4: empty, skipped
		"\t\n" + // 5: a tab
		"P2;D1;pacea;clos;31/02/2022;;;;;\n" + // 6: bad date
		"P3;D2;cej;en_cours;01/01/2026;;;;;\n" + // 7
		"P4;D2;cej;en_cours;01/01/2026;;;;;\"CERFA\"-suite\n" // 8: text after a closing quote
	dir := extraction(t, map[string]string{"dispositifs.csv": file})
	w := warehousetest.Open(t)
	res, err := recorded(t, context.Background(), w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	f := fileResult(t, res, "dispositifs")
	if f.Read != 6 || f.Loaded != 2 || f.Quarantined != 4 {
		t.Fatalf("read %d, loaded %d, quarantined %d; want 6, 2, 4", f.Read, f.Loaded, f.Quarantined)
	}
	rows, err := w.DB.Query(`SELECT line, reason FROM quarantine WHERE run_id = ? ORDER BY line`, res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var line int
		var reason string
		if err := rows.Scan(&line, &reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s", line, strings.SplitN(reason, " (", 2)[0]))
	}
	want := []string{"3 ligne illisible : nombre de colonnes incorrect : 1 au lieu de 10", "5 ligne illisible : nombre de colonnes incorrect : 1 au lieu de 10",
		"6 date invalide", "8 ligne illisible : guillemets mal fermés : un champ entre guillemets ne se ferme pas, ou du texte suit son guillemet fermant"}
	if !slices.Equal(got, want) {
		t.Errorf("quarantine %q, want %q", got, want)
	}
}

// TestQuarantineOfXLSXAndParquetRows: a workbook's or a Parquet file's bad
// rows are quarantined with their sheet row or row number and their cells as
// read (the rows are kept as text in raw_<table>, matched by position).
func TestQuarantineOfXLSXAndParquetRows(t *testing.T) {
	t.Parallel()
	w := warehousetest.Open(t)
	dir := extraction(t, map[string]string{"dispositifs.csv": "", "utilisateurs.csv": ""})
	// Utilisateurs: sheet row 4 is blank, row 5 holds an unknown état.
	writeSheet(t, filepath.Join(dir, "utilisateurs.xlsx"), [][]any{
		{"id_utilisateur", "identifiant", "code_structure", "civilite", "prenom", "nom", "etat"},
		{"U1", "c.dupre", "ML-16001", "mme", "Chloé", "Dupré", "actif"},
		{"U2", "j.noel", "ML-16001", "m", "Jérôme", "Noël", "actif"},
		{nil},
		{"U3", "h.benoit", "ML-33002", "mme", "Hélène", "Benoît", "parti "},
	}, nil)
	// Dispositifs: the third row of the file names an unknown dossier.
	if _, err := w.DB.Exec(`COPY (SELECT * FROM (VALUES
		('P1', 'D1', 'pacea', 'clos', DATE '2022-02-01'),
		('P2', 'D2', 'cej', 'en_cours', DATE '2026-11-16'),
		('P3', 'D9 ', 'cej', 'en_cours', DATE '2026-11-17'),
		('P4', 'D1', 'cej', 'en_cours', DATE '2026-11-18'))
		AS v(id_dispositif, id_dossier, code_dispositif, etat, date_entree))
		TO ` + warehouse.Literal(filepath.Join(dir, "dispositifs.parquet")) + ` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	res, err := recorded(t, context.Background(), w, dir, Options{MaxRejectRatio: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		file   string
		line   int64
		column string
		cells  map[string]string
	}{
		{"utilisateurs.xlsx", 5, "etat", map[string]string{"id_utilisateur": "U3", "etat": "parti "}},
		{"dispositifs.parquet", 3, "id_dossier", map[string]string{"id_dispositif": "P3", "id_dossier": "D9 ", "date_entree": "2026-11-17"}},
	} {
		var col, data string
		if err := w.DB.QueryRow(`SELECT column_name, row_data::VARCHAR FROM quarantine WHERE run_id = ? AND file LIKE '%' || ? AND line = ?`,
			res.RunID, q.file, q.line).Scan(&col, &data); err != nil {
			t.Errorf("%s line %d: %v", q.file, q.line, err)
			continue
		}
		if col != q.column {
			t.Errorf("%s line %d: column %q, want %q", q.file, q.line, col, q.column)
		}
		for c, want := range q.cells {
			var got sql.NullString
			if err := w.DB.QueryRow(`SELECT json_extract_string(?::JSON, '$.' || ?)`, data, c).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got.String != want {
				t.Errorf("%s line %d, %s: %q, want %q", q.file, q.line, c, got.String, want)
			}
		}
	}
	for _, table := range []string{"utilisateurs", "dispositifs"} {
		if f := fileResult(t, res, table); f.Quarantined != 1 || f.Loaded != f.Read-1 {
			t.Errorf("%s: read %d, loaded %d, quarantined %d; want one row quarantined", table, f.Read, f.Loaded, f.Quarantined)
		}
	}
}

// TestIngestProgressIsFrench: the progress lines a terminal shows during a
// load are French.
func TestIngestProgressIsFrench(t *testing.T) {
	t.Parallel()
	var progress strings.Builder
	if _, err := recorded(t, context.Background(), warehousetest.Open(t), extraction(t, nil), Options{Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	out := progress.String()
	for _, want := range []string{"lecture de dossiers.csv", "vérification de dossiers.csv", "lignes)"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q: %q", want, out)
		}
	}
	for _, english := range []string{"reading", "checking", "loading", "rows"} {
		if strings.Contains(out, english) {
			t.Errorf("progress holds the English %q: %q", english, out)
		}
	}
}

// TestIngestReadsMixedLineEnds: DuckDB's reader fails on a file whose
// lines end some with CRLF and some with LF (« the CSV parser state machine
// reached an invalid state »); such a file is read from a copy whose line
// ends are all LF: every row loads or is quarantined at its own line with
// its cells as written, and a CRLF inside a quoted value stays in the value.
func TestIngestReadsMixedLineEnds(t *testing.T) {
	t.Parallel()
	header := strings.SplitN(basicFile(t, "dispositifs.csv"), "\n", 2)[0]
	lfFile := header + "\nP1;D1;pacea;clos;01/02/2022;;;;U1;\"A\r\nB\"\nP2;D1;pacea;clos;01/02/2022;;;;;\r\nP3;D1;pacea;clos;31/02/2022;;;;;x \r\nP4;D2;cej;en_cours;01/01/2026;;;;;\n"
	for _, c := range []struct {
		name, file string
		edits      map[string]string
	}{
		{"CRLF lines in a LF file", lfFile, map[string]string{"dispositifs.csv": lfFile}},
		{"gzip", lfFile, map[string]string{"dispositifs.csv": "", "dispositifs.csv.gz": string(gzipped(lfFile))}},
		{"LF lines in a CRLF file", header + "\r\nP1;D1;pacea;clos;01/02/2022;;;;U1;\"A\r\nB\"\r\n\nP2;D1;pacea;clos;01/02/2022;;;;;\nP3;D1;pacea;clos;31/02/2022;;;;;x \r\nP4;D2;cej;en_cours;01/01/2026;;;;;\r\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := warehousetest.Open(t)
			edits := c.edits
			if edits == nil {
				edits = map[string]string{"dispositifs.csv": c.file}
			}
			res, err := recorded(t, context.Background(), w, extraction(t, edits), Options{MaxRejectRatio: 0.9})
			if err != nil {
				t.Fatal(err)
			}
			if f := fileResult(t, res, "dispositifs"); f.Read != 4 || f.Loaded != 3 || f.Quarantined != 1 {
				t.Fatalf("read %d, loaded %d, quarantined %d; want 4, 3, 1", f.Read, f.Loaded, f.Quarantined)
			}
			if n := count(t, w, `SELECT count(*) FROM dispositifs WHERE numero_cerfa = 'A' || chr(13) || chr(10) || 'B'`); n != 1 {
				t.Error("the quoted CRLF was not kept in the value")
			}
			line := strings.Count(c.file[:strings.Index(c.file, "P3;")], "\n") + 1
			var data string
			if err := w.DB.QueryRow(`SELECT row_data::VARCHAR FROM quarantine WHERE run_id = ? AND line = ?`, res.RunID, line).Scan(&data); err != nil {
				t.Fatalf("P3 not quarantined at line %d: %v", line, err)
			}
			var cerfa string
			if err := w.DB.QueryRow(`SELECT json_extract_string(?::JSON, '$.numero_cerfa')`, data).Scan(&cerfa); err != nil || cerfa != "x " {
				t.Errorf("P3's last cell %q, want %q (%v)", cerfa, "x ", err)
			}
		})
	}
}
