package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/arml-na/vigie/pipelines/atomic"
)

// CounsellorList is the Monday list of one counsellor: the open findings on
// the dossiers (and partners) they are referent of.
type CounsellorList struct {
	CodeStructure string
	NomStructure  string
	IDConseiller  string
	Conseiller    string // first name and name
	AsOf          time.Time
	ControlAsOf   time.Time
	GeneratedAt   time.Time
	Findings      []Finding
}

var safeFileID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// CounsellorKey turns a counsellor's id into letters, digits, - and _, so
// that it can name a folder, a file and a delivery recipient: the id itself
// when it already is, else a digest of it.
func CounsellorKey(id string) string {
	if safeFileID.MatchString(id) {
		return id
	}
	s := sha256.Sum256([]byte(id))
	return "h" + hex.EncodeToString(s[:8])
}

// CounsellorDir is DIR/<code>/<as-of>/conseillers/<key>, the folder of one
// counsellor's list.
func CounsellorDir(out, code, id string, asOf time.Time) (string, error) {
	dir, err := StructureDir(out, code, asOf)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "conseillers", CounsellorKey(id)), nil
}

// sortForCounsellor puts the new findings first, then in the order of the
// action page.
func sortForCounsellor(fs []Finding) []Finding {
	out := RankActions(fs)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Suivi == "nouveau" && out[j].Suivi != "nouveau" })
	return out
}

// check refuses a finding the counsellor is not referent of, or of another
// structure: nobody receives a finding on a dossier they do not follow.
func (l *CounsellorList) check() error {
	for _, f := range l.Findings {
		if f.IDConseiller != l.IDConseiller || f.CodeStructure != l.CodeStructure {
			return fmt.Errorf("list of counsellor %s: finding %s %s belongs to %s/%s", l.IDConseiller, f.Rule, f.IDObjet, f.CodeStructure, f.IDConseiller)
		}
	}
	return nil
}

// WriteCounsellors writes each counsellor's list into their CounsellorDir:
// a PDF, a workbook and the text of the email, or, when the list is empty
// and nothingToReport is set, the « rien à signaler » email only; an empty
// list without nothingToReport writes nothing. It returns the files of each
// counsellor, by id. The files are synced together (many small files) and
// appear only once all are written.
func WriteCounsellors(out string, lists []*CounsellorList, nothingToReport bool) (map[string][]string, error) {
	batch := atomic.Batch{Mode: fileMode}
	files := map[string][]string{}
	for _, l := range lists {
		paths, err := l.write(&batch, out, nothingToReport)
		if err != nil {
			batch.Abort()
			return nil, err
		}
		if len(paths) > 0 {
			files[l.IDConseiller] = paths
		}
	}
	if err := batch.Commit(); err != nil {
		return nil, err
	}
	return files, nil
}

func (l *CounsellorList) write(batch *atomic.Batch, out string, nothingToReport bool) ([]string, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	dir, err := CounsellorDir(out, l.CodeStructure, l.IDConseiller, l.AsOf)
	if err != nil {
		return nil, err
	}
	if len(l.Findings) == 0 && !nothingToReport {
		return nil, nil
	}
	if err := atomic.MkdirAll(dir, 0o700, "dossier des rapports"); err != nil {
		return nil, err
	}
	key, d := CounsellorKey(l.IDConseiller), l.AsOf.Format(time.DateOnly)
	msg := filepath.Join(dir, MessagePrefix+"conseiller-"+key+"-"+d+".txt")
	writeMsg := func(w io.Writer) error { _, err := io.WriteString(w, CounsellorMessage(l)); return err }
	if len(l.Findings) == 0 {
		return []string{msg}, batch.Write(msg, writeMsg)
	}
	l.Findings = sortForCounsellor(l.Findings)
	paths := []string{filepath.Join(dir, "constats-"+key+"-"+d+".pdf"), filepath.Join(dir, "constats-"+key+"-"+d+".xlsx"), msg}
	pdf, err := CounsellorPDF(l).Bytes()
	if err != nil {
		return nil, err
	}
	if err := batch.Write(paths[0], func(w io.Writer) error { _, err := w.Write(pdf); return err }); err != nil {
		return nil, err
	}
	wb, err := NewWorkbook()
	if err != nil {
		return nil, err
	}
	defer wb.f.Close()
	if err := wb.AddSheet(findingsSheet("Mes constats", l.Findings)); err != nil {
		return nil, err
	}
	if err := wb.Finish("Constats de "+conseillerLabel(l.IDConseiller, l.Conseiller)+" au "+frDate(l.AsOf), l.GeneratedAt); err != nil {
		return nil, err
	}
	if err := batch.Write(paths[1], func(w io.Writer) error { return wb.f.Write(w) }); err != nil {
		return nil, err
	}
	if err := batch.Write(msg, writeMsg); err != nil {
		return nil, err
	}
	return paths, nil
}

