#include "config/study_overrides.hpp"

#include <utility>

#include "common/error.hpp"

namespace apiary::config {

namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// A one-key table {v = value}: toml++ nodes move between tables, not out of them.
toml::table parse_value(const std::string& value) {
  try {
    toml::table parsed = toml::parse("v = " + value);
    if (parsed.size() == 1 && parsed.contains("v")) return parsed;
  } catch (const toml::parse_error&) {
    // Not a TOML value: a bare string such as a path.
  }
  toml::table as_string;
  as_string.insert("v", value);
  return as_string;
}

void apply_override(toml::table& root, const std::string& text, ValueOrigins& origins) {
  const std::string origin = "--set " + text;
  const auto equals = text.find('=');
  const std::string path = trimmed(text.substr(0, equals));
  const auto dot = path.find('.');
  if (equals == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 == path.size() ||
      path.find('.', dot + 1) != std::string::npos) {
    throw ConfigError(origin + ": expected section.key=value, e.g. training.batch_size=32");
  }
  const std::string section = path.substr(0, dot);
  const std::string key = path.substr(dot + 1);
  if (section == "parameters") {
    throw ConfigError(origin + ": parameters: cannot be overridden; edit the [[parameters]] tables of the study");
  }
  if (!root.contains(section)) {
    root.insert(section, toml::table{});
    origins.set(section, origin);
  }
  toml::table* table = root.get(section)->as_table();
  if (table == nullptr) throw ConfigError(origin + ": " + section + ": is not a table in the study");
  toml::table value = parse_value(trimmed(text.substr(equals + 1)));
  table->insert_or_assign(key, std::move(*value.get("v")));
  origins.set(path, origin);
}

}  // namespace

void apply_overrides(toml::table& root, const std::vector<std::string>& overrides, ValueOrigins& origins) {
  for (const std::string& text : overrides) apply_override(root, text, origins);
}

}  // namespace apiary::config
