#include "config/value_origins.hpp"

#include "common/error.hpp"

namespace apiary::config {

void ValueOrigins::set(const std::string& path, const std::string& origin) { overrides_[path] = origin; }

const std::string& ValueOrigins::of(std::string_view path) const {
  // An element of an array or of [[parameters]] comes from where its key did.
  const std::string_view key = path.substr(0, path.find('['));
  const auto it = overrides_.find(key);
  return it == overrides_.end() ? file_ : it->second;
}

void ValueOrigins::fail(std::string_view path, std::string_view what) const {
  throw ConfigError(of(path) + ": " + std::string(path) + ": " + std::string(what));
}

}  // namespace apiary::config
