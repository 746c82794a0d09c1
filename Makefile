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
RUFF_PATHS := python tests benches examples compat
# The Rust SecantusDB server (see `server` below); not needed when MONGODB_URI names a server.
SECANTUS_ROOT := $(HOME)/.cache/data-bridge/secantus
SECANTUSD_RS := $(SECANTUS_ROOT)/bin/secantusd-rs
SERVER_DEP := $(if $(MONGODB_URI),,$(SECANTUSD_RS))

.PHONY: venv build wheel server demo test test-rust test-python lint fmt stubtest stubtest-built bench fuzz fuzz-smoke load compat compat-update clean

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

# A release wheel in dist/ (abi3: one wheel for every CPython >= 3.10; maturin checks the
# manylinux policy). Same target dir as `build`, so it reuses that compilation.
# Then the wheel is installed into a clean venv that runs the README quickstart (tests/test_wheel.py).
wheel: venv $(SERVER_DEP)
	rm -f dist/data_bridge-*.whl
	CARGO_TARGET_DIR=$(MATURIN_TARGET) $(VENV)/bin/maturin build --release --out dist
	DATA_BRIDGE_WHEEL="$$(ls dist/data_bridge-*.whl)" $(PY) -m pytest tests/test_wheel.py -q

demo: build $(SERVER_DEP)
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
stubtest: build stubtest-built
stubtest-built:
	$(VENV)/bin/python -m mypy.stubtest data_bridge._engine --allowlist .stubtest-allowlist

# Rust tests that need a server read MONGODB_URI; `embedded run` provides one when it is unset.
test-rust: build $(SERVER_DEP)
	$(PY) -m data_bridge.embedded run -- cargo test --workspace

test-python: build $(SERVER_DEP)
	$(PY) -m pytest

# On a fresh machine the extension and the Rust test server are both cold cargo builds: started
# side by side (-j2), each fills the other's single-threaded stretches (links, LTO, big crates).
# The load test runs sized down here (every invariant still checked); `make load` runs it in full.
# The fuzz smoke (one core, no server) runs beside the server suites; its log is shown at the end.
test: venv
	$(MAKE) -j2 build $(SERVER_DEP)
	$(MAKE) lint stubtest-built
	mkdir -p target; $(MAKE) fuzz-smoke > target/fuzz-smoke.log 2>&1 & fuzz=$$!; \
	$(PY) -m data_bridge.embedded run -- bash -c 'cargo test --workspace && \
		DATA_BRIDGE_LOAD_OPS=$${DATA_BRIDGE_LOAD_OPS:-1500} DATA_BRIDGE_LOAD_SECONDS=$${DATA_BRIDGE_LOAD_SECONDS:-10} \
		$(PY) -m pytest --durations=30' && suites=0 || suites=$$?; \
	wait $$fuzz && fuzzed=0 || fuzzed=$$?; \
	grep -E "^(Done|==|INFO: Done)|ERROR|panicked|deadly signal" target/fuzz-smoke.log || true; \
	[ $$fuzzed = 0 ] || { tail -n 40 target/fuzz-smoke.log; echo "fuzz smoke failed (target/fuzz-smoke.log)"; }; \
	[ $$suites = 0 ] && [ $$fuzzed = 0 ]

# The Rust SecantusDB server, built once into the cache data_bridge.embedded looks in (~8 min cold).
# Every suite, the demo and the benchmarks run on it; with MONGODB_URI set, on that server instead.
# It needs cmake: installed with apt-get where we are root, otherwise we stop and say so.
$(SECANTUSD_RS):
	@command -v cmake >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq cmake >/dev/null; \
		else \
			echo "secantusd-rs (the test server) needs cmake: install it (apt-get install cmake) or set MONGODB_URI to your own server" >&2; exit 1; \
		fi; }
	cargo install secantus-mdb --version 0.5.3-beta.196 --root $(SECANTUS_ROOT) --ignore-rust-version --locked -q

server: $(SERVER_DEP)

# Side-by-side benchmarks (benches/README.md). With MONGODB_URI set, that server is used instead.
bench: build $(SERVER_DEP)
	$(PY) -m benches $(BENCH_ARGS)

# Each codec fuzz target (decode, infer, encode, encode_decode) for 10 minutes; then `cmin`.
fuzz:
	$(MAKE) -C crates/data-bridge-arrow/fuzz run SECONDS=600

# 60 s in all (12 s for each of the five targets) from the committed corpus: part of `make test`.
fuzz-smoke:
	$(MAKE) -C crates/data-bridge-arrow/fuzz smoke SMOKE_SECONDS=12

# Beanie 2.1.0's own test suite (sdist from PyPI, cached) on one server, against data-bridge and
# against real Beanie: pass counts per file, and what Beanie passes that we do not (compat/).
compat: build $(SERVER_DEP)
	$(PY) -m compat.beanie_suite $(COMPAT_ARGS)

# Rewrite compat/passing.txt (the ratchet tests/test_beanie_suite.py checks) from a data-bridge run.
compat-update: build $(SERVER_DEP)
	$(PY) -m compat.beanie_suite --odm data-bridge --update

# The load test alone, with its numbers (ops/s, RSS samples) printed.
load: build $(SERVER_DEP)
	$(PY) -m pytest tests/reliability/test_load.py -s -q

clean:
	rm -rf target $(VENV) python/data_bridge/_engine*.so
