package console

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium (installed by .ci/run).
func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("VIGIE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := exec.LookPath(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("chromium introuvable : installez le paquet Debian chromium (.ci/run le fait) ou donnez son chemin dans VIGIE_CHROMIUM")
	return ""
}

// browserSession is a headless Chromium that records every JavaScript error,
// console error and failed request.
type browserSession struct {
	t        *testing.T
	ctx      context.Context
	base     string
	shots    string
	download string
	mu       sync.Mutex
	problems []string
	urls     map[network.RequestID]string
	started  bool // the first Run starts the browser: no timeout on it
}

func newBrowser(t *testing.T, base string) *browserSession {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.Flag("disable-quic", true),
		chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(1366, 900), chromedp.Flag("lang", "fr-FR"),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	shots := os.Getenv("VIGIE_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(t.TempDir(), "screenshots")
	} else {
		shots = filepath.Join(shots, t.Name())
	}
	if err := os.MkdirAll(shots, 0o700); err != nil {
		t.Fatal(err)
	}
	b := &browserSession{t: t, ctx: ctx, base: base, shots: shots, download: t.TempDir(), urls: map[network.RequestID]string{}}
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception JavaScript : "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError {
				b.problems = append(b.problems, "console.error")
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError {
				b.problems = append(b.problems, "journal du navigateur : "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			b.urls[e.RequestID] = e.Request.URL
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				b.problems = append(b.problems, "réponse "+e.Response.URL+" : "+e.Response.StatusText)
			}
			if !strings.HasPrefix(e.Response.URL, base) && !strings.HasPrefix(e.Response.URL, "data:") {
				b.problems = append(b.problems, "requête hors de vigie : "+e.Response.URL)
			}
		case *network.EventLoadingFailed:
			u := b.urls[e.RequestID]
			// A download (an export link, the SQL form's download buttons)
			// ends its navigation with ERR_ABORTED: that is the file being
			// saved, checked by waitDownload.
			download := strings.Contains(u, "/export") || strings.HasSuffix(u, "/sql")
			if !(download && strings.Contains(e.ErrorText, "ERR_ABORTED")) {
				b.problems = append(b.problems, "requête en échec "+u+" : "+e.ErrorText)
			}
		}
	})
	b.run(network.Enable(), log.Enable(), runtime.Enable(),
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(b.download).WithEventsEnabled(true))
	return b
}

func (b *browserSession) run(actions ...chromedp.Action) {
	b.t.Helper()
	ctx := b.ctx
	if b.started {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
	}
	b.started = true
	if err := chromedp.Run(ctx, actions...); err != nil {
		b.t.Fatalf("navigateur : %v", err)
	}
}

func (b *browserSession) shot(name string) {
	b.t.Helper()
	var buf []byte
	b.run(chromedp.FullScreenshot(&buf, 100))
	path := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browserSession) text(sel string) string {
	var s string
	b.run(chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

func (b *browserSession) location() string {
	var s string
	b.run(chromedp.Location(&s))
	return s
}

func (b *browserSession) checkClean() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Error(p)
	}
	b.t.Logf("captures d'écran : %s", b.shots)
}

// waitDownload waits for a file with this suffix in the download folder.
func (b *browserSession) waitDownload(suffix string) string {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(b.download)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				return filepath.Join(b.download, e.Name())
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("aucun fichier %s téléchargé", suffix)
	return ""
}

func (b *browserSession) login(login string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(`#login`, chromedp.ByID))
	if !strings.HasSuffix(b.location(), "/login") {
		b.t.Fatalf("unauthenticated home did not lead to the login page: %s", b.location())
	}
	b.shot("01-connexion")
	b.run(chromedp.SendKeys(`#login`, login, chromedp.ByID), chromedp.SendKeys(`#password`, password, chromedp.ByID),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`input[name=accepte]`, chromedp.ByQuery))
	b.shot("02-cgu")
	b.run(chromedp.Click(`input[name=accepte]`, chromedp.ByQuery), chromedp.Click(`main form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.figures`, chromedp.ByQuery))
}

func (b *browserSession) logout() {
	b.t.Helper()
	b.run(chromedp.Click(`.who button`, chromedp.ByQuery), chromedp.WaitVisible(`#login`, chromedp.ByID))
	// The session is over: the home page leads to the login page again.
	b.run(chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(`#login`, chromedp.ByID))
}

