package demo

import (
	"strconv"
	"strings"
)

// Identities of the synthetic young people and counsellors: names, e-mail
// addresses, phone numbers and social security numbers (NIR) consistent with
// sex and birth date.

// asciiFolder turns the French letters of the reference data into plain
// ASCII, for logins and e-mail addresses.
var asciiFolder = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ñ", "n", "ô", "o", "ö", "o", "ó", "o", "ù", "u", "û", "u", "ü", "u",
	"ÿ", "y", "œ", "oe", "æ", "ae", "É", "E", "È", "E", "Ê", "E", "À", "A", "Â", "A", "Ç", "C", "Î", "I",
	"Ô", "O", "Œ", "OE", "Ü", "U", "Û", "U", "ø", "o",
)

// slug returns s in lower-case ASCII with spaces, apostrophes and dashes
// removed (Le Goff → legoff, N'Diaye → ndiaye).
func slug(s string) string {
	s = strings.ToLower(asciiFolder.Replace(s))
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// person is a name and a sex.
type person struct {
	female       bool
	prenom, nom  string
	birth        day
	nomNaissance string
}

func (g *gen) person(female bool) person {
	p := person{female: female, nom: pick(g, noms)}
	if female {
		p.prenom = pick(g, prenomsF)
	} else {
		p.prenom = pick(g, prenomsM)
	}
	return p
}

var mailDomains = []string{"gmail.com", "gmail.com", "gmail.com", "hotmail.fr", "orange.fr", "laposte.net", "outlook.fr", "yahoo.fr", "free.fr", "icloud.com"}

// youngEmail returns a personal e-mail address in one of the usual shapes.
func (g *gen) youngEmail(p person) string {
	f, n := slug(p.prenom), slug(p.nom)
	y, _, _ := p.birth.ymd()
	switch g.r.IntN(4) {
	case 0:
		return f + "." + n + "@" + pick(g, mailDomains)
	case 1:
		return f + n + strconv.Itoa(y%100) + "@" + pick(g, mailDomains)
	case 2:
		return f[:1] + "." + n + strconv.Itoa(g.r.IntN(99)+1) + "@" + pick(g, mailDomains)
	default:
		return n + "." + f + "@" + pick(g, mailDomains)
	}
}

// mobile returns a French mobile number, written the way people type it.
func (g *gen) mobile() string {
	prefix := "06"
	if g.r.IntN(3) == 0 {
		prefix = "07"
	}
	return g.phone(prefix)
}

func (g *gen) phone(prefix string) string {
	d := [4]int{g.r.IntN(100), g.r.IntN(100), g.r.IntN(100), g.r.IntN(100)}
	var b []byte
	switch g.r.IntN(5) {
	case 0: // 0612345678
		b = append(b, prefix...)
		for _, x := range d {
			b = appendPadded(b, x, 2)
		}
	case 1: // +33 6 12 34 56 78
		b = append(b, "+33 "...)
		b = append(b, prefix[1:]...)
		for _, x := range d {
			b = append(b, ' ')
			b = appendPadded(b, x, 2)
		}
	default: // 06 12 34 56 78
		b = append(b, prefix...)
		for _, x := range d {
			b = append(b, ' ')
			b = appendPadded(b, x, 2)
		}
	}
	return string(b)
}

// Departments and places of birth of the NIRs: mostly the region, some
// elsewhere in France, some Corsica, some abroad (99 + country code).
var (
	regionDepts      = []string{"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}
	otherDepts       = []string{"75", "69", "13", "31", "44", "59", "92", "93", "34", "37", "85", "36"}
	foreignCountries = []string{"350", "352", "351", "139", "341", "335", "109", "134", "212", "328"} // Maroc, Algérie, Tunisie, Portugal, Sénégal, Mali, Allemagne, Espagne, Afghanistan, Côte d'Ivoire
)

// nir13 returns the 13 first characters of a NIR of a person born on birth
// in the structure's department (or elsewhere); first is '1', '2', or '7'/'8'
// for a temporary number.
func (g *gen) nir13(first byte, birth day, dept string) string {
	y, m, _ := birth.ymd()
	b := make([]byte, 0, 13)
	b = append(b, first)
	b = appendPadded(b, y%100, 2)
	b = appendPadded(b, m, 2)
	switch x := g.r.IntN(100); {
	case x < 2: // Corsica
		if x == 0 {
			b = append(b, "2A004"...) // Ajaccio
		} else {
			b = append(b, "2B033"...) // Bastia
		}
	case x < 12: // abroad
		b = append(b, "99"...)
		b = append(b, pick(g, foreignCountries)...)
	case x < 20:
		b = append(b, pick(g, otherDepts)...)
		b = appendPadded(b, 1+g.r.IntN(400), 3)
	case x < 60: // the structure's department
		b = append(b, dept...)
		b = appendPadded(b, 1+g.r.IntN(300), 3)
	default:
		c := pick(g, communes)
		b = append(b, c.insee...)
	}
	b = appendPadded(b, 1+g.r.IntN(999), 3)
	return string(b)
}

// nir returns a full NIR (13 characters and the key).
func nirWithKey(n13 string) string {
	key, ok := NIRKey(n13)
	if !ok {
		panic("demo: malformed NIR " + n13)
	}
	return string(appendPadded([]byte(n13), key, 2))
}

// siret returns a SIRET passing the Luhn check (SIREN with its own Luhn
// digit, then the establishment number); one in forty is a La Poste office
// (SIREN 356000000, its own digit-sum rule).
func (g *gen) siret() string {
	if g.r.IntN(40) == 0 {
		b := []byte(laPosteSIREN)
		for i := 0; i < 4; i++ {
			b = append(b, byte('0'+g.r.IntN(10)))
		}
		sum := 0
		for _, c := range b {
			sum += int(c - '0')
		}
		last := (5 - sum%5) % 5
		if g.r.IntN(2) == 0 {
			last += 5
		}
		return string(append(b, byte('0'+last)))
	}
	b := []byte{byte('1' + g.r.IntN(9))}
	for i := 0; i < 7; i++ {
		b = append(b, byte('0'+g.r.IntN(10)))
	}
	b = append(b, LuhnCheckDigit(string(b)))
	b = appendPadded(b, 1+g.r.IntN(300), 4) // the establishment number (NIC) without its key
	return string(append(b, LuhnCheckDigit(string(b))))
}

// spacedSIRET writes a SIRET the way it is often typed: 440 797 074 00026.
func spacedSIRET(s string) string {
	if len(s) != 14 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:9] + " " + s[9:]
}
