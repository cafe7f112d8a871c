package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/reports"
)

func init() {
	register(newControlsCmd)
	registerDemoStep(demoStep{order: 20, name: "controls", run: demoControls})
}

type controlsOptions struct {
	asOf, from, to string
	structures     []string
	rules          []string
	gravites       []string
	suivi          string
	history        bool
	dryRun         bool
}

var ruleFilterRe = regexp.MustCompile(`^[A-Z]{3}(-[0-9]{2})?$`)

func (o *controlsOptions) validate() (opts controls.Options, err error) {
	if opts.AsOf, err = parseAsOf(o.asOf, time.Now()); err != nil {
		return opts, err
	}
	for _, p := range []struct {
		name string
		val  string
		dst  *time.Time
	}{{"--from", o.from, &opts.From}, {"--to", o.to, &opts.To}} {
		if p.val == "" {
			continue
		}
		if *p.dst, err = time.Parse(time.DateOnly, p.val); err != nil {
			return opts, usagef("écrivez la date aaaa-mm-jj, par exemple "+p.name+" 2026-11-01", "%s %q n'est pas une date", p.name, p.val)
		}
	}
	if f, t := opts.Period(); t.Before(f) {
		return opts, usagef("--to ne doit pas précéder --from", "la période du %s au %s est vide", f.Format("02/01/2006"), t.Format("02/01/2006"))
	}
	for _, s := range o.structures {
		if !controls.ValidStructure(s) {
			return opts, usagef("un code de structure ne contient que des lettres, des chiffres, - et _, par exemple --structure ML-16001", "code de structure %q invalide", s)
		}
	}
	opts.Structures = o.structures
	opts.DryRun = o.dryRun
	for i, r := range o.rules {
		o.rules[i] = strings.ToUpper(r)
		if !ruleFilterRe.MatchString(o.rules[i]) {
			return opts, usagef("donnez une règle (--rule PCJ-01) ou une famille (--rule PCJ)", "règle %q invalide", r)
		}
		// An unknown code would print no finding, as if there were none.
		family, _, one := strings.Cut(o.rules[i], "-")
		if _, known := reports.RuleLabel[o.rules[i]]; !slices.Contains(controls.Families, family) || one && !known {
			return opts, usagef("les familles sont "+strings.Join(controls.Families, ", ")+" ; leurs règles sont listées dans le glossaire des rapports",
				"règle %q inconnue", r)
		}
	}
	for _, g := range o.gravites {
		switch g {
		case controls.Erreur, controls.Alerte, controls.Info:
		default:
			return opts, usagef("utilisez --gravite erreur, alerte ou info", "gravité %q inconnue", g)
		}
	}
	switch o.suivi {
	case "", controls.Nouveau, controls.Persistant, controls.Resolu:
	default:
		return opts, usagef("utilisez --suivi nouveau, persistant ou resolu", "suivi %q inconnu", o.suivi)
	}
	return opts, nil
}

// keep tells whether a finding passes the print filters.
func (o *controlsOptions) keep(f controls.Finding) bool {
	if len(o.rules) > 0 {
		ok := false
		for _, r := range o.rules {
			if f.Rule == r || strings.HasPrefix(f.Rule, r+"-") {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	if len(o.gravites) > 0 {
		ok := false
		for _, g := range o.gravites {
			ok = ok || f.Gravite == g
		}
		if !ok {
			return false
		}
	}
	return o.suivi == "" || o.suivi == f.Suivi
}

func newControlsCmd(a *app) *cobra.Command {
	o := &controlsOptions{}
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "Lance tous les contrôles des règles et affiche les constats",
		Long: `Lance tous les contrôles de contract/rules.md (RDV, FOR, PCJ, SIE, PAC, USR,
RGS, DOS) pour la date, enregistre l'exécution avec ses constats et ses
indicateurs, et affiche les constats : rule,gravite,code_structure,objet,
id_objet,id_dossier,detail, triés par règle puis id_objet. Des constats ne
sont pas un échec : le statut de sortie est 0.

Chaque constat est comparé avec le contrôle précédent de sa structure :
--history ajoute les colonnes suivi (nouveau ou persistant),
premiere_detection et nb_runs ; --suivi resolu affiche les constats du
contrôle précédent qui ont disparu. --structure limite le contrôle lui-même ;
--rule, --gravite et --suivi ne filtrent que l'affichage. Un contrôle lancé à
la main n'est jamais un contrôle de référence : les « nouveaux / résolus » des
rapports comparent les contrôles hebdomadaire et mensuel planifiés.

--dry-run lance les mêmes contrôles et affiche les mêmes constats, comparés
de la même façon au contrôle précédent, sans rien enregistrer : ni
exécution, ni constat, ni indicateur ; le contrôle suivant se compare donc
au même contrôle précédent que si la simulation n'avait pas eu lieu. Le SQL
de chaque règle est dans sql/controls/<famille>.sql.`,
		Example: `  vigie controls --as-of 2026-11-23
  vigie controls --as-of 2026-11-23 --structure ML-16001 --rule PCJ --format csv
  vigie controls --gravite erreur --suivi nouveau --history
  vigie controls --as-of 2026-11-30 --dry-run --suivi resolu`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			opts, err := o.validate()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			w, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			var res *controls.Result
			if opts.DryRun {
				// Run and compared in a transaction rolled back; no run recorded.
				if res, err = steps.Controls.Preview(ctx, a.env(w), opts); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "Simulation au %s : %s ; rien n'est enregistré.\n", opts.AsOf.Format("02/01/2006"), frCount(res.Found(), "constat", "constats"))
			} else {
				info := runInfo(cmd, nil)
				info.AsOf = &opts.AsOf
				if res, err = steps.Run(ctx, a.env(w), steps.Controls, info, opts); err != nil {
					return err
				}
			}
			list := res.Findings
			if o.suivi == controls.Resolu {
				list = res.Resolved
			}
			t := findingsTable(list, o.keep, o.history || o.suivi != "")
			return t.write(a.stdout, a.format)
		},
	}
	f := cmd.Flags()
	nowFlag(f, &o.asOf, "as-of", dayFlag, "le jour du contrôle, aaaa-mm-jj (par défaut aujourd'hui, heure de Paris)")
	f.StringVar(&o.from, "from", "", "premier jour des indicateurs de rendez-vous (par défaut la date moins 28 jours)")
	f.StringVar(&o.to, "to", "", "dernier jour des indicateurs de rendez-vous (par défaut la veille de la date)")
	f.StringSliceVar(&o.structures, "structure", nil, "contrôle ces structures seulement (répétable)")
	f.StringSliceVar(&o.rules, "rule", nil, "n'affiche que ces règles ou familles, par exemple PCJ-01 ou PCJ (répétable)")
	f.StringSliceVar(&o.gravites, "gravite", nil, "n'affiche que cette gravité : erreur, alerte ou info (répétable)")
	f.StringVar(&o.suivi, "suivi", "", "n'affiche que les constats nouveau, persistant ou resolu")
	f.BoolVar(&o.history, "history", false, "ajoute les colonnes suivi, premiere_detection et nb_runs")
	f.BoolVar(&o.dryRun, "dry-run", false, "affiche les constats sans rien enregistrer (ni exécution, ni constat, ni indicateur)")
	addFormatFlag(cmd, a)
	return cmd
}

