package reports

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve on machines without zoneinfo

	"github.com/arml-na/vigie/pipelines/french"
)

// paris is Europe/Paris: generation instants print in local time.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("load Europe/Paris: " + err.Error())
	}
	return loc
}()

// frDate formats a date as dd/mm/yyyy; the zero time prints as "".
func frDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// frDateHour formats a naive local date-time as dd/mm/yyyy hh:mm.
func frDateHour(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006 15:04")
}

// frLongDate formats a date as « lundi 16/11/2026 ».
func frLongDate(t time.Time) string {
	return french.Weekday(t.Weekday()) + " " + frDate(t)
}

// WeekLabel is « Semaine du lundi 16/11/2026 au dimanche 22/11/2026 ».
func WeekLabel(from, to time.Time) string {
	return "Semaine du " + frLongDate(from) + " au " + frLongDate(to)
}

// French typography: a no-break space inside « » (so a quotation mark never
// starts or ends a line alone), a narrow no-break space between thousands.
const (
	nbsp  = "\u00a0"
	nnbsp = "\u202f"
)

var typoReplacer = strings.NewReplacer("« ", "«"+nbsp, " »", nbsp+"»")

// typo applies French typography to a text printed in a PDF: the spaces
// inside « » become no-break spaces.
func typo(s string) string {
	if !strings.ContainsAny(s, "«»") {
		return s
	}
	return typoReplacer.Replace(s)
}

// frNumber formats a number with a decimal comma and a narrow no-break space
// between thousands; integers print without decimals.
func frNumber(v float64) string {
	if v == float64(int64(v)) {
		return frInt(int64(v))
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(v, 'f', 1, 64), ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	if n == 0 && strings.HasPrefix(whole, "-") {
		return "-0," + frac
	}
	return frInt(n) + "," + frac
}

func frInt(n int64) string { return french.Int(n) }

// frPercent formats a ratio (0.125) as « 12,5 % »; ok false prints « — ».
func frPercent(ratio float64, ok bool) string {
	if !ok {
		return "—"
	}
	s := strconv.FormatFloat(ratio*100, 'f', 1, 64)
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}

// rateText is a ratio with its counts, e.g. « 25,0 % (69/276) ».
func rateText(ratio float64, num, den int64) string {
	return frPercent(ratio, true) + " (" + frInt(num) + "/" + frInt(den) + ")"
}
