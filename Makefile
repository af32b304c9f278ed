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

demo: build
	$(BUILD_DIR)/bin/apiary run $(STUDY)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The CPU benchmark suite (bench/run.sh, docs/benchmarks.md): under 20 min
# on 2 quiet cores. BENCH_FLAGS=--smoke runs every part for seconds;
# BENCH_FLAGS='--parts offline' runs some parts only.
BENCH_FLAGS ?=
bench: build
	bash bench/run.sh --bin-dir $(BUILD_DIR)/bin $(BENCH_FLAGS)

# The unit suites (everything but libtorch and the multi-process tests)
# again under AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZED_TESTS = config_tests sampler_tests buffer_tests dataset_tests protocol_tests ingest_tests parallel_tests
sanitize: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DAPIARY_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS) --target $(SANITIZED_TESTS)
	ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) -L '^(config|sampler|buffer|dataset|protocol|ingest|parallel)$$'

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
