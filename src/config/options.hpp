#pragma once
// The study's choices among named values, as enums: a study file's string
// becomes one of these once, when it is read (src/config), and the rest of
// the code switches on the enum. Each enum's names are listed once, here,
// in the order error messages give them; name_of() turns a value back into
// the text a study file writes, for logs, summaries and to_toml.
#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace apiary::config {

enum class SamplerKind { uniform, halton };                // study.sampler
enum class ComputeDevice { automatic, cpu, cuda };         // server.device
enum class Security { curve, none };                       // server.security
enum class NonFinitePolicy { drop, fail_simulation };      // server.non_finite
enum class BufferKind { fifo, firo, reservoir };           // buffer.kind
enum class ScheduleKind { constant, cosine, milestones };  // training.schedule
enum class SchedulerKind { local, slurm };                 // scheduler.kind
enum class SchedulerMode { jobs, allocation };             // scheduler.mode
enum class OnMaxRestarts { redraw, fail };                 // fault_tolerance.on_max_restarts

// One overload per enum, found by names_of(Enum{}).
constexpr auto names_of(SamplerKind) {
  return std::to_array<std::pair<SamplerKind, std::string_view>>(
      {{SamplerKind::uniform, "uniform"}, {SamplerKind::halton, "halton"}});
}
constexpr auto names_of(ComputeDevice) {
  return std::to_array<std::pair<ComputeDevice, std::string_view>>(
      {{ComputeDevice::automatic, "auto"}, {ComputeDevice::cpu, "cpu"}, {ComputeDevice::cuda, "cuda"}});
}
constexpr auto names_of(Security) {
  return std::to_array<std::pair<Security, std::string_view>>({{Security::curve, "curve"}, {Security::none, "none"}});
}
constexpr auto names_of(NonFinitePolicy) {
  return std::to_array<std::pair<NonFinitePolicy, std::string_view>>(
      {{NonFinitePolicy::drop, "drop"}, {NonFinitePolicy::fail_simulation, "fail_simulation"}});
}
constexpr auto names_of(BufferKind) {
  return std::to_array<std::pair<BufferKind, std::string_view>>(
      {{BufferKind::fifo, "fifo"}, {BufferKind::firo, "firo"}, {BufferKind::reservoir, "reservoir"}});
}
constexpr auto names_of(ScheduleKind) {
  return std::to_array<std::pair<ScheduleKind, std::string_view>>({{ScheduleKind::constant, "constant"},
                                                                   {ScheduleKind::cosine, "cosine"},
                                                                   {ScheduleKind::milestones, "milestones"}});
}
constexpr auto names_of(SchedulerKind) {
  return std::to_array<std::pair<SchedulerKind, std::string_view>>(
      {{SchedulerKind::local, "local"}, {SchedulerKind::slurm, "slurm"}});
}
constexpr auto names_of(SchedulerMode) {
  return std::to_array<std::pair<SchedulerMode, std::string_view>>(
      {{SchedulerMode::jobs, "jobs"}, {SchedulerMode::allocation, "allocation"}});
}
constexpr auto names_of(OnMaxRestarts) {
  return std::to_array<std::pair<OnMaxRestarts, std::string_view>>(
      {{OnMaxRestarts::redraw, "redraw"}, {OnMaxRestarts::fail, "fail"}});
}

// A type with a name table above.
template <class Enum>
concept NamedOption = std::is_enum_v<Enum> && requires {
  names_of(Enum{});
};

template <NamedOption Enum>
constexpr std::string_view name_of(Enum value) {
  for (const auto& [candidate, name] : names_of(Enum{})) {
    if (candidate == value) return name;
  }
  return "?";
}

template <NamedOption Enum>
std::optional<Enum> option_named(std::string_view name) {
  for (const auto& [value, candidate] : names_of(Enum{})) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

template <NamedOption Enum>
std::vector<std::string> option_names() {
  std::vector<std::string> names;
  for (const auto& entry : names_of(Enum{})) names.emplace_back(entry.second);
  return names;
}

// Name to value, for command-line parsers that map words to values.
template <NamedOption Enum>
std::map<std::string, Enum> option_map() {
  std::map<std::string, Enum> values;
  for (const auto& [value, name] : names_of(Enum{})) values.emplace(name, value);
  return values;
}

}  // namespace apiary::config
