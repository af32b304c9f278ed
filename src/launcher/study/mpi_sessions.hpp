#pragma once
// Open MPI environment for the launcher's jobs.
//
// One-rank jobs run as isolated singletons (OMPI_MCA_ess_singleton_isolated),
// which start at once instead of forking a daemon: 0.27 s against 4 s per
// MPI_Init measured here. Isolated singletons all get job family 0, so
// concurrent ones shared Open MPI's session directory
// /tmp/ompi.<host>.<uid>/jf.0 and raced to create and remove it ("mkdir ...
// File exists" killed 1 client in 80). Concurrent mpirun jobs race too: one
// removes the shared top directory when it looks empty while another is
// creating its own in it ("orte_session_dir failed" killed a 2-rank client
// in CI). Each job gets its own session directory base, removed when the
// job is over. (The singleton setting is ignored by jobs under mpirun.)
#include <filesystem>
#include <map>
#include <string>

namespace apiary::launcher {

class MpiSessions {
 public:
  MpiSessions();  // a directory of this launcher's under the temporary directory
  ~MpiSessions();
  MpiSessions(const MpiSessions&) = delete;
  MpiSessions& operator=(const MpiSessions&) = delete;

  // The variables for the job called `name` (unique among running jobs).
  std::map<std::string, std::string> environment(const std::string& name);
  // The job is over: its session directory goes.
  void release(const std::string& name);

 private:
  std::filesystem::path root_;
};

}  // namespace apiary::launcher
