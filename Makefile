# Rampart: `make run` and `make test` are the two commands of the README's quick start. Both
# install what is missing on a fresh Debian/Ubuntu machine (apt as root, sudo otherwise), then
# build. One shared cargo target dir outside the clone keeps rebuilds fast.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export CARGO_TARGET_DIR ?= $(HOME)/.cache/rampart-target
export PATH := $(HOME)/.cargo/bin:$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DESKTOP_BIN := $(CARGO_TARGET_DIR)/debug/rampart-desktop
CLI_BIN := $(CARGO_TARGET_DIR)/debug/rampart

# Build: WebKitGTK 4.1 + GTK for Tauri, D-Bus for the keychain. Tests: a real gnome-keyring,
# Xvfb and WebKitWebDriver for end-to-end runs, ImageMagick for screenshots.
APT_PACKAGES := build-essential pkg-config git curl libwebkit2gtk-4.1-dev libgtk-3-dev \
  libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libssl-dev libdbus-1-dev \
  xvfb xauth webkit2gtk-driver gnome-keyring libsecret-tools dbus dbus-x11 imagemagick \
  xclip xdotool x11-utils python3-aiosmtpd \
  age zstd awscli restic postgresql minisign \
  prometheus prometheus-alertmanager \
  prometheus-blackbox-exporter time redis-server testssl.sh

.PHONY: run test deps test-deps interop-deps garage system-deps rust ui-deps tools build ui desktop cli lint ipc-contract ipc-types test-rust test-ui \
  test-e2e test-start hermeticity bench fuzz fuzz-tools screenshot clean

run: deps ui desktop ## Build and open the desktop app
	@[ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] || { echo "make run: no display; run it in a desktop session (or: xvfb-run make run)"; exit 1; }
	$(DESKTOP_BIN) $(ARGS)

test: test-deps test-start lint test-rust test-ui test-e2e hermeticity ## Every test
	@echo "make test: all passed"

deps: system-deps rust ui-deps tools

test-deps: deps garage interop-deps

rust:
	@command -v cargo >/dev/null || { echo "installing Rust with rustup"; \
	  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt; }

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@command -v npm >/dev/null || { $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }

ui-deps: ui/node_modules/.package-lock.json
ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && npm ci --no-audit --no-fund
	touch $@

# Node running the guide's own code (crypto, jsonwebtoken, bcryptjs) for the responder tools'
# interop tests.
# And Express apps (express, helmet, cors, express-rate-limit) for the checklist's live tests.
INTEROP := crates/responder/tests/node
EXPRESS := crates/checks/tests/node
interop-deps: $(INTEROP)/node_modules/.package-lock.json $(EXPRESS)/node_modules/.package-lock.json
$(INTEROP)/node_modules/.package-lock.json: $(INTEROP)/package-lock.json $(INTEROP)/package.json
	cd $(INTEROP) && npm ci --no-audit --no-fund
	touch $@
$(EXPRESS)/node_modules/.package-lock.json: $(EXPRESS)/package-lock.json $(EXPRESS)/package.json
	cd $(EXPRESS) && npm ci --no-audit --no-fund
	touch $@

# A real S3 server for the backup tests (single node, started by the tests on loopback).
# A release build takes ~17 min on 2 cores; the binary is cached in ~/.cargo/bin.
garage:
	@command -v garage >/dev/null || cargo install garage --locked --no-default-features \
	  --features bundled-libs,sqlite,lmdb

tools: $(HOME)/.cargo/bin/tauri-driver
$(HOME)/.cargo/bin/tauri-driver:
	cargo install tauri-driver --locked --version '^2'

ui: ui-deps
	cd ui && npm run build

desktop: ui
	cargo build -p rampart-desktop

cli:
	cargo build -p rampart-cli

build: desktop cli

# ipc-contract: ui/src/lib/ipc/generated.ts is generated from the Rust types that cross IPC and
# committed; this fails when it is stale (`make ipc-types` rewrites it).
lint: ui ipc-contract
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npm run check && npm run lint

ipc-contract: ui
	cargo test -p rampart-desktop --lib ipc_export::export_ipc_types

ipc-types: ui
	RAMPART_WRITE_IPC=1 cargo test -p rampart-desktop --lib ipc_export::export_ipc_types

test-rust: ui
	tests/support/with-keyring.sh cargo test --workspace

test-ui: ui-deps
	cd ui && npm test

test-e2e: desktop cli
	tests/e2e/run.sh

test-start:
	@mkdir -p $(CARGO_TARGET_DIR) && touch $(CARGO_TARGET_DIR)/.test-start

hermeticity: ## No test wrote to the real data dir or the real keychain namespace
	tests/support/hermeticity.sh

# `make bench` runs every benchmark; `make bench BENCH=desktop|backup|feeds|tools|checks` runs one.
bench: deps garage interop-deps ## Benchmarks that print figures (not part of make test)
	bench/run.sh $(BENCH)

# `make fuzz` builds every fuzz target (fuzz/, cargo-fuzz + libFuzzer) and runs each for
# FUZZ_SECONDS; `make fuzz FUZZ=aegis` runs one. Not part of make test. Stable Rust is enough:
# fuzz/run.sh sets RUSTC_BOOTSTRAP=1 for cargo-fuzz's -Z flags.
FUZZ_SECONDS ?= 60
fuzz: rust fuzz-tools ## Fuzz every importer and parser for FUZZ_SECONDS each; prints the figures
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh $(FUZZ)

fuzz-tools: $(HOME)/.cargo/bin/cargo-fuzz
$(HOME)/.cargo/bin/cargo-fuzz:
	cargo install cargo-fuzz --locked --version '^0.13'

screenshot: desktop ## Screenshots of the app under Xvfb into docs/
	tests/support/screenshot.sh

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
