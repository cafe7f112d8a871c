package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/arml-na/vigie/console/data"
	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/controls"
	"github.com/arml-na/vigie/pipelines/warehouse"
)

// pageSize is the number of findings a page shows.
const pageSize = 50

func today(now time.Time) time.Time {
	y, m, d := now.In(warehouse.Paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dateParam(v, name string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, &data.BadParamError{Param: name, Value: v}
	}
	return t, nil
}

// filterFrom reads the findings filters of a page or API query string.
func filterFrom(q url.Values) (data.Filter, error) {
	f := data.Filter{Structure: q.Get("structure"), Famille: q.Get("famille"), Rule: q.Get("rule"),
		Gravite: q.Get("gravite"), Suivi: q.Get("suivi"), Lieu: q.Get("lieu"), Conseiller: q.Get("conseiller"),
		Dossier: q.Get("dossier"), Sort: q.Get("tri"), Desc: q.Get("ordre") == "desc"}
	var err error
	if f.AsOf, err = dateParam(q.Get("as_of"), "as_of"); err != nil {
		return f, err
	}
	if f.From, err = dateParam(q.Get("du"), "du"); err != nil {
		return f, err
	}
	if f.To, err = dateParam(q.Get("au"), "au"); err != nil {
		return f, err
	}
	if f.Famille != "" && !slices.Contains(controls.Families, f.Famille) {
		return f, &data.BadParamError{Param: "famille", Value: f.Famille}
	}
	return f, f.Validate()
}

// homeData is the home page: the week's control in figures, what is new,
// what to act on first, the trend.
type homeData struct {
	AsOf                                  time.Time
	Total, Erreurs, Nouveaux, Persistants int
	Resolus                               int
	ByFamily                              chart
	Trend                                 chart
	First                                 []data.Finding
	Structures                            int
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	if p.acc.Profil == accounts.Admin {
		http.Redirect(w, r, "/comptes", http.StatusSeeOther)
		return
	}
	var d homeData
	err := s.withSnapshot(func(sn *snapshot) (err error) {
		d, err = homeFor(r.Context(), sn, p.scope)
		return err
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	title := "Région"
	if !p.scope.Region() {
		title = p.acc.CodeStructure
	}
	s.render(w, r, http.StatusOK, "home", pageData{Title: "Accueil — " + title, Extra: d})
}

// homeFor computes the home page of a scope, once per snapshot.
func homeFor(ctx context.Context, sn *snapshot, scope data.Scope) (homeData, error) {
	return cached(ctx, sn, cacheKey("home", scope), func(ctx context.Context) (homeData, error) {
		var d homeData
		f := data.Filter{}
		c, err := sn.counts(ctx, scope, f)
		if err != nil {
			return d, err
		}
		for _, n := range c["gravite"] {
			d.Total += n
		}
		d.Erreurs, d.Nouveaux, d.Persistants = c["gravite"]["erreur"], c["suivi"]["nouveau"], c["suivi"]["persistant"]
		d.Structures = len(c["structure"])
		fam := map[string]int{}
		for rule, n := range c["rule"] {
			fam[ruleFamily(rule)] += n
		}
		for _, f := range controls.Families {
			d.ByFamily.Bars = append(d.ByFamily.Bars, bar{Label: familyLabel(f), N: fam[f], Href: "/constats?famille=" + f})
		}
		d.ByFamily.Title = "Constats par famille de règles"
		res, err := sn.findings(ctx, scope, data.Filter{Suivi: "resolu", Limit: 1})
		if err != nil {
			return d, err
		}
		d.Resolus, d.AsOf = res.Total, res.AsOf
		first, err := sn.findings(ctx, scope, data.Filter{Gravite: "erreur", Suivi: "nouveau", Limit: 10})
		if err != nil {
			return d, err
		}
		if len(first.Items) == 0 {
			first, err = sn.findings(ctx, scope, data.Filter{Limit: 10})
			if err != nil {
				return d, err
			}
		}
		d.First = first.Items
		trend, err := sn.trend(ctx, scope)
		if err != nil {
			return d, err
		}
		d.Trend = trendChart(trend)
		return d, nil
	})
}

// prepare reads the region's current findings from a new snapshot before
// it is swapped in (every findings page, chart and home is computed from
// them).
func prepare(ctx context.Context, sn *snapshot) error {
	_, err := sn.findingSet(ctx, time.Time{})
	return err
}

// warm computes, when a snapshot arrives, the home page and what every
// dashboard shows whatever its filters (the sites and counsellors to choose
// from, the RDV and SIE indicators) for the region and every structure, so
// that the first visitors of the day find them ready.
func warm(sn *snapshot) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	list, err := sn.structures(ctx, data.RegionScope())
	if err != nil {
		return
	}
	scopes := []data.Scope{data.RegionScope()}
	for _, st := range list {
		scopes = append(scopes, data.StructureScope(st.Code))
	}
	for _, sc := range scopes {
		if sn.superseded() || ctx.Err() != nil {
			return
		}
		if _, err := homeFor(ctx, sn, sc); err != nil {
			return
		}
		if _, err := sn.choices(ctx, sc); err != nil {
			return
		}
		if _, err := sn.indicators(ctx, sc, time.Time{}, ""); err != nil {
			return
		}
	}
}

func ruleFamily(rule string) string {
	for i, c := range rule {
		if c == '-' {
			return rule[:i]
		}
	}
	return rule
}

func trendChart(points []data.TrendPoint) chart {
	c := chart{Title: "Constats des dernières semaines", Series: []string{"Erreurs", "Alertes", "Informations"}}
	idx := map[string]int{"erreur": 0, "alerte": 1, "info": 2}
	var cur *stack
	var last time.Time
	for _, p := range points {
		if cur == nil || !p.AsOf.Equal(last) {
			c.Stacks = append(c.Stacks, stack{Label: p.AsOf.Format("02/01"), Values: make([]int, 3)})
			cur, last = &c.Stacks[len(c.Stacks)-1], p.AsOf
		}
		if i, ok := idx[p.Gravite]; ok {
			cur.Values[i] += p.N
		}
	}
	return c
}

// findingsData is a dashboard: a family's (or every) findings, filtered.
type findingsData struct {
	Query      url.Values
	Filter     data.Filter
	Famille    string
	Page       *data.Page
	PageNum    int
	Pages      int
	Charts     []chart
	Structures []data.Structure
	Lieux      []data.Choice
	Conseils   []data.Choice
	// ChooseStructure: a regional page without a structure chosen, whose
	// site and counsellor lists wait for one.
	ChooseStructure bool
	Rules           []string
	Gravites        []string
	Suivis          []string
	Dossier         string
	ExportCSV       string
	ExportXLSX      string
}

func (s *Server) handleFindings(w http.ResponseWriter, r *http.Request) {
	s.findingsPage(w, r, "")
}

func (s *Server) handleDossier(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	id := r.PathValue("id")
	err := s.withSnapshot(func(sn *snapshot) error { return data.DossierInScope(r.Context(), sn.w, p.scope, id) })
	if err != nil {
		s.failData(w, r, err)
		return
	}
	s.findingsPage(w, r, id)
}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request, dossier string) {
	p := who(r)
	ctx := r.Context()
	q := r.URL.Query()
	if dossier != "" {
		q.Set("dossier", dossier)
	}
	f, err := filterFrom(q)
	if err == nil {
		err = s.knownStructure(r, f.Structure)
	}
	if err != nil {
		s.failData(w, r, err)
		return
	}
	pageNum := 1
	if v := q.Get("page"); v != "" {
		if pageNum, err = strconv.Atoi(v); err != nil || pageNum < 1 {
			s.failData(w, r, &data.BadParamError{Param: "page", Value: v})
			return
		}
	}
	f.Limit, f.Offset = pageSize, (pageNum-1)*pageSize
	d := findingsData{Query: q, Filter: f, Famille: f.Famille, PageNum: pageNum, Dossier: dossier,
		Gravites: data.Gravites, Suivis: data.Suivis, ChooseStructure: p.scope.Region() && f.Structure == ""}
	err = s.withSnapshot(func(sn *snapshot) error {
		var err error
		if d.Page, err = sn.findings(ctx, p.scope, f); err != nil {
			return err
		}
		choices, err := sn.choices(ctx, p.scope)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, c := range choices {
			names[c.Kind+":"+c.Code] = c.Label
			if f.Structure != "" && c.Structure != f.Structure {
				continue
			}
			// The region's sites and counsellors are offered once a structure
			// is chosen (some thousands in one list help nobody); the chosen
			// one stays.
			if d.ChooseStructure && c.Code != f.Lieu && c.Code != f.Conseiller {
				continue
			}
			if c.Kind == "lieu" {
				d.Lieux = append(d.Lieux, c)
			} else {
				d.Conseils = append(d.Conseils, c)
			}
		}
		c, err := sn.counts(ctx, p.scope, f)
		if err != nil {
			return err
		}
		d.Charts = s.findingCharts(q, c, p.scope.Region(), names)
		if f.Famille == "RDV" || f.Famille == "SIE" {
			ind, err := sn.indicators(ctx, p.scope, f.AsOf, f.Structure)
			if err != nil {
				return err
			}
			d.Charts = append([]chart{indicatorChart(f.Famille, ind, names)}, d.Charts...)
		}
		// The rule list offers every rule of the family, whatever the other
		// filters: the counts of the family alone.
		all, err := sn.counts(ctx, p.scope, data.Filter{AsOf: f.AsOf, Famille: f.Famille})
		if err != nil {
			return err
		}
		for rule := range all["rule"] {
			d.Rules = append(d.Rules, rule)
		}
		sort.Strings(d.Rules)
		d.Structures, err = sn.structures(ctx, p.scope)
		return err
	})
	if err != nil {
		s.failData(w, r, err)
		return
	}
	d.Pages = (d.Page.Total + pageSize - 1) / pageSize
	exp := url.Values{}
	for k, v := range q {
		if k != "page" {
			exp[k] = v
		}
	}
	exp.Set("format", "csv")
	d.ExportCSV = "/constats/export?" + exp.Encode()
	exp.Set("format", "xlsx")
	d.ExportXLSX = "/constats/export?" + exp.Encode()
	title := "Tous les constats"
	switch {
	case dossier != "":
		title = "Dossier " + dossier
	case f.Famille != "":
		title = familyLabel(f.Famille)
	}
	s.render(w, r, http.StatusOK, "findings", pageData{Title: title, Extra: d})
}

// findingCharts are a dashboard's charts; each bar links to its rows.
func (s *Server) findingCharts(q url.Values, c data.Counts, region bool, names map[string]string) []chart {
	named := func(kind string) func(string) string {
		return func(code string) string {
			if n := names[kind+":"+code]; n != "" {
				return n + " (" + code + ")"
			}
			return code
		}
	}
	link := func(key, value string) string { return "/constats?" + withParam(q, key, value) }
	mk := func(title, axis, param string, limit int, label func(string) string) chart {
		ch := chart{Title: title}
		type kv struct {
			k string
			n int
		}
		var list []kv
		for k, n := range c[axis] {
			list = append(list, kv{k, n})
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].n != list[j].n {
				return list[i].n > list[j].n
			}
			return list[i].k < list[j].k
		})
		for i, e := range list {
			if i == limit {
				break
			}
			l := e.k
			if label != nil {
				l = label(e.k)
			}
			href := ""
			if e.k != "" {
				href = link(param, e.k)
			} else {
				l = "(sans)"
			}
			ch.Bars = append(ch.Bars, bar{Label: l, N: e.n, Href: href})
		}
		return ch
	}
	charts := []chart{mk("Par règle", "rule", "rule", 20, nil), mk("Par gravité", "gravite", "gravite", 3, graviteLabel),
		mk("Par suivi", "suivi", "suivi", 3, suiviLabel)}
	if region {
		charts = append(charts, mk("Par structure (les 15 premières)", "structure", "structure", 15, nil))
	}
	charts = append(charts, mk("Par lieu de rattachement (les 10 premiers)", "lieu", "lieu", 10, named("lieu")),
		mk("Par conseiller référent (les 10 premiers)", "conseiller", "conseiller", 10, named("conseiller")))
	return charts
}

