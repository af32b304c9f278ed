#pragma once
// The simulations of a study, drawn by the launcher before anything starts:
// the server reads it to know each simulation's inputs and role, so that a
// client never has to be trusted with its own parameters.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace apiary::plan {

enum class Role { training, validation };

struct PlannedSimulation {
  std::uint32_t id = 0;
  Role role = Role::training;
  std::vector<double> parameters;
};

struct StudyPlan {
  std::vector<std::string> parameter_names;
  std::vector<PlannedSimulation> simulations;

  const PlannedSimulation* find(std::uint32_t id) const;
  std::size_t count(Role role) const;
};

// JSON on disk; writing is atomic (temporary file, then rename).
void write_plan(const std::filesystem::path& file, const StudyPlan& plan);
StudyPlan read_plan(const std::filesystem::path& file);

std::string role_name(Role role);

}  // namespace apiary::plan
