// Package consolebench holds the console's benchmark (make bench): it lives
// under pipelines/ to share the benchmark region and figures of
// pipelines/internal (benchregion, benchenv) with the other benchmarks.
package consolebench