// CounsellorPDF renders a counsellor's list.
func CounsellorPDF(l *CounsellorList) *PDF {
	p := NewPDF(PageInfo{
		Title:       "Constats à corriger sur vos dossiers",
		Structure:   structureLabel(l.CodeStructure, l.NomStructure) + " — " + conseillerLabel(l.IDConseiller, l.Conseiller),
		Period:      "Situation au " + frDate(l.AsOf),
		GeneratedAt: l.GeneratedAt,
	}, Landscape)
	var nouveaux int
	for _, f := range l.Findings {
		if f.Suivi == "nouveau" {
			nouveaux++
		}
	}
	p.Heading("Vos constats ouverts : " + frInt(int64(len(l.Findings))))
	p.Paragraph("Contrôle du " + frDate(l.ControlAsOf) + " : les constats ouverts sur les dossiers et les partenaires dont vous êtes référent(e), " +
		"les nouveaux d'abord (" + frInt(int64(nouveaux)) + "), puis dans l'ordre de traitement du tableau de bord de la direction. " +
		"Un constat disparaît de cette liste au contrôle qui suit sa correction dans i-milo.")
	t := Table{Columns: []Column{{Header: "Suivi", Weight: 7}, {Header: "Règle", Weight: 6}, {Header: "Gravité", Weight: 6},
		{Header: "Dossier ou objet", Weight: 11}, {Header: "Constat", Weight: 58}, {Header: "Depuis le", Weight: 8, Align: "C"}},
		FontSize: 7.5}
	for i, f := range l.Findings {
		if i == maxPDFRows {
			break
		}
		obj := f.IDDossier
		if obj == "" {
			obj = f.Objet + " " + f.IDObjet
		}
		t.Rows = append(t.Rows, []string{suiviLabel(f.Suivi), f.Rule, f.Gravite, obj, ruleLabel(f.Rule) + " : " + f.Detail, frDate(f.PremiereDetection)})
	}
	p.Table(t)
	if len(l.Findings) > maxPDFRows {
		p.Note("… et " + frInt(int64(len(l.Findings)-maxPDFRows)) + " autres constats, dans le même ordre : la liste complète est dans le classeur Excel.")
	}
	return p
}

// CounsellorMessage is the body of a counsellor's email.
func CounsellorMessage(l *CounsellorList) string {
	if len(l.Findings) == 0 {
		return "Bonjour,\n\nRien à signaler : aucun constat ouvert sur les dossiers dont vous êtes référent(e) au contrôle du " +
			frDate(l.ControlAsOf) + ".\n"
	}
	var nouveaux int
	for _, f := range l.Findings {
		if f.Suivi == "nouveau" {
			nouveaux++
		}
	}
	return "Bonjour,\n\nVoici les constats ouverts sur les dossiers dont vous êtes référent(e) (contrôle du " + frDate(l.ControlAsOf) + ") : " +
		countNoun(len(l.Findings), "constat", "constats") + ", dont " + countNoun(nouveaux, "nouveau", "nouveaux") +
		". La liste, les nouveaux d'abord, est jointe en PDF et en classeur Excel ; chaque correction dans i-milo fait disparaître le constat au contrôle suivant.\n"
}
