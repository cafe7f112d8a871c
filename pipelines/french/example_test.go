package french_test

import (
	"fmt"
	"time"

	"github.com/arml-na/vigie/pipelines/french"
)

func ExampleWeekday() {
	d := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	fmt.Println(french.Weekday(d.Weekday()), d.Day(), french.Month(d.Month()), d.Year())
	// Output: lundi 23 novembre 2026
}

func ExampleInt() {
	fmt.Printf("%q %q %q\n", french.Int(1234567), french.Int(-4500), french.Int(999))
	// Output: "1\u202f234\u202f567" "-4\u202f500" "999"
}

func ExampleCount() {
	for _, n := range []int64{0, 1, 2, 1500} {
		fmt.Printf("%q\n", french.Count(n, "dossier serait archivé", "dossiers seraient archivés"))
	}
	// Output:
	// "0 dossier serait archivé"
	// "1 dossier serait archivé"
	// "2 dossiers seraient archivés"
	// "1\u202f500 dossiers seraient archivés"
}
