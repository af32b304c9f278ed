#include "plan/study_plan.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

namespace apiary::plan {

const PlannedSimulation* StudyPlan::find(std::uint32_t id) const {
  // Ids are dense and in order when the launcher writes the plan.
  if (id < simulations.size() && simulations[id].id == id) return &simulations[id];
  for (const auto& simulation : simulations) {
    if (simulation.id == id) return &simulation;
  }
  return nullptr;
}

std::size_t StudyPlan::count(Role role) const {
  std::size_t n = 0;
  for (const auto& simulation : simulations) n += simulation.role == role;
  return n;
}

std::uint32_t StudyPlan::next_id() const {
  std::uint32_t next = 0;
  for (const auto& simulation : simulations) next = std::max(next, simulation.id + 1);
  return next;
}

bool StudyPlan::add(PlannedSimulation simulation) {
  const auto id = std::to_string(simulation.id);
  if (simulation.parameters.size() != parameter_names.size()) {
    throw Error("simulation " + id + " has " + std::to_string(simulation.parameters.size()) +
                " parameters, the study has " + std::to_string(parameter_names.size()));
  }
  if (const auto* planned = find(simulation.id)) {
    if (planned->role == simulation.role && planned->parameters == simulation.parameters) return false;
    throw Error("simulation " + id + " is already planned with " +
                (planned->role != simulation.role ? "another role (" + role_name(planned->role) + ")"
                                                  : std::string("other parameters")));
  }
  simulations.push_back(std::move(simulation));
  return true;
}

std::string role_name(Role role) { return role == Role::training ? "training" : "validation"; }

Role role_named(const std::string& name, const std::string& what) {
  for (const auto role : {Role::training, Role::validation}) {
    if (role_name(role) == name) return role;
  }
  throw Error("unknown " + what + " '" + name + "' (training or validation)");
}

void write_plan(const std::filesystem::path& file, const StudyPlan& plan) {
  nlohmann::json json;
  json["parameter_names"] = plan.parameter_names;
  json["simulations"] = nlohmann::json::array();
  for (const auto& simulation : plan.simulations) {
    json["simulations"].push_back(
        {{"id", simulation.id}, {"role", role_name(simulation.role)}, {"parameters", simulation.parameters}});
  }
  write_file_atomically(file, json.dump(1) + "\n");
}

StudyPlan read_plan(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read the study plan " + file.string());
  try {
    const auto json = nlohmann::json::parse(in);
    StudyPlan plan;
    plan.parameter_names = json.at("parameter_names").get<std::vector<std::string>>();
    for (const auto& entry : json.at("simulations")) {
      PlannedSimulation simulation;
      simulation.id = entry.at("id").get<std::uint32_t>();
      simulation.role = role_named(entry.at("role").get<std::string>());
      simulation.parameters = entry.at("parameters").get<std::vector<double>>();
      if (simulation.parameters.size() != plan.parameter_names.size()) {
        throw Error("simulation " + std::to_string(simulation.id) + " has " +
                    std::to_string(simulation.parameters.size()) + " parameters, expected " +
                    std::to_string(plan.parameter_names.size()));
      }
      plan.simulations.push_back(std::move(simulation));
    }
    return plan;
  } catch (const nlohmann::json::exception& error) {
    throw Error("study plan " + file.string() + ": " + error.what());
  } catch (const Error& error) {
    throw Error("study plan " + file.string() + ": " + error.what());
  }
}

bool add_to_plan_file(const std::filesystem::path& file, const PlannedSimulation& simulation) {
  auto plan = read_plan(file);
  if (!plan.add(simulation)) return false;
  write_plan(file, plan);
  return true;
}

}  // namespace apiary::plan
