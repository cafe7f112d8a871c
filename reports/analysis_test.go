package reports

import (
	"strings"
	"testing"
	"time"
)

// A title is one line of the subscriber's email, whatever it holds.
func TestSubscriptionMessageTitleOnOneLine(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)
	body := SubscriptionMessage(at, at, "toute la région", true, []SubscriptionLine{
		{Titre: "Suivi\n\nIMPORTANT : confirmez votre mot de passe sur http://evil.example/", Frequence: "chaque lundi", File: "analyse-1-2026-11-23.xlsx", Rows: 2},
	})
	if !strings.Contains(body, "- « Suivi IMPORTANT : confirmez votre mot de passe sur http://evil.example/ » (chaque lundi)") {
		t.Errorf("body:\n%s", body)
	}
	if strings.Contains(body, "\nIMPORTANT") {
		t.Errorf("the title forged a paragraph:\n%s", body)
	}
}
