package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// englishWords are words of English prose that French prose never uses
// (French has "on", "an", "a", "or", "plan", so they are not here), and the
// names pflag gives the flags' types in a usage text.
var englishWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the and of with from to for is are be by at it its this that these
		when which each every only not into than then you your how long default file folder account
		password profile read print shown
		string strings float int uint duration value`) {
		m[w] = true
	}
	return m
}()

// englishIn returns the English words of a user-facing text. What is not
// prose is skipped: flag names (--from, --to, --for, --at), paths and file
// names (schedules/default.yaml), identifiers (catch_up) and upper-case codes
// and placeholders (the rule family FOR, HOST:PORT).
func englishIn(text string) []string {
	var found []string
	for _, field := range strings.Fields(text) {
		if strings.Contains(field, "--") || strings.ContainsAny(field, "/_") || fileName.MatchString(field) {
			continue
		}
		for _, w := range strings.FieldsFunc(field, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if w != strings.ToUpper(w) && englishWords[strings.ToLower(w)] {
				found = append(found, w)
			}
		}
	}
	return found
}

var fileName = regexp.MustCompile(`\pL\.\pL`)

// Everything a user reads is French, --help included: every command of the
// tree run builds, its Short, Long and the comments of its Example, and every
// flag it offers (its own, the inherited ones, cobra's --help and --version),
// and the usage text cobra prints with them.
func TestHelpIsFrench(t *testing.T) {
	t.Parallel()
	if got := englishIn("Serve the console: the regional BI portal in the browser"); len(got) == 0 {
		t.Fatal("the heuristic sees no English in an English sentence")
	}
	root := newRootCmd(&app{getenv: func(string) string { return "" }})
	root.InitDefaultHelpCmd()
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		seen++
		c.InitDefaultHelpFlag()
		c.InitDefaultVersionFlag()
		check := func(what, text string) {
			for _, line := range strings.Split(text, "\n") {
				if w := englishIn(line); len(w) > 0 {
					t.Errorf("%s, %s reads English (%s): %q", c.CommandPath(), what, strings.Join(w, ", "), line)
				}
			}
		}
		check("Short", c.Short)
		check("Long", c.Long)
		for _, line := range strings.Split(c.Example, "\n") {
			if _, comment, ok := strings.Cut(line, "#"); ok {
				check("Example", comment)
			}
		}
		flags := func(f *pflag.Flag) { check("--"+f.Name, f.Usage) }
		c.LocalFlags().VisitAll(flags)
		c.InheritedFlags().VisitAll(flags)
		check("--help", c.UsageString()) // with the template's words and the flags' types
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if seen < 20 {
		t.Fatalf("walked %d commands, want the whole tree", seen)
	}
}

// The exit status comes from the error's type: a real failure whose message
// reads like a usage error (a folder called "invalid argument") exits 1, and
// wrong uses exit 2 with a French message.
func TestExitCodeFromErrorType(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	for _, name := range []string{"invalid argument", "unknown command accepts 1 arg(s)", "required flag(s) unknown flag"} {
		missing := filepath.Join(dir, name)
		code, _, errs := runVigie(t, "--warehouse", wh, "ingest", missing)
		if code != exitFailed || !strings.Contains(errs, name) {
			t.Errorf("ingest %q: exit %d, want 1 (a failure, not a wrong use): %s", name, code, errs)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ingérer"}, "commande inconnue"},
		{[]string{"archive", "effacer"}, "commande inconnue \"effacer\" pour « vigie archive »"},
		{[]string{"ingest"}, "attend 1 argument, reçu 0"},
		{[]string{"runs", "--limit", "dix"}, "valeur \"dix\" invalide pour --limit"},
		{[]string{"runs", "--depuis", "hier"}, "option inconnue : --depuis"},
		{[]string{"runs", "tout"}, "ne prend pas d'argument"},
		{[]string{"archive", "dossier", "A1", "--backup-dir", dir}, "--motif est obligatoire"},
	} {
		code, _, errs := runVigie(t, append([]string{"--warehouse", wh}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q in: %s", c.args, code, c.want, errs)
		}
	}
}

// positionalArgs counts the arguments a command's Use line names before its
// options: ingest DIR has one, backup --out DIR none.
func positionalArgs(c *cobra.Command) int {
	n := 0
	for _, w := range strings.Fields(c.Use)[1:] {
		if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[") {
			break
		}
		if w == strings.ToUpper(w) {
			n++
		}
	}
	return n
}

// Every command of the tree, given one argument too many (or none when it
// wants one), is a wrong use told in French: exit 2, and none of cobra's
// English (« unknown command "extra" for … », « accepts 1 arg(s), received
// 0 »).
func TestWrongArgumentsAreFrenchEverywhere(t *testing.T) {
	t.Parallel()
	wh := filepath.Join(t.TempDir(), "vigie.duckdb")
	root := newRootCmd(&app{getenv: func(string) string { return "" }})
	var cases [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		n := positionalArgs(c)
		extra := make([]string, n+1)
		for i := range extra {
			extra[i] = "extra"
		}
		cases = append(cases, append(slices.Clone(path), extra...))
		if n > 0 {
			cases = append(cases, slices.Clone(path))
		}
		for _, sub := range c.Commands() {
			walk(sub, append(slices.Clone(path), sub.Name()))
		}
	}
	walk(root, nil)
	if len(cases) < 30 {
		t.Fatalf("%d cases, want every command of the tree", len(cases))
	}
	for _, args := range cases {
		if slices.Equal(args[:min(2, len(args))], []string{"archive", "dossier"}) && len(args) > 2 {
			continue // several dossiers are an archiving refused (exit 1), as its help says
		}
		code, _, errs := runVigie(t, append([]string{"--warehouse", wh}, args...)...)
		english := englishIn(errs)
		for _, w := range []string{"unknown command", "accepts", "arg(s)", "received", "[flags]"} {
			if strings.Contains(errs, w) {
				english = append(english, w)
			}
		}
		if code != exitUsage || !strings.HasPrefix(errs, "vigie : ") || len(english) > 0 {
			t.Errorf("vigie %s: exit %d, want 2 and a French message; English %q in:\n%s", strings.Join(args, " "), code, english, errs)
		}
	}
	if _, err := os.Stat(wh); err == nil {
		t.Errorf("a wrong use created the warehouse")
	}
}

// vigie help of a command that does not exist says so (exit 2) instead of
// printing the main help as if it had been asked for.
func TestHelpOfAnUnknownCommand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "nope"}, "vigie : commande inconnue \"nope\" pour « vigie » ; commandes : archive,"},
		{[]string{"help", "users", "nope"}, "vigie : commande inconnue \"nope\" pour « vigie users » ; commandes : add,"},
		{[]string{"help", "ingest", "nope"}, "vigie : commande inconnue \"ingest nope\""},
	} {
		code, out, errs := runVigie(t, c.args...)
		if code != exitUsage || out != "" || !strings.HasPrefix(errs, c.want) {
			t.Errorf("vigie %s: exit %d, stdout %d bytes, stderr %q; want exit 2, nothing on stdout, and %q",
				strings.Join(c.args, " "), code, len(out), errs, c.want)
		}
	}
	// The positive control: help of a command that exists is its help.
	code, out, errs := runVigie(t, "help", "users", "add")
	if code != exitOK || !strings.Contains(out, "vigie users add LOGIN") {
		t.Errorf("vigie help users add: exit %d, %s%s", code, out, errs)
	}
}
