#pragma once
// Where each value of a study came from: the study file, or a --set
// override. Errors name the origin of the value they are about, so a bad
// override is not blamed on a file that never contained it.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace apiary::config {

class ValueOrigins {
 public:
  explicit ValueOrigins(std::string file) : file_(std::move(file)) {}

  // path: "section" or "section.key"; origin: the text shown in errors.
  void set(const std::string& path, const std::string& origin);

  // The origin of a key path such as "training.hidden[1]": the override
  // that set "training.hidden" if any, else the file.
  const std::string& of(std::string_view path) const;

  // Throws apiary::ConfigError "<origin>: <path>: <what>".
  [[noreturn]] void fail(std::string_view path, std::string_view what) const;

 private:
  std::string file_;
  std::map<std::string, std::string, std::less<>> overrides_;
};

}  // namespace apiary::config
