# storybot — the three commands a user needs: `make run`, `make test`, `make bench`.
# Each installs what it needs on a fresh Debian 12 first (apt packages and npm packages),
# skipping what is already there.

SHELL := /bin/bash
.DEFAULT_GOAL := help
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build and runtime libraries, test tools and the benchmark anchors, all from Debian 12.
APT_BUILD := cmake g++ make pkg-config ccache git ca-certificates curl \
  libboost1.81-dev libboost-json1.81-dev libsqlitecpp-dev libsqlite3-dev prometheus-cpp-dev \
  libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev libgtest-dev
APT_TEST := prometheus nginx-light openssl curl binutils python3 python3-yaml chromium fonts-wqy-microhei sqlite3 \
  shellcheck rsync systemd clang lld libclang-rt-14-dev
APT_BENCH := wrk nginx-light python3-flask python3-flask-cors python3-flask-sqlalchemy \
  python3-prometheus-client gunicorn

BUILD_DIR := build
FUZZ_SECONDS ?= 20
STORYBOT := $(BUILD_DIR)/storybot

.PHONY: help run test bench deps-build deps-test deps-bench build web web-deps ctest web-test e2e \
  deploy-test format clean asan fuzz tsan soak openapi-lint

help:
	@echo "make run    install, build and start storybot on http://127.0.0.1:8080"
	@echo "make test   install, build and run every test"
	@echo "make bench  run the benchmarks side by side with their anchors (bench/results/)"

# Installs the listed Debian packages that are missing (apt-get update only when needed).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps-build:
	$(call apt_install,$(APT_BUILD))

deps-test: deps-build
	$(call apt_install,$(APT_TEST))

deps-bench: deps-build
	$(call apt_install,$(APT_BENCH))

build: deps-build
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# The admin panel: npm ci from the committed lock file, re-run only when the lock changes.
admin-web/node_modules/.installed: admin-web/package-lock.json
	cd admin-web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-deps: admin-web/node_modules/.installed

web: web-deps
	cd admin-web && npm run build --silent

run: build web
	@mkdir -p logs && mkdir -p -m 0700 data
	@[ -f data/admin_token ] && [ -z "$$STORYBOT_ADMIN_TOKEN" ] && echo "admin token: $$(cat data/admin_token)" || true
	@echo "starting storybot (Ctrl-C stops it; logs in ./logs/storybot.ndjson)"
	@exec $(STORYBOT)

ctest: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

web-test: web-deps
	cd admin-web && npm test --silent

# http/openapi.yaml against Redocly's recommended rules, warnings as errors (tests/openapi/:
# @redocly/cli pinned in its package-lock.json, installed with npm ci); then the panel's API types
# (admin-web/src/api/schema.d.ts, from openapi-typescript) must be what the document generates
# today: after changing the document, run `npm run gen-types` in tests/openapi.
tests/openapi/node_modules/.installed: tests/openapi/package-lock.json
	cd tests/openapi && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

openapi-lint: tests/openapi/node_modules/.installed
	cd tests/openapi && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npm run lint --silent
	cd tests/openapi && npm run check-types --silent

tests/e2e/telegram/node_modules/.installed: tests/e2e/telegram/package-lock.json
	cd tests/e2e/telegram && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser end to end (the admin panel in Chromium) and Telegram end to end (telegram-test-api).
e2e: build web tests/e2e/telegram/node_modules/.installed
	cd admin-web && STORYBOT_BIN=$(CURDIR)/$(STORYBOT) npm run e2e --silent
	cd tests/e2e/telegram && STORYBOT_BIN=$(CURDIR)/$(STORYBOT) node telegram-emulator.e2e.mjs

deploy-test: build
	STORYBOT_BIN=$(CURDIR)/$(STORYBOT) tests/deploy/run.sh

# The C++ suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/).
asan: deps-build
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS) --timeout 300

# Every libFuzzer target of tests/fuzz for FUZZ_SECONDS each, from its seed corpus (build-fuzz/).
fuzz: deps-test
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# The integration tests under ThreadSanitizer (build-tsan/); any report fails the run. Reports of
# the storybot children land in build-tsan/tsan/ (log_path), so they are seen even when a test
# passes. Suppressions (third-party false positives only): tests/tsan.supp.
tsan: deps-test
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@rm -rf build-tsan/tsan && mkdir -p build-tsan/tsan
	TSAN_OPTIONS="log_path=$(CURDIR)/build-tsan/tsan/report suppressions=$(CURDIR)/tests/tsan.supp second_deadlock_stack=1" \
	  ctest --preset tsan -j $(JOBS) --timeout 600
	@if ls build-tsan/tsan/report.* >/dev/null 2>&1; then \
	  cat build-tsan/tsan/report.*; echo "ThreadSanitizer reports: see above"; exit 1; fi

# Not in make test: SOAK_SECONDS (600) of steady mixed load; RSS and fds to bench/results/.
soak: deps-bench build
	bench/soak.sh

test: deps-test build web
	@$(MAKE) --no-print-directory ctest
	@$(MAKE) --no-print-directory openapi-lint
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory web-test
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory deploy-test

bench: deps-bench build
	bench/run.sh

format:
	find core channels http app tests -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build build-dev build-asan build-tsan build-fuzz build-release admin-web/dist
