#pragma once
// "a, b, c": the lists of known keys and accepted values in error messages.
#include <string>
#include <vector>

namespace apiary::config {

inline std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace apiary::config
