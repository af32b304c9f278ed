#include "config/value_text.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <sstream>

namespace apiary::config {

std::string float_text(double value) {
  char text[32];
  const std::string number(text, std::to_chars(text, text + sizeof text, value).ptr);
  const bool integral = number.find_first_not_of("-0123456789") == std::string::npos;
  return integral ? number + ".0" : number;
}

std::string string_text(const std::string& value) {
  std::ostringstream text;
  text << toml::toml_formatter{toml::value<std::string>(value), toml::format_flags::allow_unicode_strings};
  return text.str();
}

}  // namespace apiary::config
