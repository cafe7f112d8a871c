package lake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/demo"
	"github.com/arml-na/vigie/pipelines/ingest"
	"github.com/arml-na/vigie/pipelines/internal/recorded"
	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

var (
	key1 = []byte("clé-de-test-numéro-un-32-octets-au-moins!")
	key2 = []byte("clé-de-test-numéro-deux-32-octets-au-moins")
)

// region is a small demo region, ingested and controlled.
func region(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	dir := filepath.Join(t.TempDir(), "extraction")
	if _, err := demo.Generate(ctx, dir, demo.Options{Scale: 0.004, Seed: 7, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "vigie.duckdb"), sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	if _, err := recorded.Ingest(t, ctx, w, dir, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := recorded.Controls(t, ctx, w, controls.Options{AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	return w
}

// row is one row read back from the lake, with its partition.
type row map[string]string

// readLake reads every Parquet file of a dataset with arrow-go's reader
// (not DuckDB, which wrote them), the structure taken from the folder name.
func readLake(t *testing.T, dir string) (rows []row, columns map[string]bool) {
	t.Helper()
	columns = map[string]bool{}
	files, err := filepath.Glob(filepath.Join(dir, "code_structure=*", "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		structure := strings.TrimPrefix(filepath.Base(filepath.Dir(f)), "code_structure=")
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := pqarrow.ReadTable(context.Background(), fh, parquet.NewReaderProperties(memory.DefaultAllocator),
			pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		fh.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		n := int(tbl.NumRows())
		start := len(rows)
		for range n {
			rows = append(rows, row{"code_structure": structure})
		}
		for i := 0; i < int(tbl.NumCols()); i++ {
			col := tbl.Column(i)
			columns[col.Name()] = true
			r := start
			for _, chunk := range col.Data().Chunks() {
				for j := 0; j < chunk.Len(); j++ {
					if chunk.IsValid(j) {
						rows[r][col.Name()] = chunk.ValueStr(j)
					}
					r++
				}
			}
		}
		tbl.Release()
	}
	return rows, columns
}

func keyed(key []byte, v string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

func export(t *testing.T, w *warehouse.Warehouse, key []byte, compression string) (string, map[string]Dataset) {
	t.Helper()
	out := t.TempDir()
	ds, err := Export(context.Background(), w, Options{Out: out, Key: key, Compression: compression})
	if err != nil {
		t.Fatal(err)
	}
	byTable := map[string]Dataset{}
	for _, d := range ds {
		byTable[d.Table] = d
	}
	return out, byTable
}

func queryStrings(t *testing.T, w *warehouse.Warehouse, q string) []string {
	t.Helper()
	rows, err := w.DB.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestLakeReadsBackJoinsAndKeepsItsHashes(t *testing.T) {
	t.Parallel()
	w := region(t)
	out, ds := export(t, w, key1, "")

	for _, tb := range append(ingest.Tables, &ingest.Table{Name: "findings"}) {
		var n int64
		if err := w.DB.QueryRow(`SELECT count(*) FROM ` + warehouse.MustIdent(tb.Name)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		rows, _ := readLake(t, filepath.Join(out, tb.Name))
		if d := ds[tb.Name]; d.Rows != n || int64(len(rows)) != n || (n > 0 && d.Files == 0) {
			t.Errorf("%s: warehouse %d rows; export says %d rows in %d files; read back %d", tb.Name, n, d.Rows, d.Files, len(rows))
		}
	}

	// No id leaves in clear: every id_… column of every dataset holds keyed
	// hashes (an id no other table references included: j2_actions'
	// id_intervenant, a J2 account).
	hashedIDs := 0
	for _, tb := range append(ingest.Tables, &ingest.Table{Name: "findings"}) {
		rows, _ := readLake(t, filepath.Join(out, tb.Name))
		for _, r := range rows {
			for c, v := range r {
				if strings.HasPrefix(c, "id_") && v != "" {
					if !hexHash.MatchString(v) {
						t.Fatalf("%s.%s leaves in clear: %q", tb.Name, c, v)
					}
					if tb.Name == "j2_actions" && c == "id_intervenant" {
						hashedIDs++
					}
				}
			}
		}
	}
	if hashedIDs == 0 {
		t.Error("no j2_actions.id_intervenant in the lake: the check proves nothing there")
	}

	// Every id is the keyed hash of the warehouse's id, computed here by Go.
	dossiers, cols := readLake(t, filepath.Join(out, "dossiers"))
	if len(dossiers) < 100 {
		t.Fatalf("%d dossiers in the lake: the region is too small to prove anything", len(dossiers))
	}
	want := map[string]string{} // hash → structure
	for _, s := range queryStrings(t, w, `SELECT id_dossier || ' ' || code_structure FROM dossiers`) {
		id, structure, _ := strings.Cut(s, " ")
		want[keyed(key1, id)] = structure
	}
	for _, d := range dossiers {
		if structure, ok := want[d["id_dossier"]]; !ok || structure != d["code_structure"] {
			t.Fatalf("dossier %s (structure %s) is not the keyed hash of a warehouse id of that structure", d["id_dossier"], d["code_structure"])
		}
	}
	for _, c := range []string{"prenom", "nom_usage", "nir", "email", "date_naissance", "adresse_voie"} {
		if cols[c] {
			t.Errorf("dossiers in the lake carry the identity column %s", c)
		}
	}
	if !cols["annee_naissance"] || !cols["id_conseiller_referent"] {
		t.Errorf("dossiers in the lake lack kept columns: %v", cols)
	}

	// Join on the hashed ids: every event belongs to a dossier of its
	// structure, every referent is an account of the lake.
	events, _ := readLake(t, filepath.Join(out, "evenements"))
	joined := 0
	for _, e := range events {
		if !hexHash.MatchString(e["id_evenement"]) {
			t.Fatalf("event id %q is not a keyed hash", e["id_evenement"])
		}
		if structure, ok := want[e["id_dossier"]]; ok && structure == e["code_structure"] {
			joined++
		}
	}
	if len(events) == 0 || joined != len(events) {
		t.Errorf("%d of %d events join a dossier of their structure on the hashed id", joined, len(events))
	}
	users, _ := readLake(t, filepath.Join(out, "utilisateurs"))
	accounts := map[string]bool{}
	for _, u := range users {
		accounts[u["id_utilisateur"]] = true
	}
	referents := 0
	for _, d := range dossiers {
		if r, ok := d["id_conseiller_referent"]; ok {
			if !accounts[r] {
				t.Fatalf("referent %s of a dossier is no account of the lake", r)
			}
			referents++
		}
	}
	if referents == 0 {
		t.Error("no dossier has a referent: the join proves nothing")
	}

	// The same key gives the same hashes; another key, others.
	again, _ := export(t, w, key1, "")
	other, _ := export(t, w, key2, "")
	sameRows, _ := readLake(t, filepath.Join(again, "dossiers"))
	otherRows, _ := readLake(t, filepath.Join(other, "dossiers"))
	for _, r := range sameRows {
		if _, ok := want[r["id_dossier"]]; !ok {
			t.Fatal("a second export with the same key gives other hashes")
		}
	}
	for _, r := range otherRows {
		if _, ok := want[r["id_dossier"]]; ok {
			t.Fatal("an export with another key gives the same hashes")
		}
	}
}

// identities returns every identity and free-text value of the warehouse
// (the columns the extract specification marks), long enough not to occur
// by chance, less those that a kept column holds as well in its own right (a
// surname in a company's name, a comment that reads like an event's
// context): those are no leak.
func identities(t *testing.T, w *warehouse.Warehouse) []string {
	t.Helper()
	// What the specification lets out, read from it, not from the export.
	var kept strings.Builder
	for _, tb := range ingest.Tables {
		for _, c := range tb.Columns {
			if c.Identity || c.FreeText || c.Kind != ingest.Text {
				continue
			}
			for _, v := range queryStrings(t, w, `SELECT DISTINCT `+warehouse.MustIdent(c.Name)+` FROM `+warehouse.MustIdent(tb.Name)+` WHERE `+warehouse.MustIdent(c.Name)+` IS NOT NULL`) {
				kept.WriteString(v)
				kept.WriteByte(0)
			}
		}
	}
	keptText := kept.String()
	seen := map[string]bool{}
	for _, tb := range ingest.Tables {
		for _, c := range tb.Columns {
			if !c.Identity && !c.FreeText {
				continue
			}
			for _, v := range queryStrings(t, w, `SELECT DISTINCT CAST(`+warehouse.MustIdent(c.Name)+` AS VARCHAR) FROM `+warehouse.MustIdent(tb.Name)+` WHERE `+warehouse.MustIdent(c.Name)+` IS NOT NULL`) {
				if len(v) >= 6 && !strings.Contains(keptText, v) {
					seen[v] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	return out
}

// lakeBytes returns every file of the lake, by path, each keyed hash (64
// hexadecimal characters) blanked out: a short number of digits occurs by
// chance inside some of the tens of thousands of hashes.
var hashRun = regexp.MustCompile(`[0-9a-f]{64}`)

func lakeBytes(t *testing.T, out string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(out, func(p string, e os.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = hashRun.ReplaceAll(b, []byte("#"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// found returns the identity values present in any file.
func found(files map[string][]byte, values []string) []string {
	var hits []string
	for _, v := range values {
		for _, b := range files {
			if bytes.Contains(b, []byte(v)) {
				hits = append(hits, v)
				break
			}
		}
	}
	return hits
}

// TestLakeHoldsNoIdentity searches the bytes of every exported file
// (uncompressed, so that a byte search means something) and every value read
// back from the zstd files for each identity and free-text value of the
// warehouse: names, NIR, emails, phones, addresses, birth dates, comments.
// A first export with a name planted in a kept column shows the search finds
// what it looks for.
func TestLakeHoldsNoIdentity(t *testing.T) {
	t.Parallel()
	w := region(t)
	values := identities(t, w)
	if len(values) < 1000 {
		t.Fatalf("only %d identity values in the region: the search proves little", len(values))
	}
	var planted string
	for _, v := range values {
		if hexHash.MatchString(v) || strings.ContainsAny(v, "@0123456789") {
			continue
		}
		planted = v // a name or an address
		break
	}

	// Positive control: a name copied into a kept column is seen.
	if _, err := w.DB.Exec(`UPDATE situations SET intitule = ? WHERE id_situation = (SELECT min(id_situation) FROM situations)`, planted); err != nil {
		t.Fatal(err)
	}
	out, _ := export(t, w, key1, "uncompressed")
	if hits := found(lakeBytes(t, out), []string{planted}); len(hits) != 1 {
		t.Fatalf("the byte search does not see the name %q planted in situations.intitule: it would prove nothing", planted)
	}
	if _, err := w.DB.Exec(`UPDATE situations SET intitule = NULL WHERE intitule = ?`, planted); err != nil {
		t.Fatal(err)
	}

	out, _ = export(t, w, key1, "uncompressed")
	if hits := found(lakeBytes(t, out), values); len(hits) > 0 {
		t.Errorf("%d identity values of the warehouse are in the lake's bytes, e.g. %q", len(hits), hits[0])
	}
	// The files as shipped (zstd): every value read back.
	out, _ = export(t, w, key1, "")
	identity := map[string]bool{}
	for _, v := range values {
		identity[v] = true
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		rows, _ := readLake(t, filepath.Join(out, e.Name()))
		for _, r := range rows {
			for c, v := range r {
				if identity[v] {
					t.Fatalf("%s.%s holds an identity value of the warehouse", e.Name(), c)
				}
			}
		}
	}
}

func TestExportRefusedWithoutKey(t *testing.T) {
	t.Parallel()
	for _, key := range [][]byte{nil, []byte("trop-courte")} {
		_, err := Export(context.Background(), nil, Options{Out: t.TempDir(), Key: key})
		if warehouse.Classify(err) != warehouse.StatusRefused || !strings.Contains(err.Error(), "export refusé") {
			t.Errorf("export with key %q: %v, want a French refusal", key, err)
		}
		if key == nil && !errors.Is(err, ErrNoKey) {
			t.Errorf("export without key: %v, want ErrNoKey", err)
		}
	}
}

// lakeFiles lists every file under the lake out with its size and
// modification time: what a reader of the lake would find.
func lakeFiles(t *testing.T, out string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(out, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		files[strings.TrimPrefix(p, out)] = fmt.Sprint(fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// An export stopped half-way (SIGTERM cancels its context) leaves the
// previous lake as it was, every table of it: a reader never finds some
// tables of one export beside some of the next.
func TestStoppedExportLeavesThePreviousLake(t *testing.T) {
	t.Parallel()
	w := region(t)
	out := t.TempDir()
	if _, err := Export(context.Background(), w, Options{Out: out, Key: key1}); err != nil {
		t.Fatal(err)
	}
	before := lakeFiles(t, out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	written := 0
	opts := Options{Out: out, Key: key1, afterTable: func(string) {
		if written++; written == 3 {
			cancel() // SIGTERM once three tables are written
		}
	}}
	if _, err := Export(ctx, w, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("an export stopped after three tables: %v, want cancelled", err)
	}
	if written != 3 {
		t.Errorf("%d tables written, want the export stopped after 3", written)
	}
	after := lakeFiles(t, out)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the stopped export changed the lake: %d files before, %d after", len(before), len(after))
	}
}
