#pragma once
// A fresh directory per test, removed afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace apiary::server::testing {

class TemporaryDirectoryTest : public ::testing::Test {
 protected:
  TemporaryDirectoryTest() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("apiary-" + std::string(test->test_suite_name()) + "-" + test->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TemporaryDirectoryTest() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

}  // namespace apiary::server::testing
