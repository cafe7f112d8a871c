// Package warehousetest holds what tests of several packages need to set up
// in a warehouse file.
package warehousetest

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/arml-na/vigie/pipelines/warehouse"
	sqlfiles "github.com/arml-na/vigie/sql"
)

// DanglingView leaves in the warehouse at path what earlier versions left
// after an XLSX load: a view xlsx_rows over Arrow memory that is gone.
// Reading it crashes the engine (SIGSEGV in C++), which is how tests make an
// analyst's query bring DuckDB down.
func DanglingView(t testing.TB, path string) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path, sqlfiles.FS())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	b.Field(0).(*array.Int64Builder).Append(1)
	rec := b.NewRecordBatch()
	b.Release()
	reader, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(*duckdb.Conn))
		if err != nil {
			return err
		}
		release, err := ar.RegisterView(reader, "xlsx_rows")
		if err != nil {
			return err
		}
		release()
		return nil
	})
	reader.Release()
	rec.Release()
	if err != nil {
		t.Fatal(err)
	}
}
