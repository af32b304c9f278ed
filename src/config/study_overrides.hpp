#pragma once
// Command-line overrides ("--set section.key=value") applied to the parsed
// study before it is read, so they pass the same checks as the file.
#include <toml++/toml.h>

#include <string>
#include <vector>

#include "config/value_origins.hpp"

namespace apiary::config {

// Sets each override's key in root, and records "--set <override>" as the
// origin of that key (and of its section when the override created it).
// The value is read as a TOML value, or taken as a string if it is not one,
// so "training.model=net.pt" needs no quotes.
void apply_overrides(toml::table& root, const std::vector<std::string>& overrides, ValueOrigins& origins);

}  // namespace apiary::config
