# Tempest build targets. `make test` is what CI runs (.ci/run).
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.Version=$(VERSION)
# Packages that start goroutines get the race detector in `make test`.
RACE_PKGS ?= $(shell $(GO) list ./sim/... ./cmd/... 2>/dev/null)
FUZZTIME ?= 10s

.PHONY: build run test race bench fuzz lint vet golden clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o tempest ./cmd/tempest

# The default scenario: 1,000 runs into out/baseline/.
run: build
	./tempest run configs/baseline.toml --runs 1000 --out out/baseline

test: lint
	$(GO) test ./...
ifneq ($(strip $(RACE_PKGS)),)
	$(GO) test -race $(RACE_PKGS)
endif

race:
	$(GO) test -race ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt -l reports:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# Micro-benchmarks of the hot operations; every one reports allocs/op.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./protocol/... ./market/... ./sim/...

# Each native fuzz target for FUZZTIME (default 10s). A longer local run:
#   make fuzz FUZZTIME=10m
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

golden:
	$(GO) test ./... -update

clean:
	rm -rf out/
