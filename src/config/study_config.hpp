#pragma once
// The study, as read from its TOML file and validated: a plain struct that
// the launcher and the server share. Only src/config/ sees toml++.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/options.hpp"

namespace apiary::config {

struct ParameterRange {
  std::string name;
  double min = 0.0;
  double max = 1.0;

  bool operator==(const ParameterRange&) const = default;
};

struct StudySection {
  std::string name = "study";
  std::uint64_t seed = 0;
  std::size_t simulations = 1;             // training simulations
  std::size_t validation_simulations = 0;  // held-out simulations, never trained on
  std::uint64_t validation_seed = 1;
  SamplerKind sampler = SamplerKind::halton;
  std::size_t max_concurrent_clients = 1;
  std::string run_dir;  // empty: runs/<name>-<timestamp>

  bool operator==(const StudySection&) const = default;
};

struct ClientSection {
  // Command line of one simulation; {NAME} is replaced by parameter NAME's
  // value, {simulation_id} by the simulation's id. Resolved through PATH
  // (with Apiary's own bin directory first) or relative to the study file.
  std::string command;
  int ranks = 1;                // > 1: started through mpirun
  std::string field = "field";  // the field the surrogate learns
  std::size_t field_size = 0;   // values in the global field
  std::size_t time_steps = 1;   // snapshots each simulation sends

  bool operator==(const ClientSection&) const = default;
};

// server.host's default: the server chooses (server/bind_address.hpp).
inline constexpr const char* kAutomaticHost = "auto";

struct ServerSection {
  // The address each server rank binds and announces: "auto", an address,
  // or a name ZeroMQ resolves.
  std::string host = kAutomaticHost;
  std::string interface;  // a network interface ("ib0") whose address to bind instead; "" = server.host decides
  int ranks = 1;          // MPI ranks of the training server
  // true: every time step of a simulation goes to the same server rank;
  // false: round-robin over (simulation, time step).
  bool bind_simulation = false;
  // ZeroMQ receive high-water mark of each server data socket, in messages
  // per client connection: bounds the memory queued before the buffer, and
  // a full queue blocks the clients' sends (back-pressure).
  int receive_queue = 4;
  int threads = 0;                  // torch threads per rank; 0 = the node's cores divided among its server ranks
  std::size_t metrics_every = 100;  // batches between metrics lines
  // Where each rank trains: "cpu", "cuda" (rank r on GPU r mod the node's
  // GPUs; an error without one), or "auto" (cuda when libtorch sees a GPU).
  ComputeDevice device = ComputeDevice::automatic;
  // "curve": only the study's clients may connect, over encrypted
  // connections (docs/security.md); "none": anyone who reaches the ports
  // may send data, for trusted single-user machines only.
  Security security = Security::curve;
  // Open connections per server rank; further peers are refused. 0 = auto:
  // room for every concurrent client rank, twice, plus 32.
  std::size_t max_connections = 0;
  // A time step holding NaN or infinity: "drop" the step (counted, the
  // simulation goes on) or "fail_simulation" (also refuse the simulation's
  // further steps, and report it in server_failed_simulations).
  NonFinitePolicy non_finite = NonFinitePolicy::drop;

  bool operator==(const ServerSection&) const = default;
};

struct BufferSection {
  BufferKind kind = BufferKind::reservoir;
  std::size_t capacity = 10000;   // samples, per server rank
  std::size_t watermark = 1000;   // samples held before training starts
  std::size_t pseudo_epochs = 1;  // firo only
  std::size_t max_serves = 0;     // reservoir only: serves before a sample leaves; 0 = unlimited

