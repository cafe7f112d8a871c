package reports_test

import (
	"fmt"
	"time"

	"github.com/arml-na/vigie/reports"
)

func ExampleWeekLabel() {
	mon := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	fmt.Println(reports.WeekLabel(mon, mon.AddDate(0, 0, 6)))
	// Output: Semaine du lundi 16/11/2026 au dimanche 22/11/2026
}

func ExampleValidStructureCode() {
	for _, code := range []string{"ML-16001", "../etc", "ML 16001"} {
		fmt.Println(code, reports.ValidStructureCode(code) == nil)
	}
	// Output:
	// ML-16001 true
	// ../etc false
	// ML 16001 false
}

func ExampleStructureDir() {
	dir, err := reports.StructureDir("rapports", "ML-16001", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	fmt.Println(dir, err)
	// Output: rapports/ML-16001/2026-11-23 <nil>
}
