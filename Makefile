# Two commands for a new user on Debian 12:
#   make demo   installs dependencies, builds, runs the heat-equation study
#   make test   installs dependencies, builds, runs the whole test suite
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
STUDY ?= examples/heat-pde/study.toml
# Tests that start MPI jobs run as root in CI and containers.
export OMPI_ALLOW_RUN_AS_ROOT = 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = 1

.PHONY: all deps build demo test bench sanitize fuzz format clean

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Only what the demo runs: the launcher, the server and the heat client.
DEMO_TARGETS = apiary apiary-server apiary-heat
demo: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS) --target $(DEMO_TARGETS)
	$(BUILD_DIR)/bin/apiary run $(STUDY)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The CPU benchmark suite (bench/run.sh, docs/benchmarks.md): under 20 min
# on 2 quiet cores. BENCH_FLAGS=--smoke runs every part for seconds;
# BENCH_FLAGS='--parts offline' runs some parts only.
BENCH_FLAGS ?=
bench: build
	bash bench/run.sh --bin-dir $(BUILD_DIR)/bin $(BENCH_FLAGS)

# The whole test suite again, built in $(ASAN_DIR) (Debug) with
# AddressSanitizer and UndefinedBehaviorSanitizer: every executable the
# tests start (the launcher, the server under mpirun, the clients, the heat
# example, the benchmarks) is instrumented too, and inherits this
# environment. An error ends its process with a non-zero exit code, which
# fails the test, or the study and then the test. ASan's and LeakSanitizer's
# reports go to $(ASAN_DIR)/sanitizer-reports/report.EXE.PID whichever
# process wrote them, are printed at the end, and any report fails the
# target, even one from a process whose failure a test expected. UBSan's
# (GCC's separate runtime ignores log_path) go to the process's stderr: the
# test's output, or the study's server.log and client logs, whose ends the
# launcher prints. Leaks inside Open MPI, PMIx and hwloc are suppressed by
# library (cmake/sanitizers/lsan.supp). SANITIZE_CTEST_FLAGS='-R Study'
# runs some tests only. The multi-node tests (label multinode) run in the
# plain build only: they run the same executables as the integration and
# Slurm tests, which do run here, across a test cluster whose minutes CI
# cannot afford twice.
SANITIZE_CTEST_FLAGS ?= -LE multinode
SANITIZE_REPORTS = $(abspath $(ASAN_DIR))/sanitizer-reports
SANITIZE_ENV = ASAN_OPTIONS=log_path=$(SANITIZE_REPORTS)/report:log_exe_name=1:detect_leaks=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/cmake/sanitizers/lsan.supp:print_suppressions=0
sanitize: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DAPIARY_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)
	rm -rf $(SANITIZE_REPORTS) && mkdir -p $(SANITIZE_REPORTS)
	status=0; $(SANITIZE_ENV) ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) $(SANITIZE_CTEST_FLAGS) \
	  || status=$$?; \
	for report in $(SANITIZE_REPORTS)/*; do \
	  [ -e "$$report" ] || continue; echo "==== $$report"; cat "$$report"; status=1; \
	done; \
	exit $$status

# libFuzzer on the wire decoder and on reception (docs/fuzzing.md): a clang
# build of the fuzz targets only, each corpus replayed, then FUZZ_SECONDS
# of fuzzing per target; fails on any crash or leak.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DAPIARY_FUZZ=ON -DAPIARY_BUILD_TESTS=OFF -DAPIARY_BUILD_BENCH=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target decode_fuzzer reassembly_fuzzer make_fuzz_corpus
	bash fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
