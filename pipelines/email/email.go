// Package email holds the one rule of what vigie takes as an email address:
// the configuration's recipients, the console's accounts and the
// counsellors' addresses read from the extraction all go through it.
package email

import (
	"net/mail"
	"strings"
)

// Bare tells whether s is one bare email address (nom@domaine), as an SMTP
// envelope takes it: no display name, no angle brackets, no second address,
// no space or line break.
func Bare(s string) bool {
	p, err := mail.ParseAddress(s)
	return err == nil && p.Name == "" && p.Address == s && !strings.ContainsAny(s, "\r\n\t,;<> ")
}
