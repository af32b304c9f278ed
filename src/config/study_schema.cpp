#include "config/study_schema.hpp"

namespace apiary::config {
namespace {

// Collects names from the schema; the fields themselves are not read.
struct NameCollector {
  std::vector<std::string> sections;
  std::vector<std::string> keys;

  template <class Section>
  void section(const std::string& name, const Section& section) {
    sections.push_back(name);
    visit_keys([&](const char* key, const auto&, KeyRule = {}) { keys.push_back(name + "." + key); }, section);
  }

  template <class Section>
  void tables(const std::string& name, const std::vector<Section>&) {
    section(name, Section{});
  }
};

NameCollector collect() {
  NameCollector collector;
  const StudyConfig defaults;
  visit_sections(collector, defaults);
  return collector;
}

}  // namespace

std::vector<std::string> section_names() { return collect().sections; }

std::vector<std::string> key_paths() { return collect().keys; }

}  // namespace apiary::config