func TestBrowserDirector(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.ts.URL)
	b.login("std-a")
	b.shot("03-accueil-directeur")
	if s := b.text(`h1`); !strings.Contains(s, structA) {
		t.Errorf("home title %q", s)
	}
	// A family's dashboard, then a filter.
	b.run(chromedp.Click(`nav a[href="/constats?famille=RDV"]`, chromedp.ByQuery), chromedp.WaitVisible(`.filters`, chromedp.ByQuery))
	b.shot("04-tableau-rdv")
	b.run(chromedp.Navigate(b.base+"/constats"), chromedp.WaitVisible(`.filters`, chromedp.ByQuery),
		chromedp.SetValue(`select[name=gravite]`, "erreur", chromedp.ByQuery),
		chromedp.Click(`.filters button[type=submit]`, chromedp.ByQuery),
		// The new page, not the old one still shown: its option is selected by the server.
		chromedp.WaitReady(`select[name=gravite] option[value=erreur][selected]`, chromedp.ByQuery))
	if u, _ := url.Parse(b.location()); u.Query().Get("gravite") != "erreur" {
		t.Errorf("filter not applied: %s", b.location())
	}
	b.shot("05-constats-erreurs")
	body := b.text(`main`)
	if m := hasAnyMarker(body); m != "" {
		t.Errorf("the director's page shows %q", m)
	}
	// Drill-down: from a finding to its dossier's other findings.
	b.run(chromedp.Click(`td a[href^="/dossiers/"]`, chromedp.ByQuery), chromedp.WaitReady(`form[action^="/dossiers/"]`, chromedp.ByQuery))
	if !strings.Contains(b.location(), "/dossiers/D16-") {
		t.Errorf("drill-down led to %s", b.location())
	}
	b.shot("06-dossier")
	// From a count to its rows: a bar of a chart.
	b.run(chromedp.Navigate(b.base+"/constats"), chromedp.WaitVisible(`svg.chart`, chromedp.ByQuery),
		chromedp.Click(`svg.chart a`, chromedp.ByQuery), chromedp.WaitReady(`select[name=rule] option[selected]`, chromedp.ByQuery))
	if u, _ := url.Parse(b.location()); u.Query().Get("rule") == "" {
		t.Errorf("chart bar led to %s", b.location())
	}
	// Export what the page shows.
	b.run(chromedp.Click(`a[href^="/constats/export?format=xlsx"]`, chromedp.ByQuery))
	b.waitDownload(".xlsx")
	b.run(chromedp.Navigate(b.base+"/asp?as_of=2026-11-23"), chromedp.WaitVisible(`.lead`, chromedp.ByQuery))
	b.shot("07-liste-asp")
	b.logout()
	b.checkClean()
}

func TestBrowserAnalyst(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.ts.URL)
	b.login("ana")
	b.shot("03-accueil-region")
	b.run(chromedp.Navigate(b.base+"/constats"), chromedp.WaitVisible(`.filters`, chromedp.ByQuery),
		chromedp.SetValue(`select[name=structure]`, structB, chromedp.ByQuery),
		chromedp.Click(`.filters button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitReady(`select[name=structure] option[value="`+structB+`"][selected]`, chromedp.ByQuery))
	if u, _ := url.Parse(b.location()); u.Query().Get("structure") != structB {
		t.Errorf("structure filter: %s", b.location())
	}
	b.shot("04-constats-structure")
	b.run(chromedp.Click(`td a[href^="/dossiers/"]`, chromedp.ByQuery), chromedp.WaitReady(`form[action^="/dossiers/"]`, chromedp.ByQuery))
	if !strings.Contains(b.location(), "/dossiers/D17-") {
		t.Errorf("drill-down led to %s", b.location())
	}
	b.run(chromedp.Navigate(b.base+"/sql"), chromedp.WaitVisible(`#sql`, chromedp.ByID),
		chromedp.SetValue(`#sql`, "SELECT code_structure, count(*) AS dossiers FROM dossiers GROUP BY ALL ORDER BY 1", chromedp.ByID),
		chromedp.Click(`main form button[type=submit]:not([name])`, chromedp.ByQuery), chromedp.WaitVisible(`main section.card table`, chromedp.ByQuery))
	if s := b.text(`main section.card table`); !strings.Contains(s, structA) || !strings.Contains(s, structB) {
		t.Errorf("SQL result: %q", s)
	}
	b.shot("05-sql")
	b.run(chromedp.Click(`button[value=csv]`, chromedp.ByQuery))
	b.waitDownload(".csv")
	b.run(chromedp.Navigate(b.base+"/region/executions"), chromedp.WaitVisible(`table`, chromedp.ByQuery))
	b.shot("06-executions")
	b.run(chromedp.Navigate(b.base+"/journal"), chromedp.WaitVisible(`table`, chromedp.ByQuery))
	b.shot("07-journal")
	b.logout()
	b.checkClean()
}

