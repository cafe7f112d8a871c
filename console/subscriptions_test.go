package console

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arml-na/vigie/pipelines/accounts"
)

// inCatalogue has the expert write an analysis over the region and the
// valideur validate it; it returns its page's path.
func inCatalogue(t *testing.T, exp, val *client, titre, sql string) string {
	t.Helper()
	page := createAnalysis(t, exp, titre, sql, "tableau")
	if r := exp.post(page+"/proposer", nil); r.code != 303 {
		t.Fatalf("propose: %d", r.code)
	}
	if r := decide(t, val, page, "/valider", nil); r.code != 303 {
		t.Fatalf("validate: %d", r.code)
	}
	return page
}

// subscriptionsOf reads login's subscriptions from the store.
func subscriptionsOf(t *testing.T, f *fixture, login string) map[int64]string {
	t.Helper()
	subs, err := f.store.Subscriptions(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, s := range subs {
		out[s.Analysis.ID] = s.Frequence
	}
	return out
}

func pageID(t *testing.T, page string) int64 {
	t.Helper()
	m := analysisLoc.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("not an analysis's page: %q", page)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// A director subscribes to a catalogue analysis from its page, finds it on
// /abonnements, changes the frequency (the date it subscribed stays), then
// unsubscribes from the list. The page says where the files go: the
// account's email, or the outbox when it has none.
func TestSubscribeChangeUnsubscribe(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.Add(ctx, accounts.NewAccount{Login: "dir-mail", Profil: accounts.Standard, CodeStructure: structA,
		Email: "direction@ml-16001.example", Password: password}, func(string) bool { return true }, "test", "test"); err != nil {
		t.Fatal(err)
	}
	exp, val, stdA, mail := f.login(t, "exp"), f.login(t, "val"), f.login(t, "std-a"), f.login(t, "dir-mail")
	const titre = "Dossiers par structure"
	page := inCatalogue(t, exp, val, titre, "SELECT code_structure, count(*) AS n FROM dossiers GROUP BY ALL")
	id := pageID(t, page)

	r := stdA.get(page)
	if r.code != 200 || !strings.Contains(r.body, `action="`+page+`/abonnement"`) || !strings.Contains(r.body, "dossier de sortie de vigie") || !strings.Contains(r.body, "« vigie users email »") ||
		!strings.Contains(r.body, "les données de la structure "+structA) {
		t.Fatalf("the analysis's page offers no subscription, or does not say where the files go:\n%.3000s", r.body)
	}
	if r := mail.get(page); !strings.Contains(r.body, "direction@ml-16001.example") || strings.Contains(r.body, "dossier de sortie") {
		t.Errorf("an account with an email is not told its address:\n%.3000s", r.body)
	}
	if r := stdA.get("/abonnements"); r.code != 200 || !strings.Contains(r.body, "Aucun abonnement") || !strings.Contains(r.body, `href="/abonnements"`) {
		t.Errorf("/abonnements before any: %d, want the empty state and the menu entry", r.code)
	}
	// The empty state invites to the account's own analyses only those
	// who may write some.
	for login, own := range map[string]bool{"std-a": false, "ana": false, "val": false, "av-a": true, "exp": true} {
		r := f.login(t, login).get("/abonnements")
		if !strings.Contains(r.body, "Aucun abonnement") || strings.Contains(r.body, "des vôtres") != own {
			t.Errorf("%s's empty /abonnements: invites to its own analyses %v, want %v", login, !own, own)
		}
	}

	if r := stdA.post(page+"/abonnement", url.Values{"frequence": {accounts.Weekly}}); r.code != 303 || r.location != page {
		t.Fatalf("subscribe: %d %q %.300s", r.code, r.location, r.body)
	}
	if got := subscriptionsOf(t, f, "std-a"); got[id] != accounts.Weekly || len(got) != 1 {
		t.Fatalf("stored: %v", got)
	}
	if r := stdA.get(page); !strings.Contains(r.body, "Vous recevez cette analyse <strong>chaque lundi</strong>") ||
		!strings.Contains(r.body, `action="`+page+`/desabonnement"`) {
		t.Errorf("the page does not say the subscription:\n%.3000s", r.body)
	}
	// One's subscription is one's own: another director of A is still
	// offered it.
	if r := mail.get(page); strings.Contains(r.body, "Vous recevez") || !strings.Contains(r.body, `action="`+page+`/abonnement"`) {
		t.Errorf("std-a's subscription shows on dir-mail's page")
	}
	if r := mail.get("/abonnements"); !strings.Contains(r.body, "Aucun abonnement") {
		t.Errorf("std-a's subscription is listed for dir-mail")
	}
	r = stdA.get("/abonnements")
	if r.code != 200 || !strings.Contains(r.body, `<a href="`+page+`">`+titre+`</a>`) || !strings.Contains(r.body, "<td>chaque lundi</td>") ||
		!strings.Contains(r.body, "25/11/2026") || !strings.Contains(r.body, ">actif<") {
		t.Errorf("/abonnements does not list it:\n%.3000s", r.body)
	}

	// Another frequency, two days later: the same subscription, since the
	// same day.
	f.clock.Add(48 * time.Hour)
	stdA = f.login(t, "std-a")
	if r := stdA.post(page+"/abonnement", url.Values{"frequence": {accounts.Monthly}}); r.code != 303 || r.location != page {
		t.Fatalf("change: %d %.300s", r.code, r.body)
	}
	if got := subscriptionsOf(t, f, "std-a"); got[id] != accounts.Monthly || len(got) != 1 {
		t.Fatalf("stored after the change: %v", got)
	}
	// The same frequency again: nothing changes, nothing is audited.
	if r := stdA.post(page+"/abonnement", url.Values{"frequence": {accounts.Monthly}}); r.code != 303 || r.location != page {
		t.Fatalf("the same frequency again: %d %.300s", r.code, r.body)
	}
	if got := subscriptionsOf(t, f, "std-a"); got[id] != accounts.Monthly || len(got) != 1 {
		t.Fatalf("stored after the same frequency again: %v", got)
	}
	if r := stdA.get("/abonnements"); !strings.Contains(r.body, "<td>le 1er du mois</td>") || strings.Contains(r.body, "<td>chaque lundi</td>") ||
		!strings.Contains(r.body, "25/11/2026") {
		t.Errorf("/abonnements after the change:\n%.3000s", r.body)
	}

	if r := stdA.post(page+"/desabonnement", url.Values{"retour": {"abonnements"}}); r.code != 303 || r.location != "/abonnements" {
		t.Fatalf("unsubscribe: %d %q %.300s", r.code, r.location, r.body)
	}
	if got := subscriptionsOf(t, f, "std-a"); len(got) != 0 {
		t.Fatalf("still stored: %v", got)
	}
	if r := stdA.get("/abonnements"); !strings.Contains(r.body, "Aucun abonnement") || strings.Contains(r.body, titre) {
		t.Errorf("/abonnements after unsubscribing:\n%.3000s", r.body)
	}
	if r := stdA.post(page+"/desabonnement", nil); r.code != 404 {
		t.Errorf("unsubscribing twice: %d, want 404", r.code)
	}
	// From the analysis's page, back to it.
	if r := stdA.post(page+"/abonnement", url.Values{"frequence": {accounts.Daily}}); r.code != 303 {
		t.Fatalf("subscribe again: %d", r.code)
	}
	if r := stdA.post(page+"/desabonnement", nil); r.code != 303 || r.location != page {
		t.Errorf("unsubscribe from the page: %d %q", r.code, r.location)
	}

	// The journal: the analyst reads the analysis's title in the lines of
	// subscriptions, the admin does not (free text).
	if r := f.login(t, "ana").get("/journal?login=std-a"); !strings.Contains(r.body, "abonnement_cree") || !strings.Contains(r.body, titre) {
		t.Errorf("the analyst's journal lacks the subscription or its analysis:\n%.3000s", r.body)
	}
	if r := f.login(t, "adm").get("/journal?login=std-a"); r.code != 200 || !strings.Contains(r.body, "abonnement_cree") ||
		!strings.Contains(r.body, "abonnement_supprime") || strings.Contains(r.body, titre) {
		t.Errorf("the admin's journal: %d, shows the analysis's title or lacks the subscriptions:\n%.3000s", r.code, r.body)
	}

	log, _, err := f.store.AuditLog(ctx, accounts.AuditFilter{Login: "std-a", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range log {
		seen[e.Action]++
	}
	if seen["abonnement_cree"] != 2 || seen["abonnement_modifie"] != 1 || seen["abonnement_supprime"] != 2 {
		t.Errorf("audit log: %v", seen)
	}
}

// What a user of another structure, a valideur, an admin or a forged form
// sends: another's personal analysis and a proposed one are the same 404 as
// an unknown id, and nothing is stored; no CSRF token, 403; admin, 403; an
// unknown frequency, 400 in French.
func TestSubscriptionRefusals(t *testing.T) {
	f := newFixture(t)
	avA, stdA, stdB, exp, val, ana, adm := f.login(t, "av-a"), f.login(t, "std-a"), f.login(t, "std-b"), f.login(t, "exp"), f.login(t, "val"),
		f.login(t, "ana"), f.login(t, "adm")
	const secret = "Mes dossiers à relancer"
	personal := createAnalysis(t, avA, secret, "SELECT id_dossier FROM dossiers", "tableau")
	proposed := createAnalysis(t, exp, "Proposée", "SELECT count(*) AS n FROM dossiers", "tableau")
	if r := exp.post(proposed+"/proposer", nil); r.code != 303 {
		t.Fatalf("propose: %d", r.code)
	}
	validated := inCatalogue(t, exp, val, "Validée", "SELECT count(*) AS n FROM dossiers")

	unknown := func(who string, r resp) {
		t.Helper()
		if r.code != 404 || !strings.Contains(r.body, "aucune analyse n&#39;a cet identifiant") || strings.Contains(r.body, secret) {
			t.Errorf("%s: %d, want the 404 of an unknown analysis:\n%.600s", who, r.code, r.body)
		}
	}
	// Another's personal analysis: B's director, and every regional profile.
	for name, c := range map[string]*client{"std-b": stdB, "std-a": stdA, "exp": exp, "val": val, "ana": ana} {
		unknown(name+" subscribes to av-a's personal analysis", c.post(personal+"/abonnement", url.Values{"frequence": {accounts.Daily}}))
		if got := subscriptionsOf(t, f, name); len(got) != 0 {
			t.Errorf("%s: stored %v", name, got)
		}
		if r := c.post(personal+"/desabonnement", nil); r.code != 404 || strings.Contains(r.body, secret) {
			t.Errorf("%s unsubscribes from av-a's analysis: %d", name, r.code)
		}
	}
	unknown("an unknown id", stdB.post("/analyses/99999/abonnement", url.Values{"frequence": {accounts.Daily}}))
	// Its author may (positive control of the route and the form).
	if r := avA.post(personal+"/abonnement", url.Values{"frequence": {accounts.Daily}}); r.code != 303 {
		t.Fatalf("the author subscribes: %d %.300s", r.code, r.body)
	}
	if got := subscriptionsOf(t, f, "av-a"); len(got) != 1 {
		t.Fatalf("the author's subscription is not stored: %v", got)
	}
	// Nobody ends another's subscription: it is looked for among the caller's own.
	if r := stdB.post(personal+"/desabonnement", nil); r.code != 404 {
		t.Errorf("std-b ends av-a's subscription: %d", r.code)
	}
	if got := subscriptionsOf(t, f, "av-a"); len(got) != 1 {
		t.Errorf("av-a's subscription is gone after std-b's request: %v", got)
	}

	// A proposed analysis: the valideur opens it to decide, not to receive it.
	if r := val.get(proposed); r.code != 200 || strings.Contains(r.body, "/abonnement\"") {
		t.Errorf("the valideur's page of a proposed analysis: %d, offers a subscription", r.code)
	}
	unknown("the valideur subscribes to a proposed analysis", val.post(proposed+"/abonnement", url.Values{"frequence": {accounts.Weekly}}))
	unknown("a director subscribes to a proposed analysis", stdA.post(proposed+"/abonnement", url.Values{"frequence": {accounts.Weekly}}))
	if got := subscriptionsOf(t, f, "val"); len(got) != 0 {
		t.Errorf("the valideur's subscription to a proposed analysis is stored: %v", got)
	}

	// A catalogue analysis that names B does not open on A's data: it
	// offers A's director nothing to receive (B's director may).
	namingB := inCatalogue(t, exp, val, "Dossiers de Saintes", "SELECT count(*) AS n FROM dossiers WHERE code_structure = '"+structB+"'")
	if r := stdB.get(namingB); r.code != 200 || !strings.Contains(r.body, `action="`+namingB+`/abonnement"`) {
		t.Errorf("B's director is not offered the analysis naming B: %d", r.code)
	}
	if r := stdA.get(namingB); r.code != 403 || strings.Contains(r.body, `action="`+namingB+`/abonnement"`) {
		t.Errorf("A's director is offered a subscription to an analysis naming B: %d", r.code)
	}
	// Posted anyway: the same 403 and message as its page, nothing stored
	// (the daemon would send A's director a workbook of nothing).
	const naming = "Cette analyse nomme une autre structure que la vôtre"
	if r := stdA.post(namingB+"/abonnement", url.Values{"frequence": {accounts.Weekly}}); r.code != 403 || !strings.Contains(r.body, naming) ||
		strings.Contains(r.body, `action="`+namingB+`/abonnement"`) {
		t.Errorf("A's director subscribes to an analysis naming B: %d, want 403 %q:\n%.600s", r.code, naming, r.body)
	}
	if got := subscriptionsOf(t, f, "std-a"); len(got) != 0 {
		t.Errorf("A's director's subscription to an analysis naming B is stored: %v", got)
	}
	if r := stdA.get("/abonnements"); strings.Contains(r.body, ">actif<") {
		t.Errorf("/abonnements lists it active")
	}
	// B's director may (positive control of the route).
	if r := stdB.post(namingB+"/abonnement", url.Values{"frequence": {accounts.Weekly}}); r.code != 303 {
		t.Errorf("B's director subscribes to the analysis naming B: %d %.300s", r.code, r.body)
	}
	if got := subscriptionsOf(t, f, "std-b"); got[pageID(t, namingB)] != accounts.Weekly {
		t.Errorf("B's director's subscription: %v", got)
	}

	// No CSRF token.
	if r := stdA.do("POST", validated+"/abonnement", url.Values{"frequence": {accounts.Daily}}, nil); r.code != 403 || !strings.Contains(r.body, "CSRF") {
		t.Errorf("subscribe without CSRF: %d", r.code)
	}
	if got := subscriptionsOf(t, f, "std-a"); len(got) != 0 {
		t.Errorf("stored without CSRF: %v", got)
	}
	// An unknown frequency.
	for _, fr := range []string{"annuel", "", "Quotidien"} {
		r := stdA.post(validated+"/abonnement", url.Values{"frequence": {fr}})
		if r.code != 400 || !strings.Contains(r.body, "Fréquence « "+fr+" » inconnue") {
			t.Errorf("frequency %q: %d, want 400 naming it between « »:\n%.600s", fr, r.code, r.body)
		}
	}
	if got := subscriptionsOf(t, f, "std-a"); len(got) != 0 {
		t.Errorf("stored with an unknown frequency: %v", got)
	}
	if r := stdA.post(validated+"/abonnement", url.Values{"frequence": {accounts.Daily}}); r.code != 303 {
		t.Fatalf("subscribe with the token and a frequency: %d", r.code)
	}
	if r := stdA.do("POST", validated+"/desabonnement", url.Values{}, nil); r.code != 403 {
		t.Errorf("unsubscribe without CSRF: %d", r.code)
	}
	if got := subscriptionsOf(t, f, "std-a"); len(got) != 1 {
		t.Errorf("unsubscribed without CSRF: %v", got)
	}

	// Admin reads no data: no subscription.
	if r := adm.get("/abonnements"); r.code != 403 {
		t.Errorf("admin /abonnements: %d", r.code)
	}
	if r := adm.post(validated+"/abonnement", url.Values{"frequence": {accounts.Daily}}); r.code != 403 {
		t.Errorf("admin subscribes: %d", r.code)
	}
	if r := adm.post(validated+"/desabonnement", nil); r.code != 403 {
		t.Errorf("admin unsubscribes: %d", r.code)
	}
	if r := adm.get("/comptes"); strings.Contains(r.body, `href="/abonnements"`) {
		t.Error("admin's menu offers the subscriptions")
	}
	if got := subscriptionsOf(t, f, "adm"); len(got) != 0 {
		t.Errorf("admin's subscriptions: %v", got)
	}
}

// Changed by its author, a validated analysis is personal again: a
// director's subscription to it shows suspended, without the new title (the
// author's draft) nor a link to it, and can still be ended; the author's
// own subscription stays active; a valideur subscribed to it sees it
// suspended on its page while it is proposed again.
func TestSubscriptionSuspendedWhenNoLongerShared(t *testing.T) {
	f := newFixture(t)
	exp, val, stdA := f.login(t, "exp"), f.login(t, "val"), f.login(t, "std-a")
	page := inCatalogue(t, exp, val, "Dossiers par structure", "SELECT code_structure, count(*) AS n FROM dossiers GROUP BY ALL")
	for name, c := range map[string]*client{"std-a": stdA, "exp": exp, "val": val} {
		if r := c.post(page+"/abonnement", url.Values{"frequence": {accounts.Weekly}}); r.code != 303 {
			t.Fatalf("%s subscribes: %d", name, r.code)
		}
	}
	const draft = "Brouillon à ne pas diffuser"
	if r := exp.post(page, url.Values{"titre": {draft}, "sql": {"SELECT 1 AS n"}, "affichage": {"tableau"}}); r.code != 303 {
		t.Fatalf("the author changes it: %d", r.code)
	}
	if r := exp.get(page); !strings.Contains(r.body, draft) || !strings.Contains(r.body, "Vous recevez cette analyse") {
		t.Fatalf("positive control: the author's page shows the new title and its subscription")
	}
	if r := exp.get("/abonnements"); !strings.Contains(r.body, draft) || !strings.Contains(r.body, ">actif<") {
		t.Errorf("the author's own subscription is not active:\n%.3000s", r.body)
	}

	r := stdA.get("/abonnements")
	if r.code != 200 || !strings.Contains(r.body, "suspendu : l'analyse n'est plus partagée avec vous") ||
		strings.Contains(r.body, ">actif<") || strings.Contains(r.body, draft) || strings.Contains(r.body, `href="`+page+`"`) ||
		!strings.Contains(r.body, "Analyse n° "+strconv.FormatInt(pageID(t, page), 10)) {
		t.Errorf("the director's suspended subscription:\n%.3000s", r.body)
	}
	if r := stdA.get(page); r.code != 404 {
		t.Errorf("the director opens the changed analysis: %d", r.code)
	}
	if r := stdA.post(page+"/abonnement", url.Values{"frequence": {accounts.Daily}}); r.code != 404 {
		t.Errorf("the director changes the frequency of a suspended subscription: %d", r.code)
	}
	if r := stdA.post(page+"/desabonnement", nil); r.code != 303 || r.location != "/abonnements" {
		t.Errorf("the director ends its suspended subscription: %d %q", r.code, r.location)
	}
	if got := subscriptionsOf(t, f, "std-a"); len(got) != 0 {
		t.Errorf("still stored: %v", got)
	}

	// Proposed again: the valideur opens it to decide; its subscription is suspended.
	if r := exp.post(page+"/proposer", nil); r.code != 303 {
		t.Fatalf("propose again: %d", r.code)
	}
	if r := val.get(page); r.code != 200 || !strings.Contains(r.body, "est suspendu") || strings.Contains(r.body, "Vous recevez") {
		t.Errorf("the valideur's page of its suspended subscription:\n%.3000s", r.body)
	}
	if r := val.get("/abonnements"); !strings.Contains(r.body, `<a href="`+page+`">`+draft) || !strings.Contains(r.body, "suspendu") {
		t.Errorf("the valideur's /abonnements:\n%.3000s", r.body)
	}
}
