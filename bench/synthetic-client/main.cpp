// apiary-synthetic: a client that streams a synthetic field (see
// synthetic_field.hpp), as fast as the server takes it or at a set rate,
// to measure the server rather than a simulation.
//
//   apiary-synthetic --values 10000 --steps 100 [--rate 50] [--dtype double] [--field field]
//                    [--gate DIR] [--fixed-field]
//
// Started by the launcher like any client: the library reads APIARY_SERVER,
// APIARY_SIMULATION_ID and APIARY_PARAMETERS. Under mpirun every rank sends
// its own contiguous block of the field. Only the public C API is used.
#include <apiary/apiary.h>
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "start_gate.hpp"
#include "synthetic_field.hpp"

namespace {

struct Options {
  std::size_t values = 0;
  std::size_t steps = 0;
  double rate = 0.0;  // steps per second; 0: as fast as the server takes them
  std::string dtype = "float";
  std::string field = "field";
  std::string gate;          // start_gate.hpp; empty: start at once
  bool fixed_field = false;  // step 0's values at every step
};

struct Block {
  std::size_t first = 0;
  std::size_t count = 0;
};

// Rank r's contiguous block of n values; the first n % size ranks hold one more.
Block block_of(std::size_t n, int size, int rank) {
  const auto ranks = static_cast<std::size_t>(size), r = static_cast<std::size_t>(rank);
  const std::size_t base = n / ranks, extra = n % ranks;
  return {r * base + std::min(r, extra), base + (r < extra ? 1 : 0)};
}

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// With several ranks the others may wait in a collective: MPI_Abort ends them.
[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "apiary-synthetic: %s\n", message.c_str());
  if (world_size() > 1) MPI_Abort(MPI_COMM_WORLD, 1);
  MPI_Finalize();
  std::exit(1);
}

// Rank 0 waits at the gate; the other ranks wait for rank 0.
void pass_gate(const Options& options, int rank) {
  if (rank == 0) apiary::bench::wait_at_gate(options.gate);
  if (world_size() > 1) MPI_Barrier(MPI_COMM_WORLD);
}

// Every rank must send the same steps, or the server could never complete
// the last one: rank 0 decides when to stop, the others follow.
bool stop_now(std::optional<apiary::bench::StopSignal>& stop, int rank) {
  if (!stop) return false;
  int requested = rank == 0 && stop->requested() ? 1 : 0;
  if (world_size() > 1) MPI_Bcast(&requested, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return requested != 0;
}

void check(apiary_status_t status) {
  if (status != APIARY_STATUS_OK) fail(std::string(apiary_status_string(status)) + ": " + apiary_last_error());
}

std::vector<double> simulation_parameters() {
  std::vector<double> parameters(256);
  std::size_t count = 0;
  check(apiary_parameters(parameters.data(), parameters.size(), &count));
  if (count == 0) fail("no parameters in APIARY_PARAMETERS: start it with 'apiary run'");
  parameters.resize(count);
  return parameters;
}

// Sends every step from one reused buffer: after the first step the only
// per-step work is two multiply-adds per value and the library's copy, or
// the copy alone with --fixed-field. The first step is computed before the
// gate: it belongs to the start-up.
template <typename Value>
void stream(const Options& options, const apiary::bench::SyntheticField& field, int rank) {
  std::vector<Value> values(field.size());
  field.fill(0, values);
  std::optional<apiary::bench::StopSignal> stop;
  if (!options.gate.empty()) {
    pass_gate(options, rank);
    stop.emplace(options.gate);
  }
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t step = 0; step < options.steps && !stop_now(stop, rank); ++step) {
    if (options.rate > 0) {
      std::this_thread::sleep_until(start + std::chrono::duration<double>(static_cast<double>(step) / options.rate));
    }
    if (step > 0 && !options.fixed_field) field.fill(step, values);
    if constexpr (std::is_same_v<Value, float>) {
      check(apiary_send_float(options.field.c_str(), values.data()));
    } else {
      check(apiary_send(options.field.c_str(), values.data()));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  Options options;
  CLI::App app{"Apiary's synthetic client: streams a smooth synthetic field to load the server"};
  app.add_option("--values", options.values, "values in the whole field")->required()->check(CLI::PositiveNumber);
  app.add_option("--steps", options.steps, "time steps to send")->required()->check(CLI::PositiveNumber);
  app.add_option("--rate", options.rate, "time steps per second; 0: as fast as possible")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--dtype", options.dtype, "type of the values sent")->check(CLI::IsMember({"float", "double"}));
  app.add_option("--field", options.field, "name of the field");
  app.add_option("--gate", options.gate,
                 "once registered, wait at this start gate (a directory, start_gate.hpp) and stop when it says so");
  app.add_flag("--fixed-field", options.fixed_field,
               "send the first step's values at every step: no arithmetic per step, to load the server alone");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Every rank sees the same arguments: all stop, rank 0 explains.
    const int code = rank == 0 ? app.exit(error) : (error.get_exit_code() == 0 ? 0 : 2);
    MPI_Finalize();
    return code == 0 ? 0 : 2;
  }
  if (options.values < static_cast<std::size_t>(world_size())) fail("--values is smaller than the number of ranks");

  const Block block = block_of(options.values, world_size(), rank);
  const apiary::bench::SyntheticField field(simulation_parameters(), options.values, block.first, block.count);
  check(apiary_init(options.field.c_str(), block.count, MPI_COMM_WORLD));
  if (options.dtype == "float") {
    stream<float>(options, field, rank);
  } else {
    stream<double>(options, field, rank);
  }
  check(apiary_finalize());
  MPI_Finalize();
  return 0;
}
