# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing first.

# rustup installs cargo here; make sure a toolchain installed by scripts/deps.sh is found.
export PATH := $(HOME)/.cargo/bin:$(PATH)

# Debian packages: a C toolchain and pkg-config for -sys crates, and the ALSA headers rodio
# builds against. The tests also need libfaketime (clock steps) and Chromium with a font that has
# Vietnamese glyphs (the report and the dashboard are checked in the browser).
DEPS := ca-certificates curl gcc libc6-dev pkg-config libasound2-dev
TEST_DEPS := libfaketime chromium fonts-dejavu-core
BENCH_DEPS := hyperfine time

.PHONY: run test lint bench deps

deps:
	@scripts/deps.sh $(DEPS)

## Build and run the daemon on the shipped station (loaxa.toml, schedules/, media/), with the
## history in var/history.db. Ctrl-C stops it cleanly.
run: deps
	cargo build --release
	./target/release/loaxa --config loaxa.toml check
	./target/release/loaxa --config loaxa.toml run

## Every test: unit, schedule fixtures, planning properties and end-to-end runs of the binary.
test: deps
	@scripts/deps.sh $(TEST_DEPS)
	cargo test --all-targets

## Formatting and lints, as CI checks them.
lint: deps
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

## The benchmarks recorded in docs/benchmarks.md.
bench: deps
	@scripts/deps.sh $(BENCH_DEPS)
	scripts/bench.sh
