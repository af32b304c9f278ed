#pragma once
// Environment for one-rank jobs started without mpirun (MPI singletons).
//
// Isolated singletons (OMPI_MCA_ess_singleton_isolated) start at once
// instead of forking a daemon: 0.27 s against 4 s per MPI_Init measured
// here. But they all get job family 0, so concurrent ones share Open MPI's
// session directory /tmp/ompi.<host>.<uid>/jf.0 and race to create and
// remove it ("mkdir ... File exists" killed 1 client in 80). Each job gets
// its own session directory base, removed when the job is over.
#include <filesystem>
#include <map>
#include <string>

namespace apiary::launcher {

class SingletonSessions {
 public:
  SingletonSessions();  // a directory of this launcher's under the temporary directory
  ~SingletonSessions();
  SingletonSessions(const SingletonSessions&) = delete;
  SingletonSessions& operator=(const SingletonSessions&) = delete;

  // The variables for the job called `name` (unique among running jobs).
  std::map<std::string, std::string> environment(const std::string& name);
  // The job is over: its session directory goes.
  void release(const std::string& name);

 private:
  std::filesystem::path root_;
};

}  // namespace apiary::launcher
