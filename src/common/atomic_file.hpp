#pragma once
#include <filesystem>
#include <string_view>

namespace apiary {

// Writes a file so that readers see the old content or the new one, never
// a partial write: a temporary file in the same directory, then rename.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

}  // namespace apiary
