#include "launcher/study/mpi_sessions.hpp"

#include <unistd.h>

namespace apiary::launcher {

MpiSessions::MpiSessions()
    : root_(std::filesystem::temp_directory_path() / ("apiary-mpi-" + std::to_string(::getpid()))) {
  std::filesystem::create_directories(root_);
}

MpiSessions::~MpiSessions() {
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::map<std::string, std::string> MpiSessions::environment(const std::string& name) {
  const auto dir = root_ / name;
  std::filesystem::create_directories(dir);
  return {{"OMPI_MCA_ess_singleton_isolated", "1"}, {"OMPI_MCA_orte_tmpdir_base", dir.string()}};
}

void MpiSessions::release(const std::string& name) {
  std::error_code ignored;
  std::filesystem::remove_all(root_ / name, ignored);
}

}  // namespace apiary::launcher
