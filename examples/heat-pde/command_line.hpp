#pragma once
// The command line shared by apiary-heat and the test program heat-dump:
//   nx ny nsteps T0 T1 T2 T3 T4 [--snapshots S] [--final-time T] [--tolerance E]
#include <span>
#include <string>
#include <string_view>

#include "heat_solver.hpp"

namespace heat {

// Parses the arguments after the program name (options may come anywhere,
// as "--name value" or "--name=value"). Throws std::invalid_argument with a
// message naming the bad argument; call validate() for the rest.
HeatProblem parse_command_line(std::span<const std::string> args);

// The usage text, ending with a newline.
std::string usage(std::string_view program);

}  // namespace heat
