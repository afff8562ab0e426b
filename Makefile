# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing first.

# rustup installs cargo here; make sure a toolchain installed by scripts/deps.sh is found.
export PATH := $(HOME)/.cargo/bin:$(PATH)

# Debian packages: a C toolchain and pkg-config for -sys crates, the ALSA headers rodio
# builds against, espeak-ng (the offline voice that reads text-only bulletins) and ffmpeg
# (which decodes the streams a relay carries). The tests also need libfaketime (clock steps) and Chromium with a font that has
# Vietnamese glyphs (the report and the dashboard are checked in the browser), promtool for
# /metrics, a PulseAudio server with ALSA's pulse plugin (playout on a desktop), poppler's
# pdftotext (the printed report), Java for the W3C Nu HTML Checker (scripts/vnu.sh), jing
# for the Atom feed's RELAX NG schema, an Icecast server to relay from, and PostgreSQL (the
# province's central history; the tests run a private cluster of it as an unprivileged user).
DEPS := ca-certificates curl gcc libc6-dev pkg-config libasound2-dev espeak-ng ffmpeg
TEST_DEPS := libfaketime chromium fonts-dejavu-core prometheus pulseaudio pulseaudio-utils libasound2-plugins \
  poppler-utils default-jre-headless jing icecast2 postgresql openssl pipewire pipewire-pulse wireplumber dbus
BENCH_DEPS := hyperfine time bc libfaketime postgresql pulseaudio pulseaudio-utils pipewire pipewire-pulse wireplumber dbus
# The package: dpkg-dev lets cargo-deb find the shared-library dependencies; installing it and
# checking the unit needs adduser and systemd-analyze.
DEB_DEPS := dpkg-dev adduser systemd

.PHONY: run test test-busy lint bench soak deps deb test-deb

deps:
	@scripts/deps.sh $(DEPS)

## Build and run the daemon on the shipped station (loaxa.toml, schedules/, media/), with the
## history in var/history.db. Ctrl-C stops it cleanly.
run: deps
	cargo run --release --quiet -- --config loaxa.toml check
	cargo run --release --quiet -- --config loaxa.toml run

## Every test: unit, schedule fixtures, planning properties and end-to-end runs of the binary.
test: deps
	@scripts/deps.sh $(TEST_DEPS)
	@scripts/vnu.sh
	cargo test --all-targets

## `make test` on a busy machine (issue #31): stress-ng keeps every core at work meanwhile, as
## a box that also does other jobs would. Stopped however the tests end.
test-busy: deps
	@scripts/deps.sh $(TEST_DEPS) stress-ng
	@stress-ng --cpu 0 --quiet & busy=$$!; trap 'kill $$busy 2>/dev/null' EXIT; $(MAKE) test

## The long reliability campaigns recorded in docs/reliability.md: 50 SIGKILLs, ten minutes of
## channel faults, 100,000 fuzz inputs per target, and the unattended-operation scenarios.
## About 25 minutes; the log is in target/soak.log.
soak: deps
	@scripts/deps.sh $(TEST_DEPS)
	@mkdir -p target
	LOAXA_CRASH_KILLS=50 LOAXA_FAULT_SECONDS=600 LOAXA_FUZZ_CASES=100000 LOAXA_SECRET_ROUNDS=20 \
	  cargo test --release --lib --test reliability --test hostile --test unattended --test secrets -- --nocapture --test-threads=1 \
	  > target/soak.log 2>&1; status=$$?; grep -E "^(reliability|secrets|seed|test |test result)" target/soak.log; exit $$status

## Formatting and lints, as CI checks them.
lint: deps
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

## The benchmarks recorded in docs/benchmarks.md.
bench: deps
	@scripts/deps.sh $(BENCH_DEPS)
	scripts/bench.sh

## The Debian package, in target/debian/ (cargo-deb, installed if missing).
deb: deps
	@scripts/deps.sh $(DEB_DEPS)
	scripts/deb.sh

## Installs the package on this machine, checks it as the loaxa user, and purges it again.
test-deb: deb
	scripts/test-deb.sh
