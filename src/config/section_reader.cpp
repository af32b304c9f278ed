#include "config/section_reader.hpp"

#include <sstream>
#include <utility>

#include "config/join.hpp"
#include "config/value_text.hpp"

namespace apiary::config {

namespace {

std::string type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

}  // namespace

std::string describe(const toml::node& node) {
  if (node.is_table()) return "a table";
  if (node.is_array()) return "an array";
  if (node.is_string()) return "string " + string_text(node.as_string()->get());
  if (node.is_floating_point()) return "float " + float_text(node.as_floating_point()->get());
  std::ostringstream text;
  text << type_name(node.type()) << ' ';
  node.visit([&text](const auto& value) { text << value; });
  return text.str();
}

SectionReader::SectionReader(const toml::table& table, std::string path, std::string header,
                             const ValueOrigins& origins)
    : table_(table), path_(std::move(path)), header_(std::move(header)), origins_(origins) {}

std::string SectionReader::path_of(std::string_view key) const { return path_ + "." + std::string(key); }

const toml::node* SectionReader::find(std::string_view key, Presence presence) {
  known_.emplace_back(key);
  const toml::node* node = table_.get(key);
  if (node == nullptr && presence == Presence::required) origins_.fail(path_of(key), "missing required key");
  return node;
}

void SectionReader::read(std::string_view key, std::string& field, KeyRule rule) {
  const toml::node* node = find(key, rule.presence);
  if (node != nullptr) field = string_of(key, *node);
}

const std::string& SectionReader::string_of(std::string_view key, const toml::node& node) const {
  if (!node.is_string()) origins_.fail(path_of(key), "expected a string, got " + describe(node));
  return node.as_string()->get();
}

void SectionReader::read(std::string_view key, double& field, KeyRule rule) {
  const toml::node* node = find(key, rule.presence);
  if (node == nullptr) return;
  if (node->is_floating_point()) {
    field = node->as_floating_point()->get();
  } else if (node->is_integer()) {
    field = static_cast<double>(node->as_integer()->get());
  } else {
    origins_.fail(path_of(key), "expected a number, got " + describe(*node));
  }
}

void SectionReader::read(std::string_view key, bool& field, KeyRule rule) {
  const toml::node* node = find(key, rule.presence);
  if (node == nullptr) return;
  if (!node->is_boolean()) origins_.fail(path_of(key), "expected a boolean (true or false), got " + describe(*node));
  field = node->as_boolean()->get();
}

void SectionReader::read(std::string_view key, std::vector<std::string>& field, KeyRule rule) {
  const toml::node* node = find(key, rule.presence);
  if (node == nullptr) return;
  const toml::array& items = array(key, *node);
  field.clear();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) {
      origins_.fail(path_of(key) + "[" + std::to_string(i) + "]", "expected a string, got " + describe(items[i]));
    }
    field.push_back(items[i].as_string()->get());
  }
}

void SectionReader::fail_not_one_of(std::string_view key, const std::string& value,
                                    const std::vector<std::string>& accepted) const {
  origins_.fail(path_of(key), "must be one of " + join(accepted) + ", got " + string_text(value));
}

std::int64_t SectionReader::integer(const std::string& path, const toml::node& node, std::int64_t min,
                                    std::int64_t max) const {
  if (!node.is_integer()) origins_.fail(path, "expected an integer, got " + describe(node));
  const std::int64_t value = node.as_integer()->get();
  if (value < min) {
    const std::string wanted = min == 1   ? "a positive integer"
                               : min == 0 ? "a non-negative integer"
                                          : "an integer >= " + std::to_string(min);
    origins_.fail(path, "must be " + wanted + ", got " + std::to_string(value));
  }
  if (value > max) {
    origins_.fail(path, "must be at most " + std::to_string(max) + ", got " + std::to_string(value));
  }
  return value;
}

const toml::array& SectionReader::array(std::string_view key, const toml::node& node) const {
  if (!node.is_array()) origins_.fail(path_of(key), "expected an array, got " + describe(node));
  return *node.as_array();
}

void SectionReader::reject_unknown_keys() const {
  for (const auto& [key, node] : table_) {
    if (std::find(known_.begin(), known_.end(), key.str()) == known_.end()) {
      origins_.fail(path_of(key.str()), "unknown key (known keys of " + header_ + ": " + join(known_) + ")");
    }
  }
}

}  // namespace apiary::config
