#include "command_line.hpp"

#include <charconv>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <vector>

namespace heat {

namespace {

template <typename Number>
Number parse_number(std::string_view text, std::string_view name) {
  Number value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) {
    throw std::invalid_argument(std::string(name) + " must be " +
                                (std::is_integral_v<Number> ? "an integer" : "a number") + " (got '" +
                                std::string(text) + "')");
  }
  return value;
}

}  // namespace

HeatProblem parse_command_line(std::span<const std::string> args) {
  HeatProblem problem;
  std::vector<std::string_view> positional;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string_view arg = args[k];
    if (!arg.starts_with("--")) {
      positional.push_back(arg);
      continue;
    }
    const std::size_t equals = arg.find('=');
    const std::string_view name = arg.substr(0, equals);
    std::string_view value;
    if (equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
    } else if (k + 1 < args.size()) {
      value = args[++k];
    } else {
      throw std::invalid_argument("option " + std::string(name) + " needs a value");
    }
    if (name == "--snapshots") {
      problem.snapshots = parse_number<int>(value, name);
    } else if (name == "--final-time") {
      problem.final_time = parse_number<double>(value, name);
    } else if (name == "--tolerance") {
      problem.tolerance = parse_number<double>(value, name);
    } else {
      throw std::invalid_argument("unknown option " + std::string(name));
    }
  }
  if (positional.size() != 8) {
    throw std::invalid_argument("expected 8 arguments (nx ny nsteps T0 T1 T2 T3 T4), got " +
                                std::to_string(positional.size()));
  }
  problem.nx = parse_number<int>(positional[0], "nx");
  problem.ny = parse_number<int>(positional[1], "ny");
  problem.nsteps = parse_number<int>(positional[2], "nsteps");
  problem.t0 = parse_number<double>(positional[3], "T0");
  for (int w = 0; w < 4; ++w) {
    problem.walls[w] = parse_number<double>(positional[4 + w], "T" + std::to_string(w + 1));
  }
  return problem;
}

std::string usage(std::string_view program) {
  return "usage: " + std::string(program) +
         " nx ny nsteps T0 T1 T2 T3 T4 [--snapshots S] [--final-time T] [--tolerance E]\n"
         "  nx, ny        interior cells in x and y (domain 10 x 10)\n"
         "  nsteps        at least this many implicit Euler steps (rounded up to a multiple of S)\n"
         "  T0            initial temperature\n"
         "  T1 T2 T3 T4   wall temperatures: left (x=0), right (x=10), bottom (y=0), top (y=10)\n"
         "  --snapshots   fields sent, evenly spaced in time (default 100)\n"
         "  --final-time  simulated time (default 1)\n"
         "  --tolerance   CG relative residual (default 1e-4)\n";
}

}  // namespace heat
