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
  // One more than the largest planned id: where a redrawn simulation goes.
  std::uint32_t next_id() const;

  // Adds a simulation while the study runs (a redrawn one). Returns false
  // when the id is already planned with the same role and parameters, so
  // that a retry is harmless; throws apiary::Error when the parameters do
  // not match parameter_names or the id is planned with other ones.
  bool add(PlannedSimulation simulation);
};

// JSON on disk; writing is atomic (temporary file, then rename).
void write_plan(const std::filesystem::path& file, const StudyPlan& plan);
StudyPlan read_plan(const std::filesystem::path& file);
// Adds a simulation to a plan file (StudyPlan::add) and rewrites it
// atomically, so that a server started later knows it; returns add's result.
bool add_to_plan_file(const std::filesystem::path& file, const PlannedSimulation& simulation);

std::string role_name(Role role);
// The role written role_name(role); throws apiary::Error "unknown WHAT
// 'NAME' (training or validation)" for another word.
Role role_named(const std::string& name, const std::string& what = "role");

}  // namespace apiary::plan
