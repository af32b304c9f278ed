#pragma once
// Stand-ins for Slurm's commands: small shell scripts in a directory put
// first on PATH for the length of a test, each counting its calls, so that
// the back ends' retries and state mapping are tested without a cluster.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace apiary::launcher::test {

class FakeCommands {
 public:
  FakeCommands() : dir_(make_dir()) {
    const char* path = std::getenv("PATH");
    old_path_ = path == nullptr ? "" : path;
    ::setenv("PATH", (dir_.string() + ":" + old_path_).c_str(), 1);
  }
  ~FakeCommands() {
    ::setenv("PATH", old_path_.c_str(), 1);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FakeCommands(const FakeCommands&) = delete;
  FakeCommands& operator=(const FakeCommands&) = delete;

  // A command whose body is `script` (sh); $CALL is its call number, from 1.
  void add(const std::string& name, const std::string& script) const {
    const auto file = dir_ / name;
    std::ofstream(file) << "#!/bin/sh\n"
                        << "counter=\"" << (dir_ / (name + ".calls")).string() << "\"\n"
                        << "CALL=$(( $(cat \"$counter\" 2>/dev/null || echo 0) + 1 ))\n"
                        << "echo $CALL > \"$counter\"\n"
                        << script << "\n";
    std::filesystem::permissions(file, std::filesystem::perms::owner_all);
  }

  int calls(const std::string& name) const {
    std::ifstream in(dir_ / (name + ".calls"));
    int count = 0;
    in >> count;
    return count;
  }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  static std::filesystem::path make_dir() {
    static int made = 0;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("apiary-fake-slurm-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
  }

  std::filesystem::path dir_;
  std::string old_path_;
};

}  // namespace apiary::launcher::test
