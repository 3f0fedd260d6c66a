# The two set-up commands of the README: `make run` and `make test`. Both install missing system
# packages first (scripts/install-deps is idempotent and quick when everything is there).

CARGO ?= cargo

.PHONY: run test bench deps

deps:
	scripts/install-deps

run: deps
	$(CARGO) run --release --

test: deps
	$(CARGO) fmt --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p docexam --no-default-features -- -D warnings
	$(CARGO) test --workspace

bench: deps
	$(CARGO) bench --bench mrz_parse
