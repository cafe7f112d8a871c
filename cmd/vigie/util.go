package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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

// parseAsOf reads --as-of (yyyy-mm-dd); empty (the option left out: an
// option given empty is refused by checkNowFlags) means today in Europe/Paris.
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

// nowDefault is the annotation of a flag whose absence means today (or
// now); its values say what the flag wants and what its absence means.
const nowDefault = "vigie-now-default"

// Kinds of nowFlag.
var (
	dayFlag     = []string{"une date aaaa-mm-jj", "aujourd'hui"}
	instantFlag = []string{"un instant \"aaaa-mm-jj hh:mm\"", "maintenant"}
)

// nowFlag adds a string flag whose absence means today or now (kind:
// dayFlag, instantFlag). Given empty, as an unset shell variable gives it
// (--as-of "$JOUR"), it is refused by checkNowFlags rather than taken for
// today: a script would archive or run as of today without saying so.
func nowFlag(f *pflag.FlagSet, p *string, name string, kind []string, usage string) {
	f.StringVar(p, name, "", usage)
	_ = f.SetAnnotation(name, nowDefault, kind)
}

// checkNowFlags refuses a nowFlag given with an empty value.
func checkNowFlags(cmd *cobra.Command) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		kind, ok := f.Annotations[nowDefault]
		if ok && err == nil && strings.TrimSpace(f.Value.String()) == "" {
			err = usagef(helpHint(cmd), "--%s est vide : donnez %s, ou n'utilisez pas l'option pour %s", f.Name, kind[0], kind[1])
		}
	})
	return err
}
