package schedules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// ReadyMarker is the file whose presence says an extraction folder in the
// inbox is complete and may be ingested.
const ReadyMarker = "_READY"

// RejectReasonFile is written into a rejected extraction folder.
const RejectReasonFile = "RAISON_DU_REJET.txt"

// InboxResult tells what ProcessInbox did with each ready folder.
type InboxResult struct {
	Processed []string // folder names moved to processed/
	Rejected  []string // folder names moved to rejected/
}

// ProcessInbox ingests every extraction folder of the inbox whose _READY
// marker is there, oldest name first, then moves it to processed/ or, with a
// reason file, to rejected/. A folder whose ingestion was interrupted
// (cancelled, timed out) stays in the inbox for the next pass.
func (s *Scheduler) ProcessInbox(ctx context.Context, w *warehouse.Warehouse) (InboxResult, error) {
	var res InboxResult
	inbox := s.Config.Inbox
	if inbox == "" {
		return res, nil
	}
	if s.Ingest == nil {
		return res, fmt.Errorf("inbox: ingestion %w", ErrNotWired)
	}
	entries, err := os.ReadDir(inbox)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return res, fmt.Errorf("dossier d'arrivée %s introuvable : créez-le ou corrigez inbox dans la configuration", inbox)
		}
		return res, fmt.Errorf("lecture du dossier d'arrivée : %w", err)
	}
	var ready []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || name == "processed" || name == "rejected" || strings.HasPrefix(name, ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(inbox, name, ReadyMarker)); err == nil {
			ready = append(ready, name)
		}
	}
	sort.Strings(ready)
	for _, name := range ready {
		dir := filepath.Join(inbox, name)
		s.log().Info("dossier d'arrivée : chargement", "folder", name)
		ierr := s.Ingest(ctx, w, dir)
		if ierr != nil && (errors.Is(ierr, context.Canceled) || errors.Is(ierr, context.DeadlineExceeded)) {
			return res, fmt.Errorf("inbox %s: %w", name, ierr)
		}
		dest := "processed"
		if ierr != nil {
			dest = "rejected"
			reason := fmt.Sprintf("Extraction refusée par vigie (%s).\n\nRaison : %v\n\nCorrigez l'extraction, puis déposez-la de nouveau dans le dossier d'arrivée avec son fichier %s.\n",
				frenchDate(s.Clock.Now()), ierr, ReadyMarker)
			if err := writeFileAtomic(filepath.Join(dir, RejectReasonFile), []byte(reason)); err != nil {
				return res, err
			}
			s.log().Warn("dossier d'arrivée : extraction refusée", "folder", name, "err", ierr)
		}
		target, err := moveInto(dir, filepath.Join(inbox, dest))
		if err != nil {
			return res, err
		}
		if dest == "processed" {
			res.Processed = append(res.Processed, filepath.Base(target))
		} else {
			res.Rejected = append(res.Rejected, filepath.Base(target))
		}
	}
	return res, nil
}

// moveInto renames dir into folder parent, adding a suffix when the name is
// taken (the same extraction dropped twice).
func moveInto(dir, parent string) (string, error) {
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", fmt.Errorf("inbox: %w", err)
	}
	base := filepath.Base(dir)
	target := filepath.Join(parent, base)
	for i := 2; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			break
		}
		target = filepath.Join(parent, fmt.Sprintf("%s.%d", base, i))
	}
	if err := os.Rename(dir, target); err != nil {
		return "", fmt.Errorf("inbox: move %s: %w", base, err)
	}
	return target, nil
}
