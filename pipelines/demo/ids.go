package demo

// Check digits of the French identifiers the demo generates (domain-facts.md,
// "Identifiers"): the NIR key and the Luhn check of SIREN and SIRET.

// NIRKey returns the 2-digit key of the 13 first characters of a NIR:
// 97 − (number mod 97), with the Corsican departments 2A read as 19 and 2B as
// 18. ok is false when nir13 is not 13 characters of that form.
func NIRKey(nir13 string) (key int, ok bool) {
	if len(nir13) != 13 {
		return 0, false
	}
	var n uint64
	for i := 0; i < 13; i++ {
		c := nir13[i]
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + uint64(c-'0')
		case i == 6 && nir13[5] == '2' && (c == 'A' || c == 'a'):
			n = n/10*100 + 19 // "2A" reads as 19
		case i == 6 && nir13[5] == '2' && (c == 'B' || c == 'b'):
			n = n/10*100 + 18 // "2B" reads as 18
		default:
			return 0, false
		}
	}
	return int(97 - n%97), true
}

// ValidNIR reports whether nir is 15 characters whose last two digits are
// the key of the first 13 (rules.md DOS-04). It does not look at the first
// digit: a temporary number (7 or 8) with a right key is valid here.
func ValidNIR(nir string) bool {
	if len(nir) != 15 {
		return false
	}
	key, ok := NIRKey(nir[:13])
	if !ok || nir[13] < '0' || nir[13] > '9' || nir[14] < '0' || nir[14] > '9' {
		return false
	}
	return int(nir[13]-'0')*10+int(nir[14]-'0') == key
}

// Luhn reports whether digits (ASCII digits only) passes the Luhn check:
// doubling every second digit from the right, the digit sum is a multiple
// of 10.
func Luhn(digits string) bool {
	if digits == "" {
		return false
	}
	sum := 0
	for i := 0; i < len(digits); i++ {
		c := digits[len(digits)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// LuhnCheckDigit returns the digit that, appended to digits, makes the whole
// pass the Luhn check.
func LuhnCheckDigit(digits string) byte {
	for c := byte('0'); c <= '9'; c++ {
		if Luhn(digits + string(c)) {
			return c
		}
	}
	panic("unreachable: one of ten digits always completes a Luhn number")
}

// laPosteSIREN is the SIREN of La Poste, whose establishments' SIRETs follow
// their own rule.
const laPosteSIREN = "356000000"

// ValidSIRET reports whether s is a valid SIRET as rules.md SIE-02 defines
// it: 14 digits passing the Luhn check, or a La Poste SIRET (SIREN
// 356000000) whose digit sum is a multiple of 5. s must have no spaces.
func ValidSIRET(s string) bool {
	if len(s) != 14 {
		return false
	}
	sum := 0
	for i := 0; i < 14; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i] - '0')
	}
	if Luhn(s) {
		return true
	}
	return s[:9] == laPosteSIREN && sum%5 == 0
}

// ValidSIREN reports whether s is 9 digits passing the Luhn check.
func ValidSIREN(s string) bool { return len(s) == 9 && Luhn(s) }
