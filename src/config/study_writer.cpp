// to_toml: the study as a complete TOML file, sections in the order of
// StudyConfig and every key written, defaults included, so that the run
// directory records exactly what ran and parse_study reads it back equal.
#include <concepts>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "config/study_config.hpp"
#include "config/study_schema.hpp"
#include "config/value_text.hpp"

namespace apiary::config {

namespace {

class TomlWriter {
 public:
  void table(std::string_view header) {
    out_ << (out_.tellp() > 0 ? "\n" : "") << header << '\n';
    header_ = header;
  }

  void key(std::string_view name, const std::string& value) { line(name, string_text(value)); }
  void key(std::string_view name, double value) { line(name, float_text(value)); }
  // Not the integral template: a bool is integral, and would be written 0 or 1.
  void key(std::string_view name, bool value) { line(name, value ? "true" : "false"); }

  template <NamedOption Enum>
  void key(std::string_view name, Enum value) {
    line(name, string_text(std::string(name_of(value))));
  }

  template <std::integral Int>
  void key(std::string_view name, Int value) {
    line(name, integer_text(name, value));
  }

  void key(std::string_view name, const std::vector<std::string>& values) {
    std::string array = "[";
    for (const std::string& value : values) array += (array.size() > 1 ? ", " : "") + string_text(value);
    line(name, array + "]");
  }

  template <std::integral Int>
  void key(std::string_view name, const std::vector<Int>& values) {
    std::string array = "[";
    for (const Int value : values) array += (array.size() > 1 ? ", " : "") + integer_text(name, value);
    line(name, array + "]");
  }

  std::string text() const { return out_.str(); }

 private:
  // TOML integers are signed 64-bit; a larger one would not read back.
  template <std::integral Int>
  std::string integer_text(std::string_view name, Int value) const {
    if (std::cmp_greater(value, std::numeric_limits<std::int64_t>::max())) {
      throw ConfigError("to_toml: " + header_ + " " + std::string(name) + ": " + std::to_string(value) +
                        " does not fit a TOML integer");
    }
    return std::to_string(value);
  }

  void line(std::string_view name, const std::string& value) { out_ << name << " = " << value << '\n'; }

  std::ostringstream out_;
  std::string header_;
};

// Writes each section the schema lists, every key in the schema's order.
struct StudyWriter {
  TomlWriter out;

  template <class Section>
  void section(const std::string& name, const Section& section) {
    out.table("[" + name + "]");
    write_keys(section);
  }

  template <class Section>
  void tables(const std::string& name, const std::vector<Section>& sections) {
    for (const Section& section : sections) {
      out.table("[[" + name + "]]");
      write_keys(section);
    }
  }

  template <class Section>
  void write_keys(const Section& section) {
    visit_keys([this](std::string_view key, const auto& value, KeyRule = {}) { out.key(key, value); }, section);
  }
};

}  // namespace

std::string to_toml(const StudyConfig& config) {
  StudyWriter writer;
  visit_sections(writer, config);
  return writer.out.text();
}

}  // namespace apiary::config
