# Tempest build targets. `make test` is what CI runs (.ci/run).
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.Version=$(VERSION)
# Packages that start goroutines get the race detector in `make test`.
RACE_PKGS ?= $(shell $(GO) list ./sim/... ./cmd/... 2>/dev/null)
FUZZTIME ?= 10s

.PHONY: build run test test-browser race bench bench-peer bench-rss same-model fuzz lint vet golden clean

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

# Loads report.html in headless Chromium: no console errors, every figure
# visible; saves a screenshot to out/report-screenshot.png. Installs
# Debian's chromium when it is missing and we may.
test-browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		{ echo "test-browser: needs chromium (apt-get install -y chromium)"; exit 1; }
	mkdir -p out
	TEMPEST_BROWSER=1 TEMPEST_SCREENSHOT=$(CURDIR)/out/report-screenshot.png \
		$(GO) test -count=1 -run TestBrowser -v ./reports/

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt -l reports:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# Micro-benchmarks of the hot operations (every one reports allocs/op), the
# steady-state allocation checks, and a whole-process timing of the peer
# benchmark scenario (1,000 vaults x 720 hourly steps x 100 runs).
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./protocol/... ./market/... ./sim/...
	$(GO) test -run 'SteadyStateAllocs' -v ./sim/ | grep -E '^(---|ok)|allocations in'
	/usr/bin/time -f 'tempest run cdp-gbm --runs 100: %es wall, %MKiB peak RSS' \
		./tempest run configs/bench/cdp-gbm.toml --runs 100 --out out/bench --quiet

# Tempest against the numpy peer model, side by side (A B A B, 5 pairs).
bench-peer:
	scripts/bench-peer.sh

# The benchmark scenario against the numpy peer model: means within three
# standard errors and the share of runs with a deficit (SAME_RUNS runs each,
# default 2,000; about 30 s). Debian's python3 has numpy (python3-numpy).
PY ?= /usr/bin/python3
SAME_RUNS ?= 2000
same-model:
	@$(PY) -c "import numpy" 2>/dev/null || { echo "same-model: $(PY) has no numpy: apt-get install -y python3-numpy, or set PY=" >&2; exit 1; }
	$(PY) scripts/same-model.py $(SAME_RUNS)

# Peak memory of 10,000 runs against 100 of the benchmark scenario, report
# included (alternating, three pairs); BASELINE=1 adds one pair of the
# baseline.
bench-rss:
	scripts/bench-rss.sh

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
