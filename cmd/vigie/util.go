package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// requireFile refuses a warehouse that does not exist yet, rather than
// creating an empty one behind a read.
func requireFile(path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("l'entrepôt %s n'existe pas : lancez d'abord « vigie ingest DOSSIER » (ou « vigie demo »), ou indiquez --warehouse", path)
		}
		return fmt.Errorf("entrepôt %s : %w", path, err)
	}
	return nil
}

// parseAsOf reads --as-of (yyyy-mm-dd); empty means today in Europe/Paris.
func parseAsOf(s string, now time.Time) (time.Time, error) {
	if s == "" {
		y, m, d := now.In(warehouse.Paris).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usagef("écrivez la date aaaa-mm-jj, par exemple --as-of 2026-11-23", "--as-of %q n'est pas une date", s)
	}
	return t, nil
}