// indicatorChart draws a family's rate as the PDF reports do: the RDV
// absence rate, the SIENE attachment rate, per counsellor within one
// structure, per structure for the region; each bar leads to the findings
// of that counsellor or structure.
func indicatorChart(famille string, ind []data.Indicator, names map[string]string) chart {
	title := "Taux d'absence aux rendez-vous"
	if famille == "SIE" {
		title = "Taux de rattachement SIENE des partenaires"
	}
	structures := map[string]bool{}
	for _, in := range ind {
		structures[in.Structure] = true
	}
	perStructure := len(structures) > 1
	if perStructure {
		title += " par structure (les 15 plus élevés)"
	} else {
		title += " par conseiller référent"
	}
	type row struct {
		label, href string
		taux        float64
		base        int
	}
	var rows []row
	for _, in := range ind {
		if in.Famille != famille || !in.HasTaux || (in.Niveau == "structure") != perStructure {
			continue
		}
		r := row{taux: in.Taux, base: in.Base}
		if perStructure {
			r.label, r.href = in.Structure, "/constats?famille="+famille+"&structure="+in.Structure
		} else if in.Utilisateur == "" {
			r.label = "(sans conseiller)"
		} else {
			r.label = in.Utilisateur
			if n := names["conseiller:"+in.Utilisateur]; n != "" {
				r.label = n
			}
			r.href = "/constats?famille=" + famille + "&conseiller=" + in.Utilisateur
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].taux > rows[j].taux })
	if len(rows) > 15 {
		rows = rows[:15]
	}
	c := chart{Title: title}
	for _, r := range rows {
		pct := strconv.FormatFloat(r.taux*100, 'f', 1, 64)
		c.Bars = append(c.Bars, bar{Label: r.label, N: int(r.taux * 1000), Href: r.href,
			Text: strings.Replace(pct, ".", ",", 1) + " % (" + frInt(r.base) + ")"})
	}
	return c
}
