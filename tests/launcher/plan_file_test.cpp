// The launcher records a redrawn simulation in plan.json before the server
// hears of it, so that a server started later (a restart) knows it too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.hpp"
#include "plan/study_plan.hpp"

namespace apiary::plan {
namespace {

class LauncherPlanFile : public ::testing::Test {
 protected:
  LauncherPlanFile()
      : file_(std::filesystem::temp_directory_path() / ("apiary-plan-file-" + std::to_string(::getpid()) + ".json")) {
    write_plan(file_, {{"a", "b"}, {{0, Role::training, {0.5, 1.0}}, {1, Role::validation, {2.0, 3.0}}}});
  }
  ~LauncherPlanFile() override { std::filesystem::remove(file_); }
  std::filesystem::path file_;
};

TEST_F(LauncherPlanFile, AddedSimulationIsReadBackAfterThePlanned) {
  EXPECT_EQ(read_plan(file_).next_id(), 2u);
  EXPECT_TRUE(add_to_plan_file(file_, {2, Role::validation, {4.0, -1.0}}));
  const auto plan = read_plan(file_);
  ASSERT_EQ(plan.simulations.size(), 3u);
  ASSERT_NE(plan.find(2), nullptr);
  EXPECT_EQ(plan.find(2)->role, Role::validation);
  EXPECT_EQ(plan.find(2)->parameters, (std::vector<double>{4.0, -1.0}));
  EXPECT_EQ(plan.next_id(), 3u);
}

TEST_F(LauncherPlanFile, AddingItAgainChangesNothing) {
  ASSERT_TRUE(add_to_plan_file(file_, {2, Role::training, {4.0, -1.0}}));
  EXPECT_FALSE(add_to_plan_file(file_, {2, Role::training, {4.0, -1.0}}));
  EXPECT_EQ(read_plan(file_).simulations.size(), 3u);
}

TEST_F(LauncherPlanFile, ConflictsThrowAndLeaveTheFileAsItWas) {
  EXPECT_THROW(add_to_plan_file(file_, {1, Role::training, {2.0, 3.0}}), Error);
  EXPECT_THROW(add_to_plan_file(file_, {1, Role::validation, {2.0, 3.5}}), Error);
  EXPECT_THROW(add_to_plan_file(file_, {5, Role::training, {2.0}}), Error);
  const auto plan = read_plan(file_);
  EXPECT_EQ(plan.simulations.size(), 2u);
  EXPECT_EQ(plan.find(1)->parameters, (std::vector<double>{2.0, 3.0}));
}

TEST(LauncherPlanNextId, FollowsTheLargestIdNotTheCount) {
  const StudyPlan plan{{"a"}, {{0, Role::training, {1.0}}, {7, Role::training, {2.0}}}};
  EXPECT_EQ(plan.next_id(), 8u);
  EXPECT_EQ(StudyPlan{}.next_id(), 0u);
}

}  // namespace
}  // namespace apiary::plan
