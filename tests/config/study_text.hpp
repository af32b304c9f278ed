#pragma once
// Study texts for the config tests: the smallest valid study, a study that
// sets every key, and a way to vary one line of either.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "config/study_config.hpp"

namespace apiary::config::test {

inline const std::string kMinimalStudy = R"(
[study]
name = "demo"

[client]
command = "simulate {x}"
field_size = 10

[[parameters]]
name = "x"
min = 0.0
max = 1.0
)";

// Every key, none at its default.
inline const std::string kFullStudy = R"(
[study]
name = "heat-2d_v1.0"
seed = 7
simulations = 40
validation_simulations = 4
validation_seed = 99
sampler = "uniform"
max_concurrent_clients = 3
run_dir = "/tmp/runs/heat"

[client]
command = "solver --nx 10 {T0} {T1} {simulation_id}"
ranks = 4
field = "temperature"
field_size = 100
time_steps = 20

[[parameters]]
name = "T1"
min = -1.5
max = 2.5

[[parameters]]
name = "T0"
min = 100
max = 500

[server]
host = "10.0.0.2"
ranks = 4
bind_simulation = true
receive_queue = 16
threads = 8
metrics_every = 50
device = "cpu"

[buffer]
kind = "reservoir"
capacity = 5000
watermark = 100
pseudo_epochs = 3
max_serves = 2

[training]
model = "models/net.pt"
hidden = [64, 32, 16]
batch_size = 32
batches = 2000
learning_rate = 0.0005
weight_decay = 1e-4
schedule = "milestones"
milestones = [500, 1500]
gamma = 0.1
validation_every = 250
seed = 11
max_seconds = 90.5

[scheduler]
kind = "slurm"
mode = "allocation"
partition = "compute"
account = "proj-42"
time = "1-02:30:00"
server_time = "2-00"
extra_args = ["--qos=debug", "--constraint=haswell"]
mpi = "pmi2"
poll_seconds = 10.5

[fault_tolerance]
client_timeout = 45.5
max_restarts = 2
on_max_restarts = "fail"
checkpoint_every = 250
server_timeout = 30.0
max_server_restarts = 5
)";

// text with its one occurrence of from replaced by to.
inline std::string with(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the study text";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The message of the ConfigError parse_study throws; a test failure if none.
inline std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_study(text, "study.toml", overrides);
  } catch (const apiary::ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ConfigError for:\n" << text;
  return "";
}

}  // namespace apiary::config::test
