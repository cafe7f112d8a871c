# vigie — build, test, demo and benchmarks. `make help` lists the targets.

GO        ?= go
TAGS      := duckdb_arrow
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
GOFLAGS_V := -tags $(TAGS) -ldflags "$(LDFLAGS)"
BIN       := bin/vigie
DEMO_DIR  ?= demo-out
SCALE     ?= 0.02
BENCH_SCALE ?= 1

.PHONY: help build test test-short demo bench lint fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/vigie
	$(GO) build $(GOFLAGS_V) -o $(BIN) ./cmd/vigie

test: ## run every test (real DuckDB files, loopback servers)
	$(GO) test $(GOFLAGS_V) -count=1 -timeout 20m ./...

test-short: ## the quick tests only
	$(GO) test $(GOFLAGS_V) -short ./...

demo: build ## generate the demo region, ingest it and run every pipeline
	./$(BIN) demo --out $(DEMO_DIR) --scale $(SCALE)

bench: ## benchmarks at scale 1 (see README for the figures)
	VIGIE_BENCH_SCALE=$(BENCH_SCALE) $(GO) test $(GOFLAGS_V) -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

fuzz: ## fuzz the value parsers, and the Go parsers against the SQL macros, for a while
	$(GO) test $(GOFLAGS_V) -run '^$$' -fuzz FuzzParseDate -fuzztime 30s ./pipelines/values
	$(GO) test $(GOFLAGS_V) -run '^$$' -fuzz FuzzParseDateTime -fuzztime 30s ./pipelines/values
	$(GO) test $(GOFLAGS_V) -run '^$$' -fuzz FuzzParseDecimal -fuzztime 30s ./pipelines/values
	$(GO) test $(GOFLAGS_V) -run '^$$' -fuzz FuzzParsersAgreeWithSQL -fuzztime 60s ./pipelines/ingest

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || (gofmt -l .; exit 1)
	$(GO) vet $(GOFLAGS_V) ./...

clean: ## remove build and demo outputs
	rm -rf bin $(DEMO_DIR)
