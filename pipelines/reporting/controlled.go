package reporting

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// ErrNotControlled is wrapped by the refusal of a report for a date the
// controls have not run for.
var ErrNotControlled = errors.New("contrôles absents pour cette date")

// controlledOn refuses a report whose structures have no controls run for
// the as-of date: their dashboards would say « 0 constat », or show an older
// week, as if all were well.
func controlledOn(list []structureRow, asOf time.Time) error {
	day := asOf.Format(time.DateOnly)
	var missing []string
	for _, s := range list {
		if s.runID == 0 || s.asOf.Format(time.DateOnly) != day {
			missing = append(missing, s.code)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	which := "aucune structure"
	switch {
	case len(missing) == len(list):
		which = "aucune structure"
	case len(missing) > 5:
		which = fmt.Sprintf("%d structures (%s…)", len(missing), strings.Join(missing[:5], ", "))
	default:
		which = strings.Join(missing, ", ")
	}
	return warehouse.Refused(fmt.Errorf("%w : les contrôles n'ont pas été lancés pour le %s (%s) ; lancez d'abord « vigie controls --as-of %s », puis de nouveau le rapport",
		ErrNotControlled, asOf.Format("02/01/2006"), which, day))
}