  bool operator==(const BufferSection&) const = default;
};

// training.model's value for the built-in MLP (training.hidden).
inline constexpr std::string_view kBuiltinModel = "mlp";

struct TrainingSection {
  std::string model = std::string(kBuiltinModel);  // "mlp" or a path to a TorchScript file
  std::vector<int> hidden = {256, 256};
  // Global: the samples of one optimizer step across all server ranks,
  // each rank drawing batch_size / server.ranks from its own buffer.
  std::size_t batch_size = 10;
  std::size_t batches = 1000;  // optimizer steps; training stops there or when data run out
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  ScheduleKind schedule = ScheduleKind::cosine;
  std::vector<std::size_t> milestones;  // batches at which the rate is multiplied by gamma
  double gamma = 0.5;
  std::size_t validation_every = 500;  // batches between validations
  std::uint64_t seed = 0;              // weights initialisation and buffer draws
  // Training stops after this many seconds from its first batch, checked
  // before each step (also stops at batches); 0 = no limit.
  double max_seconds = 0.0;

  bool uses_builtin_model() const { return model == kBuiltinModel; }
  bool operator==(const TrainingSection&) const = default;
};

// Where the launcher runs the server and the simulations.
struct SchedulerSection {
  SchedulerKind kind = SchedulerKind::local;  // local: processes of this machine
  // slurm: "jobs" (one batch job per simulation and one for the server) or
  // "allocation" (job steps inside the allocation the launcher runs in).
  SchedulerMode mode = SchedulerMode::jobs;
  std::string partition;                // jobs mode: sbatch --partition; empty: the cluster's default
  std::string account;                  // jobs mode: sbatch --account; empty: the user's default
  std::string time;                     // walltime of each simulation (--time, Slurm's format); empty: no limit asked
  std::string server_time;              // walltime of the server's job or step; empty: no limit asked
  std::vector<std::string> extra_args;  // appended to every sbatch (jobs) or srun (allocation)
  std::string mpi = "pmix";             // srun --mpi=<mpi> for MPI job steps; empty: the cluster's MpiDefault
  double poll_seconds = 2.0;            // jobs mode: seconds between two squeue queries

  bool operator==(const SchedulerSection&) const = default;
};

// What the launcher and the server do when something fails.
struct FaultToleranceSection {
  // Seconds a running simulation may go without delivering a time step (or,
  // before its first, since it started) before it is cancelled and
  // relaunched; 0 = no limit.
  double client_timeout = 300.0;
  // Relaunches of one simulation, with the same parameters, after it
  // failed (error exit, killed, walltime, timeout); then on_max_restarts.
  std::size_t max_restarts = 3;
  // After max_restarts relaunches failed too: "redraw" (a new simulation
  // with new parameters takes its place) or "fail" (counted as failed).
  OnMaxRestarts on_max_restarts = OnMaxRestarts::redraw;
  // The server saves a checkpoint every this many batches (model,
  // optimizer, buffer, received steps, RNG states); 0 = never, and a server
  // that dies ends the study.
  std::size_t checkpoint_every = 1000;
  // Seconds without a heartbeat from a server rank before the launcher
  // takes the server for dead and restarts it from its last checkpoint.
  double server_timeout = 60.0;
  std::size_t max_server_restarts = 3;

  bool operator==(const FaultToleranceSection&) const = default;
};

struct StudyConfig {
  StudySection study;
  ClientSection client;
  std::vector<ParameterRange> parameters;
  ServerSection server;
  BufferSection buffer;
  TrainingSection training;
  SchedulerSection scheduler;
  FaultToleranceSection fault_tolerance;
  std::filesystem::path source_dir;  // directory of the study file (relative paths)

  // Field by field; to_toml's output reads back equal (source_dir aside).
  bool operator==(const StudyConfig&) const = default;
};

// Reads and validates a study file, applying "section.key=value" overrides
// first (the value is read as a TOML value, or as a string if it is not
// one). Throws apiary::ConfigError naming the file, the key and the problem:
// unknown sections or keys, wrong types, out-of-range values.
StudyConfig load_study(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

// Same, from TOML text; origin names the source in error messages.
StudyConfig parse_study(const std::string& toml_text, const std::string& origin,
                        const std::vector<std::string>& overrides = {});

// The study as TOML text, complete with defaults: what the run directory keeps.
std::string to_toml(const StudyConfig& config);

}  // namespace apiary::config
