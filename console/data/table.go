package data

import (
	"database/sql"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// Table is a result set: column names, DuckDB type names and rows of Go
// values (string, numbers, bool, time.Time, nil).
type Table = warehouse.Table

// readTable reads at most max rows (0: all), as values JSON and templates
// know.
func readTable(rows *sql.Rows, max int) (*Table, error) {
	t, err := warehouse.ReadTable(rows, max)
	if err != nil {
		return nil, err
	}
	for _, r := range t.Rows {
		for i, v := range r {
			r[i] = plain(v)
		}
	}
	return t, nil
}

// plain turns driver values that JSON and templates do not know into text.
func plain(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, int:
		return x
	case time.Time:
		return x
	case []byte:
		return string(x)
	case duckdb.Decimal:
		return x.Float64()
	default:
		return fmt.Sprint(x)
	}
}
