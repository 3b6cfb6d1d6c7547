# kb — see README.md. Every target works on a fresh machine with Go installed.
GO      ?= go
SOURCE  ?= .
ADDR    ?= 127.0.0.1:1313
BENCHTIME ?= 3x

.PHONY: build serve test check bench bench-go bench-compare fuzz stress vet fmt kb clean release-tools release-snapshot release

kb:
	$(GO) build -o bin/kb ./cmd/kb

## build: build ./content into ./public (and the search index into ./index)
build: kb
	./bin/kb build --source $(SOURCE)

## serve: preview with live reload on http://$(ADDR)/
serve: kb
	./bin/kb serve --source $(SOURCE) --addr $(ADDR) --drafts

## check: report every problem in the content, write nothing
check: kb
	./bin/kb check --source $(SOURCE)

## test: vet, formatting and the whole test suite (browser tests need chromium)
test: vet
	@test -z "$$(gofmt -l cmd internal themes e2e)" || { echo "gofmt needed:"; gofmt -l cmd internal themes e2e; exit 1; }
	$(GO) test -count=1 -timeout 30m ./...

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt:
	gofmt -w cmd internal themes e2e

## bench: benchmarks (see README for the figures and how to read them)
## (the Go benchmarks, then the comparison table; about 10 minutes on 2 cores)
bench: bench-go bench-compare

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

## bench-compare: kb vs Hugo + Pagefind on 1k and 10k synthetic pages; prints a table
## (BENCH_LARGE=1 adds 50k pages: about half an hour on 2 cores)
## (search bytes of a first and second query are measured in chromium, against Pagefind's Default UI)
## (the peers' current releases: Hugo is built from the Go module proxy into a temp dir, with the Go
##  toolchain it asks for; Pagefind is installed from npm; a peer that cannot be had is left out)
PAGEFIND_VERSION ?= 1.6.0
PAGEFIND_DIR ?= $(or $(TMPDIR),/tmp)/kb-pagefind-$(PAGEFIND_VERSION)
HUGO_VERSION ?= 0.166.0
HUGO_TOOLCHAIN ?= go1.27.3
HUGO_DIR ?= $(or $(TMPDIR),/tmp)/kb-hugo-$(HUGO_VERSION)
comma := ,
COMPARE_SIZES := 1000$(comma)10000$(if $(BENCH_LARGE),$(comma)50000)
COMPARE_FLAGS ?= -sizes $(COMPARE_SIZES)
bench-compare: kb
	@[ -x $(PAGEFIND_DIR)/node_modules/.bin/pagefind ] || ! command -v npm >/dev/null || \
	  npm install --prefix $(PAGEFIND_DIR) --no-save --no-audit --no-fund pagefind@$(PAGEFIND_VERSION) >/dev/null 2>&1 || true
	@[ -x $(HUGO_DIR)/hugo ] || { echo "building Hugo $(HUGO_VERSION) (once; several minutes)"; \
	  GOTOOLCHAIN=$(HUGO_TOOLCHAIN) GOBIN=$(HUGO_DIR) $(GO) install github.com/gohugoio/hugo@v$(HUGO_VERSION) >$(HUGO_DIR).log 2>&1 || \
	  echo "could not build Hugo $(HUGO_VERSION) (see $(HUGO_DIR).log): using hugo on PATH, if any"; }
	$(GO) run ./internal/bench/compare -kb bin/kb -pagefind $(PAGEFIND_DIR)/node_modules/.bin/pagefind \
	  -hugo $$([ -x $(HUGO_DIR)/hugo ] && echo $(HUGO_DIR)/hugo || echo hugo) $(COMPARE_FLAGS)

## fuzz: run every fuzz target briefly (FUZZTIME=10s by default)
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## stress: the long soak and load tests
stress:
	KB_STRESS=1 $(GO) test -count=1 -run 'Stress|Soak|Load' -timeout 30m ./...

## release-snapshot: the release archives (linux, darwin, windows × amd64, arm64),
## checksums and SBOMs in dist/, as a tag would publish them, publishing nothing
## (GoReleaser and cyclonedx-gomod are installed with go install into bin/tools;
## the first run compiles them, a few minutes)
GORELEASER_VERSION ?= v2.15.1
CYCLONEDX_GOMOD_VERSION ?= v1.10.0
TOOLS ?= $(CURDIR)/bin/tools
release-tools:
	GOBIN=$(TOOLS) $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)
	GOBIN=$(TOOLS) $(GO) install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$(CYCLONEDX_GOMOD_VERSION)

# GoReleaser reads the commit only in a repository with a remote: a clone
# without one (a worktree, some CI checkouts) gets one for this run alone.
release-snapshot: release-tools
	@if [ -z "$$(git remote)" ]; then \
	  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/kb-legal/kb.git; \
	fi; \
	echo "goreleaser release --snapshot --clean"; \
	PATH="$(TOOLS):$$PATH" $(TOOLS)/goreleaser release --snapshot --clean

## release: publish the tagged commit (the release workflow runs it; needs GITHUB_TOKEN)
release: release-tools
	PATH="$(TOOLS):$$PATH" $(TOOLS)/goreleaser release --clean

clean:
	rm -rf bin public index dist
