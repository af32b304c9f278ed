#pragma once
// Reads the keys of one TOML table into typed fields. Every error names the
// key as "section.key", the expected type and what was given; keys that no
// read asked for are rejected, listing the known ones, so a misspelt key
// fails instead of silently keeping its default.
#include <toml++/toml.h>

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "config/options.hpp"
#include "config/study_schema.hpp"
#include "config/value_origins.hpp"

namespace apiary::config {

class SectionReader {
 public:
  // path prefixes keys in messages ("buffer", "parameters[2]"); header is
  // how the table is written in a study file ("[buffer]", "[[parameters]]").
  SectionReader(const toml::table& table, std::string path, std::string header, const ValueOrigins& origins);

  // The schema's visitor (study_schema.hpp): one read per key.
  template <class Field>
  void operator()(std::string_view key, Field& field, KeyRule rule = {}) {
    read(key, field, rule);
  }

  void read(std::string_view key, std::string& field, KeyRule rule);
  // Accepts integers too: "learning_rate = 1" means 1.0.
  void read(std::string_view key, double& field, KeyRule rule);
  // Only true or false: 0 and 1 are integers in TOML, "yes" a string.
  void read(std::string_view key, bool& field, KeyRule rule);
  // An array of strings (possibly empty).
  void read(std::string_view key, std::vector<std::string>& field, KeyRule rule);

  // One of the enum's names (options.hpp); an error lists them.
  template <NamedOption Enum>
  void read(std::string_view key, Enum& field, KeyRule rule) {
    const toml::node* node = find(key, rule.presence);
    if (node == nullptr) return;
    const std::string& name = string_of(key, *node);
    const auto value = option_named<Enum>(name);
    if (!value) fail_not_one_of(key, name, option_names<Enum>());
    field = *value;
  }

  // An integer >= rule.min that fits Int; a float, even 3.0, is an error.
  template <std::integral Int>
  void read(std::string_view key, Int& field, KeyRule rule) {
    if (const toml::node* node = find(key, rule.presence)) {
      field = static_cast<Int>(integer(path_of(key), *node, rule.min, max_of<Int>()));
    }
  }

  // An array of integers, each >= rule.min.
  template <std::integral Int>
  void read(std::string_view key, std::vector<Int>& field, KeyRule rule) {
    const toml::node* node = find(key, rule.presence);
    if (node == nullptr) return;
    const toml::array& items = array(key, *node);
    field.clear();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = path_of(key) + "[" + std::to_string(i) + "]";
      field.push_back(static_cast<Int>(integer(path, items[i], rule.min, max_of<Int>())));
    }
  }

  // Throws on the first key of the table that no read asked for.
  void reject_unknown_keys() const;

 private:
  template <std::integral Int>
  static constexpr std::int64_t max_of() {
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(std::numeric_limits<Int>::max(), std::numeric_limits<std::int64_t>::max()));
  }

  // Records key as known; null when it is absent and optional.
  const toml::node* find(std::string_view key, Presence presence);
  std::string path_of(std::string_view key) const;
  const std::string& string_of(std::string_view key, const toml::node& node) const;
  [[noreturn]] void fail_not_one_of(std::string_view key, const std::string& value,
                                    const std::vector<std::string>& accepted) const;
  std::int64_t integer(const std::string& path, const toml::node& node, std::int64_t min, std::int64_t max) const;
  const toml::array& array(std::string_view key, const toml::node& node) const;

  const toml::table& table_;
  std::string path_;
  std::string header_;
  const ValueOrigins& origins_;
  std::vector<std::string> known_;  // in read order, for the unknown-key message
};

// "integer 3", "string \"abc\"", "a table": what a study file gave, for messages.
std::string describe(const toml::node& node);

}  // namespace apiary::config
