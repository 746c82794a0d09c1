# data-bridge: the one entry point. `make demo`, `make test`, `make bench`, `make fuzz`, `make lint`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

VENV ?= .venv
PY := $(VENV)/bin/python
BOOT_PY ?= python3
# One interpreter for every cargo invocation, so pyo3 is built once.
export PYO3_PYTHON := $(abspath $(PY))
export CARGO_TERM_COLOR ?= never
# maturin sets PYO3_BUILD_EXTENSION_MODULE; plain cargo does not: separate dirs avoid rebuilding pyo3.
MATURIN_TARGET := $(abspath target/maturin)
RUFF_PATHS := python tests benches examples

.PHONY: venv build demo test test-rust test-python lint fmt stubtest bench fuzz fuzz-smoke load clean

$(VENV)/.deps: pyproject.toml
	$(BOOT_PY) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "maturin>=1.7,<2"
	touch $@

venv: $(VENV)/.deps

# Builds the extension in release mode into python/data_bridge and installs the `dev` extra.
build: venv
	VIRTUAL_ENV=$(abspath $(VENV)) CARGO_TARGET_DIR=$(MATURIN_TARGET) \
		$(VENV)/bin/maturin develop --release --extras dev -q
	rm -f python/data_bridge/_engine.cpython-*.so

demo: build
	$(PY) examples/demo.py

lint: venv
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(VENV)/bin/ruff check $(RUFF_PATHS)
	$(VENV)/bin/ruff format --check $(RUFF_PATHS)

fmt: venv
	cargo fmt --all
	$(VENV)/bin/ruff format $(RUFF_PATHS)
	$(VENV)/bin/ruff check --fix $(RUFF_PATHS)

# The stub file must match the built module (pydantic-core checks its stubs the same way).
stubtest: build
	$(VENV)/bin/python -m mypy.stubtest data_bridge._engine --allowlist .stubtest-allowlist

# Rust tests that need a server read MONGODB_URI; `embedded run` provides one when it is unset.
test-rust: build
	$(PY) -m data_bridge.embedded run -- cargo test --workspace

test-python: build
	$(PY) -m pytest

test: build lint stubtest
	$(PY) -m data_bridge.embedded run -- bash -c 'cargo test --workspace && $(PY) -m pytest'
	$(MAKE) fuzz-smoke

# The Rust SecantusDB server, built once into the cache data_bridge.embedded looks in (~8 min cold).
SECANTUS_ROOT := $(HOME)/.cache/data-bridge/secantus
SECANTUSD_RS := $(SECANTUS_ROOT)/bin/secantusd-rs
$(SECANTUSD_RS):
	@command -v cmake >/dev/null || { echo "secantusd-rs needs cmake: apt-get install -y cmake" >&2; exit 1; }
	cargo install secantus-mdb --version 0.5.3-beta.196 --root $(SECANTUS_ROOT) --ignore-rust-version --locked

# Side-by-side benchmarks (benches/README.md). With MONGODB_URI set, that server is used instead.
bench: build $(if $(MONGODB_URI),,$(SECANTUSD_RS))
	$(PY) -m benches $(BENCH_ARGS)

# Each codec fuzz target (decode, infer, encode, encode_decode) for 10 minutes; then `cmin`.
fuzz:
	$(MAKE) -C crates/data-bridge-arrow/fuzz run SECONDS=600

# 60 s in all (15 s per target) from the committed corpus: part of `make test`.
fuzz-smoke:
	$(MAKE) -C crates/data-bridge-arrow/fuzz smoke SMOKE_SECONDS=15

# The load test alone, with its numbers (ops/s, RSS samples) printed.
load: build
	$(PY) -m pytest tests/reliability/test_load.py -s -q

clean:
	rm -rf target $(VENV) python/data_bridge/_engine*.so