// An expert writes an analysis with its chart and proposes it; a valideur
// validates it; a director opens it from the catalogue over its structure,
// subscribes to it and finds it among its subscriptions.
func TestBrowserAnalysisToCatalogue(t *testing.T) {
	f := newFixture(t)
	const titre = "Constats par règle"
	for _, step := range []struct {
		login string
		do    func(b *browserSession)
	}{
		{"exp", func(b *browserSession) {
			b.run(chromedp.Click(`nav a[href="/analyses"]`, chromedp.ByQuery), chromedp.WaitVisible(`a[href="/analyses/nouvelle"]`, chromedp.ByQuery),
				chromedp.Click(`a[href="/analyses/nouvelle"]`, chromedp.ByQuery), chromedp.WaitVisible(`#titre`, chromedp.ByID),
				chromedp.SendKeys(`#titre`, titre, chromedp.ByID),
				chromedp.SetValue(`#sql`, "SELECT rule, count(*) AS n FROM findings GROUP BY ALL ORDER BY n DESC", chromedp.ByID),
				chromedp.SetValue(`#affichage`, "barres", chromedp.ByID),
				chromedp.Click(`main form button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`svg.chart`, chromedp.ByQuery))
			b.shot("01-analyse-expert")
			b.run(chromedp.Click(`form[action$="/proposer"] button`, chromedp.ByQuery), chromedp.WaitNotPresent(`form[action$="/proposer"]`, chromedp.ByQuery))
			if s := b.text(`.lead`); !strings.Contains(s, "Proposée") {
				t.Errorf("after the proposal: %q", s)
			}
		}},
		{"val", func(b *browserSession) {
			b.run(chromedp.Navigate(b.base+"/analyses"), chromedp.WaitVisible(`main table`, chromedp.ByQuery))
			b.shot("02-mallette-a-valider")
			b.run(chromedp.Click(`main td a[href^="/analyses/"]`, chromedp.ByQuery), chromedp.WaitVisible(`form[action$="/valider"]`, chromedp.ByQuery),
				chromedp.Click(`form[action$="/valider"] button`, chromedp.ByQuery), chromedp.WaitNotPresent(`form[action$="/valider"]`, chromedp.ByQuery))
		}},
		{"std-a", func(b *browserSession) {
			b.run(chromedp.Navigate(b.base+"/analyses"), chromedp.WaitVisible(`main td a[href^="/analyses/"]`, chromedp.ByQuery),
				chromedp.Click(`main td a[href^="/analyses/"]`, chromedp.ByQuery), chromedp.WaitVisible(`svg.chart`, chromedp.ByQuery))
			b.shot("03-analyse-directeur")
			if s := b.text(`h1`); s != titre {
				t.Errorf("the director opened %q", s)
			}
			if m := hasAnyMarker(b.text(`main`)); m != "" {
				t.Errorf("the director's analysis shows %q of B", m)
			}
			b.run(chromedp.Click(`a[href$="/export?format=xlsx"]`, chromedp.ByQuery))
			b.waitDownload(".xlsx")
			// Subscribes to it from its page, and finds it on /abonnements.
			b.run(chromedp.SetValue(`#frequence`, "mensuel", chromedp.ByID),
				chromedp.Click(`form[action$="/abonnement"] button`, chromedp.ByQuery), chromedp.WaitVisible(`form[action$="/desabonnement"]`, chromedp.ByQuery))
			if s := b.text(`#abonnement`); !strings.Contains(s, "Vous recevez cette analyse le 1er du mois") {
				t.Errorf("after subscribing: %q", s)
			}
			b.shot("04-analyse-abonnement")
			b.run(chromedp.Click(`nav a[href="/abonnements"]`, chromedp.ByQuery), chromedp.WaitVisible(`main table`, chromedp.ByQuery))
			if s := b.text(`main table`); !strings.Contains(s, titre) || !strings.Contains(s, "le 1er du mois") || !strings.Contains(s, "actif") {
				t.Errorf("/abonnements: %q", s)
			}
			b.shot("05-abonnements")
		}},
	} {
		b := newBrowser(t, f.ts.URL)
		b.login(step.login)
		step.do(b)
		b.logout()
		b.checkClean()
	}
}
