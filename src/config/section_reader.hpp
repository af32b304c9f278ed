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

#include "config/value_origins.hpp"

namespace apiary::config {

enum class Presence { optional, required };

class SectionReader {
 public:
  // path prefixes keys in messages ("buffer", "parameters[2]"); header is
  // how the table is written in a study file ("[buffer]", "[[parameters]]").
  SectionReader(const toml::table& table, std::string path, std::string header, const ValueOrigins& origins);

  void read(std::string_view key, std::string& field, Presence presence = Presence::optional);
  // Accepts integers too: "learning_rate = 1" means 1.0.
  void read(std::string_view key, double& field, Presence presence = Presence::optional);
  // Only true or false: 0 and 1 are integers in TOML, "yes" a string.
  void read(std::string_view key, bool& field, Presence presence = Presence::optional);

  // An array of strings (possibly empty).
  void read(std::string_view key, std::vector<std::string>& field);

  // An integer >= min that fits Int; a float, even 3.0, is an error.
  template <std::integral Int>
  void read(std::string_view key, Int& field, Int min, Presence presence = Presence::optional) {
    if (const toml::node* node = find(key, presence)) {
      field = static_cast<Int>(integer(path_of(key), *node, static_cast<std::int64_t>(min), max_of<Int>()));
    }
  }

  // An array of integers, each >= min.
  template <std::integral Int>
  void read(std::string_view key, std::vector<Int>& field, Int min) {
    const toml::node* node = find(key, Presence::optional);
    if (node == nullptr) return;
    const toml::array& items = array(key, *node);
    field.clear();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = path_of(key) + "[" + std::to_string(i) + "]";
      field.push_back(static_cast<Int>(integer(path, items[i], static_cast<std::int64_t>(min), max_of<Int>())));
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
