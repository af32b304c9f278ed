// parse_study and load_study: TOML syntax, then overrides, then reading and
// validation, so that a value from the file and one from --set meet the
// same checks and the same messages.
#include "config/study_config.hpp"

#include <toml++/toml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "config/study_overrides.hpp"
#include "config/study_reader.hpp"
#include "config/study_validation.hpp"
#include "config/value_origins.hpp"

namespace apiary::config {

namespace {

toml::table parse_toml(const std::string& toml_text, const std::string& origin) {
  try {
    return toml::parse(toml_text, origin);
  } catch (const toml::parse_error& error) {
    const toml::source_position where = error.source().begin;
    throw ConfigError(origin + ": line " + std::to_string(where.line) + ", column " + std::to_string(where.column) +
                      ": invalid TOML: " + std::string(error.description()));
  }
}

}  // namespace

StudyConfig parse_study(const std::string& toml_text, const std::string& origin,
                        const std::vector<std::string>& overrides) {
  toml::table root = parse_toml(toml_text, origin);
  ValueOrigins origins(origin);
  apply_overrides(root, overrides, origins);
  StudyConfig config = read_study(root, origins);
  validate_study(config, origins);
  config.source_dir = std::filesystem::current_path();
  return config;
}

StudyConfig load_study(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string() + ": cannot open the study file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(file.string() + ": cannot read the study file: " + std::strerror(errno));
  StudyConfig config = parse_study(text.str(), file.string(), overrides);
  config.source_dir = std::filesystem::absolute(file).lexically_normal().parent_path();
  return config;
}

}  // namespace apiary::config
