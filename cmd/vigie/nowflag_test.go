package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// A date or instant option given empty (--as-of "$JOUR" with JOUR unset) is
// a wrong use (exit 2) that changes nothing, not a run as of today; the
// option left out still means today.
func TestEmptyDateIsRefused(t *testing.T) {
	wh := controlsWarehouse(t)
	before := queryCSV(t, wh, "SELECT count(*), (SELECT count(*) FROM dossiers WHERE archive) FROM runs")[1]

	root := newRootCmd(&app{getenv: func(string) string { return "" }})
	type use struct{ path, flag string }
	var uses []use
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if _, ok := f.Annotations[nowDefault]; ok {
				uses = append(uses, use{strings.Join(path, " "), f.Name})
			}
		})
		for _, sub := range c.Commands() {
			walk(sub, append(slices.Clone(path), sub.Name()))
		}
	}
	walk(root, nil)
	for _, want := range []use{{"controls", "as-of"}, {"weekly-asp", "as-of"}, {"archive plan", "as-of"},
		{"archive apply", "as-of"}, {"archive dossier", "as-of"}, {"transfers run", "at"}} {
		if !slices.Contains(uses, want) {
			t.Errorf("vigie %s --%s defaults to today but is not a nowFlag", want.path, want.flag)
		}
	}
	for _, u := range uses {
		for _, given := range [][]string{{"--" + u.flag, ""}, {"--" + u.flag + "="}} {
			args := append(append([]string{"--warehouse", wh}, strings.Fields(u.path)...), given...)
			if u.path == "archive dossier" {
				args = append(args, "D1", "--motif", "deces", "--backup-dir", t.TempDir())
			}
			if u.path == "demo" {
				args = append(args, "--out", t.TempDir()) // never in the package's folder
			}
			if u.path == "archive apply" {
				args = append(args, "--backup-dir", t.TempDir())
			}
			code, out, errs := runVigie(t, args...)
			want := "vigie : --" + u.flag + " est vide : donnez "
			if code != exitUsage || out != "" || !strings.HasPrefix(errs, want) {
				t.Errorf("vigie %s %s: exit %d, stdout %q, stderr %q; want exit 2 and %q",
					u.path, strings.Join(given, " "), code, out, errs, want)
			}
		}
	}
	if after := queryCSV(t, wh, "SELECT count(*), (SELECT count(*) FROM dossiers WHERE archive) FROM runs")[1]; !slices.Equal(after, before) {
		t.Errorf("runs and archived dossiers %v after the refusals, were %v", after, before)
	}
	// The positive control: without the option, the controls run for today.
	code, _, errs := runVigie(t, "--warehouse", wh, "controls", "--dry-run")
	today := time.Now().In(warehouse.Paris).Format("02/01/2006")
	if code != exitOK || !strings.Contains(errs, "Simulation au "+today) {
		t.Errorf("controls --dry-run without --as-of: exit %d: %s", code, errs)
	}
}
