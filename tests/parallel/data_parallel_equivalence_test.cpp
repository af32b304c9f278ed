// Data parallelism is exact: two MPI ranks that each train on half of every
// global batch end with the same weights as one rank that trains on the
// whole batch (real processes under mpirun; see data_parallel_probe.cpp).
#include <gtest/gtest.h>
#include <torch/script.h>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

std::filesystem::path train(const std::filesystem::path& root, int ranks, std::size_t batch) {
  const auto out = root / ("r" + std::to_string(ranks) + "-b" + std::to_string(batch));
  std::filesystem::create_directories(out);
  // Its own Open MPI session directory: concurrent mpirun jobs race on the
  // shared one (see src/launcher/study/mpi_sessions.hpp).
  const auto result =
      run_command("OMPI_MCA_orte_tmpdir_base=" + out.string() + " mpirun --oversubscribe --bind-to none -n " +
                  std::to_string(ranks) + " " + APIARY_BIN_DIR "/data_parallel_probe --batch " + std::to_string(batch) +
                  " --batches 6 --out " + out.string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("batches 6 samples " + std::to_string(6 * batch)), std::string::npos) << result.output;
  return out / "model.pt";
}

// Largest absolute difference between the two models' parameters.
double largest_difference(const std::filesystem::path& a, const std::filesystem::path& b) {
  auto first = torch::jit::load(a.string());
  auto second = torch::jit::load(b.string());
  std::map<std::string, torch::Tensor> theirs;
  for (const auto& p : second.named_parameters()) theirs[p.name] = p.value;
  double largest = 0.0;
  std::size_t compared = 0;
  for (const auto& p : first.named_parameters()) {
    EXPECT_TRUE(theirs.contains(p.name)) << p.name;
    if (!theirs.contains(p.name)) continue;
    largest = std::max(largest, (p.value - theirs[p.name]).abs().max().item<double>());
    ++compared;
  }
  EXPECT_GT(compared, 0u);
  return largest;
}

TEST(DataParallel, TwoRanksWithHalfBatchesMatchOneRankWithTheWholeBatch) {
  const auto root = fresh_directory("data-parallel");
  const auto one_rank = train(root, 1, 8);
  const auto two_ranks = train(root, 2, 8);
  EXPECT_LT(largest_difference(one_rank, two_ranks), 1e-5);
  // The comparison can tell models apart: a different global batch gives
  // different weights.
  const auto smaller_batch = train(root, 2, 4);
  EXPECT_GT(largest_difference(one_rank, smaller_batch), 1e-3);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace apiary::testing
