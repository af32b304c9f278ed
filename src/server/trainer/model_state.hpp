#pragma once
// The model's and the optimizer's part of a checkpoint (model.pt, written
// by rank 0 and read by every rank, whose copies are identical under data
// parallelism): parameters and buffers, the Adam state with its step
// counts, and the CPU random generator's state. A libtorch archive, read
// onto the device the model is on. Declarations only: no libtorch in
// headers.
#include <cstdint>
#include <filesystem>

namespace torch {
namespace jit {
struct Module;
}
namespace optim {
class Adam;
}
}  // namespace torch

namespace apiary::server {

std::filesystem::path model_state_file(const std::filesystem::path& checkpoint_dir);

// Returns the file's size in bytes.
std::uint64_t save_model_state(const std::filesystem::path& file, const torch::jit::Module& net,
                               const torch::optim::Adam& optimizer);
// Throws apiary::Error naming the file when it is unreadable or does not
// fit the model (a parameter missing or of another shape).
void load_model_state(const std::filesystem::path& file, torch::jit::Module& net, torch::optim::Adam& optimizer);

// The optimizer steps taken, from the Adam state of the first parameter
// (0 before the first step).
std::uint64_t adam_steps(const torch::optim::Adam& optimizer);

}  // namespace apiary::server
