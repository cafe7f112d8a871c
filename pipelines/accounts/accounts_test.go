package accounts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	sqlfiles "github.com/arml-na/vigie/sql"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func open(t *testing.T) (*Store, *clock, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigie.duckdb.console", FileName)
	s, err := Open(context.Background(), path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	s.Now = c.now
	return s, c, path
}

func known(code string) bool { return code == "ML-A" || code == "ML-B" }

const goodPW = "correct-horse-battery"

func add(t *testing.T, s *Store, login, profil, structure string) {
	t.Helper()
	if err := s.Add(context.Background(), NewAccount{Login: login, Profil: profil, CodeStructure: structure, Password: goodPW}, known, "test", "cli"); err != nil {
		t.Fatal(err)
	}
}

func TestAddValidates(t *testing.T) {
	s, _, path := open(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		n    NewAccount
	}{
		{"short password", NewAccount{Login: "a", Profil: Standard, CodeStructure: "ML-A", Password: "court"}},
		{"bad login", NewAccount{Login: "Jean Dupont", Profil: Analyste, Password: goodPW}},
		{"unknown profile", NewAccount{Login: "jdupont", Profil: "root", Password: goodPW}},
		{"standard without structure", NewAccount{Login: "jdupont", Profil: Standard, Password: goodPW}},
		{"analyst with structure", NewAccount{Login: "jdupont", Profil: Analyste, CodeStructure: "ML-A", Password: goodPW}},
		{"unknown structure", NewAccount{Login: "jdupont", Profil: Avance, CodeStructure: "ML-Z", Password: goodPW}},
		{"bad structure code", NewAccount{Login: "jdupont", Profil: Avance, CodeStructure: "ML A'", Password: goodPW}},
		// Addresses the delivery would not send to (delivery.BareAddress).
		{"email without domain", NewAccount{Login: "mail1", Profil: Analyste, Email: "claire@", Password: goodPW}},
		{"email with two @", NewAccount{Login: "mail2", Profil: Analyste, Email: "claire@ml16@fr", Password: goodPW}},
		{"email with a tab", NewAccount{Login: "mail3", Profil: Analyste, Email: "claire\t@ml16.fr", Password: goodPW}},
		{"email with a name", NewAccount{Login: "mail4", Profil: Analyste, Email: "Claire <claire@ml16.fr>", Password: goodPW}},
		{"two emails", NewAccount{Login: "mail5", Profil: Analyste, Email: "claire@ml16.fr,paul@ml16.fr", Password: goodPW}},
	} {
		err := s.Add(ctx, tc.n, known, "test", "cli")
		var inv *InvalidError
		var unknown *UnknownStructureError
		if !errors.As(err, &inv) && !errors.As(err, &unknown) {
			t.Errorf("%s: got %v, want a refusal", tc.name, err)
		}
	}
	// Positive control of the address check.
	if err := s.Add(ctx, NewAccount{Login: "claire", Profil: Analyste, Email: "claire.müller@ml16.fr", Password: goodPW}, known, "test", "cli"); err != nil {
		t.Fatalf("a bare address: %v", err)
	}
	add(t, s, "dir-a", Standard, "ML-A")
	if err := s.Add(ctx, NewAccount{Login: "dir-a", Profil: Admin, Password: goodPW}, known, "test", "cli"); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate login: %v", err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 2 || list[1].CodeStructure != "ML-A" || list[1].Profil != Standard || list[0].Email != "claire.müller@ml16.fr" {
		t.Fatalf("list: %+v %v", list, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("store mode: %v %v", fi.Mode(), err)
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("folder mode: %v", di.Mode())
	}
}

func TestLoginLockoutSameAnswer(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	add(t, s, "dir-a", Standard, "ML-A")
	if _, _, err := s.Login(ctx, "dir-a", goodPW, "127.0.0.1"); err != nil {
		t.Fatalf("good login: %v", err)
	}
	_, _, errUnknown := s.Login(ctx, "personne", goodPW, "127.0.0.1")
	_, _, errWrong := s.Login(ctx, "dir-a", "mauvais-mot-de-passe", "127.0.0.1")
	if !errors.Is(errUnknown, ErrBadLogin) || !errors.Is(errWrong, ErrBadLogin) || errUnknown.Error() != errWrong.Error() {
		t.Fatalf("unknown %v / wrong %v: want the same ErrBadLogin", errUnknown, errWrong)
	}
	for range 4 {
		c.t = c.t.Add(time.Minute)
		_, _, _ = s.Login(ctx, "dir-a", "mauvais-mot-de-passe", "127.0.0.1")
	}
	// Five failures within 15 minutes: the right password is refused too.
	if _, _, err := s.Login(ctx, "dir-a", goodPW, "127.0.0.1"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("locked account logged in: %v", err)
	}
	c.t = c.t.Add(LockoutWindow)
	if _, _, err := s.Login(ctx, "dir-a", goodPW, "127.0.0.1"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	log, _, err := s.AuditLog(ctx, AuditFilter{Login: "dir-a"})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions["connexion"] != 2 || actions["echec_connexion"] != 5 || actions["echec_connexion_compte_bloque"] != 1 {
		t.Errorf("audit: %v", actions)
	}
}

// Guesses sent at once get no more tries than guesses sent one by one: the
// fifth failure locks the login whatever the order the requests end in, and
// the right password after them is refused.
func TestLockoutHoldsAgainstParallelGuesses(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	add(t, s, "dir-a", Standard, "ML-A")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := s.Login(ctx, "dir-a", fmt.Sprintf("mauvais-mot-de-passe-%d", i), "127.0.0.1"); !errors.Is(err, ErrBadLogin) {
				t.Errorf("guess %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if _, _, err := s.Login(ctx, "dir-a", goodPW, "127.0.0.1"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("the right password after 20 parallel guesses logged in: %v", err)
	}
	log, _, err := s.AuditLog(ctx, AuditFilter{Login: "dir-a", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions["echec_connexion"] != LockoutAfter || actions["echec_connexion_compte_bloque"] != 21-LockoutAfter {
		t.Errorf("audit: %v, want %d tries checked and the others refused as locked", actions, LockoutAfter)
	}
}

func TestSessionExpiryAndDisable(t *testing.T) {
	s, c, path := open(t)
	ctx := context.Background()
	add(t, s, "dir-a", Standard, "ML-A")
	ss, _, err := s.Login(ctx, "dir-a", goodPW, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Token) < 22 { // 128 bits in base64
		t.Fatalf("token too short: %d", len(ss.Token))
	}
	c.t = c.t.Add(29 * time.Minute)
	if _, _, err := s.Session(ctx, ss.Token); err != nil {
		t.Fatalf("29 min idle: %v", err)
	}
	c.t = c.t.Add(31 * time.Minute)
	if _, _, err := s.Session(ctx, ss.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("31 min idle: %v", err)
	}
	// 12 hours at most, even when used every 10 minutes.
	ss, _, _ = s.Login(ctx, "dir-a", goodPW, "")
	for i := 0; i < 12*6-1; i++ {
		c.t = c.t.Add(10 * time.Minute)
		if _, _, err := s.Session(ctx, ss.Token); err != nil {
			t.Fatalf("after %d min: %v", (i+1)*10, err)
		}
	}
	c.t = c.t.Add(10 * time.Minute)
	if _, _, err := s.Session(ctx, ss.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after 12 h: %v", err)
	}
	// Another process (vigie users) disables the account: the session and
	// token end at once.
	ss, _, _ = s.Login(ctx, "dir-a", goodPW, "")
	tok, err := s.NewAccessToken(ctx, "dir-a", 0, "test", "cli")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenAccount(ctx, tok); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SetDisabled(ctx, "dir-a", true, "admin", "cli"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Session(ctx, ss.Token); !errors.Is(err, ErrNoSession) {
		t.Errorf("session of a disabled account: %v", err)
	}
	if _, err := s.TokenAccount(ctx, tok); !errors.Is(err, ErrBadToken) {
		t.Errorf("token of a disabled account: %v", err)
	}
	if _, _, err := s.Login(ctx, "dir-a", goodPW, ""); !errors.Is(err, ErrBadLogin) {
		t.Errorf("disabled account logged in: %v", err)
	}
	if err := other.SetDisabled(ctx, "dir-a", false, "admin", "cli"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "dir-a", goodPW, ""); err != nil {
		t.Errorf("enabled again: %v", err)
	}
}

func TestTokensAndPasswords(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	add(t, s, "ana", Analyste, "")
	tok, err := s.NewAccessToken(ctx, "ana", 24*time.Hour, "test", "cli")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := s.TokenAccount(ctx, tok); err != nil || a.Login != "ana" {
		t.Fatalf("token: %v %v", a, err)
	}
	c.t = c.t.Add(25 * time.Hour)
	if _, err := s.TokenAccount(ctx, tok); !errors.Is(err, ErrBadToken) {
		t.Errorf("expired token: %v", err)
	}
	tok, _ = s.NewAccessToken(ctx, "ana", 0, "test", "cli")
	if err := s.RevokeTokens(ctx, "ana", "test", "cli"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenAccount(ctx, tok); !errors.Is(err, ErrBadToken) {
		t.Errorf("revoked token: %v", err)
	}
	if err := s.SetPassword(ctx, "ana", goodPW, "ana", ""); !errors.Is(err, ErrSamePassword) {
		t.Errorf("same password: %v", err)
	}
	var inv *InvalidError
	if err := s.SetPassword(ctx, "ana", "trop-court", "ana", ""); !errors.As(err, &inv) {
		t.Errorf("short password: %v", err)
	}
	a, _ := s.Get(ctx, "ana")
	if a.PasswordExpired(c.t) {
		t.Error("fresh password expired")
	}
	if !a.PasswordExpired(c.t.Add(90 * 24 * time.Hour)) {
		t.Error("password of 90 days not expired")
	}
	c.t = c.t.Add(91 * 24 * time.Hour)
	if err := s.SetPassword(ctx, "ana", "un-autre-mot-de-passe", "ana", ""); err != nil {
		t.Fatal(err)
	}
	a, _ = s.Get(ctx, "ana")
	if a.PasswordExpired(c.t) {
		t.Error("new password expired")
	}
	ok, _ := s.AcceptedCGU(ctx, "ana", "2026-1")
	if ok {
		t.Error("CGU accepted before acceptance")
	}
	if err := s.AcceptCGU(ctx, "ana", "2026-1", ""); err != nil {
		t.Fatal(err)
	}
	ok, _ = s.AcceptedCGU(ctx, "ana", "2026-1")
	ok2, _ := s.AcceptedCGU(ctx, "ana", "2027-1")
	if !ok || ok2 {
		t.Errorf("CGU: %v %v", ok, ok2)
	}
}

// The admin gives an account an email, changes it, removes it: each change
// is audited compte_modifie with the new address (where the files now go);
// the same address again changes nothing and is not audited; a bad address
// or an unknown login changes nothing.
func TestSetEmail(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	add(t, s, "dir-a", Standard, "ML-A")
	email := func() string {
		t.Helper()
		a, err := s.Get(ctx, "dir-a")
		if err != nil {
			t.Fatal(err)
		}
		return a.Email
	}
	audited := func() []string {
		t.Helper()
		log, _, err := s.AuditLog(ctx, AuditFilter{Action: "compte_modifie", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := len(log) - 1; i >= 0; i-- { // oldest first
			out = append(out, log[i].Login+" "+log[i].Objet)
		}
		return out
	}
	for _, step := range []struct {
		email   string
		changed bool
	}{
		{"claire.martin@ml-a.fr", true},
		{"claire.martin@ml-a.fr", false}, // the same: nothing
		{"direction@ml-a.fr", true},
		{"", true}, // removed
		{"", false},
	} {
		changed, err := s.SetEmail(ctx, "dir-a", step.email, "cli:root", "cli")
		if err != nil || changed != step.changed || email() != step.email {
			t.Fatalf("SetEmail(%q): changed %v, %v; stored %q", step.email, changed, err, email())
		}
	}
	want := []string{"cli:root dir-a : adresse électronique claire.martin@ml-a.fr", "cli:root dir-a : adresse électronique direction@ml-a.fr",
		"cli:root dir-a : adresse électronique retirée"}
	if got := audited(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit:\n got %q\nwant %q", got, want)
	}
	var inv *InvalidError
	if _, err := s.SetEmail(ctx, "dir-a", "Claire <claire@ml-a.fr>", "cli:root", "cli"); !errors.As(err, &inv) || email() != "" {
		t.Errorf("a named address: %v, stored %q", err, email())
	}
	if _, err := s.SetEmail(ctx, "personne", "p@ml-a.fr", "cli:root", "cli"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("unknown login: %v", err)
	}
	if got := audited(); len(got) != len(want) {
		t.Errorf("refusals audited: %q", got)
	}
}
