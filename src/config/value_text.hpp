#pragma once
// Values written as a study file writes them: what to_toml outputs and
// what error messages quote. toml++'s own printing gives doubles 17 digits
// (0.00050000000000000001) and strings single quotes.
#include <string>

namespace apiary::config {

// The shortest text that reads back to the same double, always a TOML
// float: "0.0005", "100.0", "1e+300", "inf".
std::string float_text(double value);

// A double-quoted TOML string with escapes; non-ASCII text stays readable.
std::string string_text(const std::string& value);

}  // namespace apiary::config