// findingsTable lays findings out with the columns of cli.md, plus the
// history columns when asked.
func findingsTable(fs []controls.Finding, keep func(controls.Finding) bool, history bool) *table {
	t := &table{columns: []string{"rule", "gravite", "code_structure", "objet", "id_objet", "id_dossier", "detail"}}
	if history {
		t.columns = append(t.columns, "suivi", "premiere_detection", "nb_runs")
	}
	t.types = make([]string, len(t.columns))
	for i := range t.types {
		t.types[i] = "VARCHAR"
	}
	if history {
		t.types[len(t.types)-2] = "DATE"
		t.types[len(t.types)-1] = "INTEGER"
	}
	for _, f := range fs {
		if !keep(f) {
			continue
		}
		var dossier any
		if f.IDDossier != "" {
			dossier = f.IDDossier
		}
		row := []any{f.Rule, f.Gravite, f.CodeStructure, f.Objet, f.IDObjet, dossier, f.Detail}
		if history {
			row = append(row, f.Suivi, f.FirstSeen, int64(f.Runs))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// demoHistoryWeeks is how many weekly runs before the as-of date the demo
// replays, so that the week-to-week follow-up and the reports' trend have
// something to show.
const demoHistoryWeeks = 3

// demoControls runs the controls on the demo region for the weeks before the
// as-of date, then for the as-of date, and sums the last run's findings up by
// family and gravité, with what is new, still open and resolved.
func demoControls(ctx context.Context, _ *app, d *demoRun) error {
	var past []string
	for k := demoHistoryWeeks; k >= 1; k-- {
		day := d.AsOf.AddDate(0, 0, -7*k)
		if _, err := steps.Run(ctx, d.env(), steps.Controls, d.runInfo(day), controls.Options{AsOf: day, SkipList: true, Reference: controls.Weekly}); err != nil {
			return err
		}
		past = append(past, day.Format("02/01/2006"))
	}
	if len(past) > 0 {
		fmt.Fprintf(d.Summary, "Historique : contrôles rejoués sur les mêmes données aux %s, pour montrer le suivi d'une semaine à l'autre.\n",
			frList(past))
	}
	res, err := steps.Run(ctx, d.env(), steps.Controls, d.runInfo(d.AsOf), controls.Options{AsOf: d.AsOf, SkipList: true, Reference: controls.Weekly})
	if err != nil {
		return err
	}
	type count struct{ erreur, alerte, info int }
	byFamily := map[string]*count{}
	total := count{}
	n := 0
	suivi := map[string]int{}
	for _, c := range res.Counts {
		suivi[c.Suivi] += c.N
		if c.Suivi == controls.Resolu {
			continue
		}
		n += c.N
		fam := c.Rule[:3]
		fc := byFamily[fam]
		if fc == nil {
			fc = &count{}
			byFamily[fam] = fc
		}
		for _, x := range []*count{fc, &total} {
			switch c.Gravite {
			case controls.Erreur:
				x.erreur += c.N
			case controls.Alerte:
				x.alerte += c.N
			default:
				x.info += c.N
			}
		}
	}
	fmt.Fprintf(d.Summary, "Contrôles au %s : %s constats (%s erreurs, %s alertes, %s informations), run %d.\n",
		d.AsOf.Format("02/01/2006"), frInt(n), frInt(total.erreur), frInt(total.alerte), frInt(total.info), res.RunID)
	for _, fam := range controls.Families {
		c := byFamily[fam]
		if c == nil {
			c = &count{}
		}
		fmt.Fprintf(d.Summary, "  %-4s %6d erreurs  %6d alertes  %6d informations   (%s)\n", fam, c.erreur, c.alerte, c.info, controls.FamilyNames[fam])
	}
	fmt.Fprintf(d.Summary, "  Depuis le contrôle précédent : %s nouveaux, %s persistants, %s résolus.\n",
		frInt(suivi[controls.Nouveau]), frInt(suivi[controls.Persistant]), frInt(suivi[controls.Resolu]))
	return nil
}

// frList joins items the French way: « a, b et c ».
func frList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}
