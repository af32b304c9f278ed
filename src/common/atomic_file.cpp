#include "common/atomic_file.hpp"

#include <unistd.h>

#include <fstream>

#include "common/error.hpp"

namespace apiary {

void write_file_atomically(const std::filesystem::path& file, std::string_view content) {
  const auto temporary = file.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw Error("cannot write " + temporary);
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  if (error) throw Error("cannot rename " + temporary + " to " + file.string() + ": " + error.message());
}

}  // namespace apiary
