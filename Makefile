# dusty: every entry point a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
BUN := ./node_modules/.bin/bun
TSC := ./node_modules/.bin/tsc
SOURCES := $(shell find cmd core platform -name '*.ts' ! -name '*.test.ts' 2>/dev/null) package.json
# Where releases are published (<RELEASE_URL>/index.json, <RELEASE_URL>/<version>/<file>): the Homebrew
# formula's URLs and `dusty upgrade`'s default. Unset, `dusty upgrade` needs DUSTY_RELEASE_URL and the
# formula gets a placeholder: `make release RELEASE_URL=https://…` for a real release.
export RELEASE_URL ?=

.PHONY: help deps build release test check typecheck bench soak demo embed fixtures docs docker images clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.installed ## Install the npm packages (bun, citty, yaml, valibot, consola, tsc)

dist/dusty: node_modules/.installed $(SOURCES)
	bash scripts/build-binary.sh dist/dusty

build: dist/dusty ## Build the self-contained binary dist/dusty

release: deps ## Cross-compile every target into dist/release/ (tarballs, SHA256SUMS, .debs) and write packaging/homebrew/dusty.rb
	bash scripts/release.sh --out dist/release --formula packaging/homebrew/dusty.rb

typecheck: deps ## Type-check everything (bun test does not), and core/ under Deno too: proof it is runtime-neutral
	$(TSC) --noEmit -p .
	./node_modules/.bin/deno check --quiet --config core/deno.json $$(ls core/*.ts | grep -v '\.test\.ts$$')

docker: ## Make sure a Docker Engine answers (installs and starts one when needed)
	bash scripts/ensure-docker.sh

images: docker ## Build the local images tests and the demo use (no registry needed)
	bash scripts/build-test-images.sh

test: deps docker images typecheck build ## Run every test; ends with `tests: N passed, N failed`
	bash scripts/test.sh

check: deps ## Fail when a snapshot or fixture is stale
	$(BUN) test -u && UPDATE_FIXTURES=1 $(BUN) test core/fixtures.test.ts && git diff --exit-code

docs: deps ## Write the completion scripts and the man page into dist/ (completions/, man/dusty.1)
	$(BUN) scripts/generate-docs.ts dist

embed: deps ## Re-embed fixtures/example into the binary's sources
	$(BUN) scripts/embed-example.ts

fixtures: deps ## Rewrite fixtures/*/expected from the current code (review the diff!)
	UPDATE_FIXTURES=1 $(BUN) test core/fixtures.test.ts

bench: deps docker images build ## Run the benchmarks and print figures and ratios
	bash bench/run.sh

soak: deps docker images build ## Crash, hostile-input and load soaks (bench/soak-*.ts): counts and figures from one run
	bash bench/soak.sh

demo: deps docker images build ## Run the built-in example: daemon, up, fetch a page, status
	bash scripts/demo.sh

clean: ## Remove build output
	rm -rf dist .tmp
