#include "config/study_reader.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "config/join.hpp"
#include "config/section_reader.hpp"
#include "config/study_schema.hpp"

namespace apiary::config {

namespace {

// Reads each section the schema lists, rejecting what it does not list.
class StudyReader {
 public:
  StudyReader(const toml::table& root, const ValueOrigins& origins) : root_(root), origins_(origins) {}

  // A missing section reads as an empty one: every key keeps its default.
  template <class Section>
  void section(const std::string& name, Section& section) {
    static const toml::table empty;
    const toml::node* node = root_.get(name);
    if (node != nullptr && !node->is_table()) {
      origins_.fail(name, "expected a table ([" + name + "]), got " + describe(*node));
    }
    SectionReader reader(node != nullptr ? *node->as_table() : empty, name, "[" + name + "]", origins_);
    visit_keys(reader, section);
    reader.reject_unknown_keys();
  }

  // At least one table is required: [[parameters]] are the model's inputs.
  template <class Section>
  void tables(const std::string& name, std::vector<Section>& sections) {
    const std::string header = "[[" + name + "]]";
    const toml::node* node = root_.get(name);
    if (node == nullptr) origins_.fail(name, "at least one " + header + " table is required");
    if (!node->is_array()) {
      origins_.fail(name, "expected an array of tables (" + header + "), got " + describe(*node));
    }
    const toml::array& tables = *node->as_array();
    if (tables.empty()) origins_.fail(name, "at least one " + header + " table is required");
    sections.assign(tables.size(), Section{});
    for (std::size_t i = 0; i < tables.size(); ++i) {
      const std::string path = name + "[" + std::to_string(i) + "]";
      if (!tables[i].is_table()) origins_.fail(path, "expected a table (" + header + "), got " + describe(tables[i]));
      SectionReader reader(*tables[i].as_table(), path, header, origins_);
      visit_keys(reader, sections[i]);
      reader.reject_unknown_keys();
    }
  }

 private:
  const toml::table& root_;
  const ValueOrigins& origins_;
};

void reject_unknown_sections(const toml::table& root, const ValueOrigins& origins) {
  const auto known = section_names();
  for (const auto& [key, node] : root) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    const std::string what = node.is_table() ? "unknown section" : "unknown top-level key";
    origins.fail(key.str(), what + " (known sections: " + join(known) + ")");
  }
}

}  // namespace

StudyConfig read_study(const toml::table& root, const ValueOrigins& origins) {
  reject_unknown_sections(root, origins);
  StudyConfig config;
  StudyReader reader(root, origins);
  visit_sections(reader, config);
  return config;
}

}  // namespace apiary::config
