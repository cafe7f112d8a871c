// Package national holds the national benchmark (bench_test.go): the demo
// generator at VIGIE_BENCH_SCALE=10 (about 1.5 million dossiers, ten
// regions' worth) through every pipeline, each phase in its own process so
// that its peak memory is its own. It has no code outside its tests.
package national
