// The study's key files: private on disk, read back as written, and refused
// with the file and the problem named when they are not.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "security/curve_keys.hpp"

namespace apiary::security {
namespace {

namespace fs = std::filesystem;

class KeyFiles : public ::testing::Test {
 protected:
  KeyFiles() : run_dir_(fs::temp_directory_path() / ("apiary-keys-" + std::to_string(::getpid()))) {
    fs::remove_all(run_dir_);
    fs::create_directories(run_dir_);
  }
  ~KeyFiles() override { fs::remove_all(run_dir_); }

  static unsigned mode_of(const fs::path& path) {
    struct stat status {};
    ::stat(path.c_str(), &status);
    return status.st_mode & 0777;
  }

  // The message of the error that reading the client key file raises.
  std::string client_key_error() const {
    try {
      read_client_keys(key_files_of(run_dir_).client);
    } catch (const Error& error) {
      EXPECT_EQ(error.status(), APIARY_STATUS_ENVIRONMENT);
      return error.what();
    }
    return "no error";
  }

  // The study's client key file, with text instead of its keys (still private).
  void replace_client_key_file(const std::string& text) const {
    const auto file = write_study_keys(run_dir_).client;
    std::ofstream(file, std::ios::trunc) << text;
  }

  fs::path run_dir_;
};

TEST_F(KeyFiles, AreWrittenForTheirOwnerOnlyAndReadBackAsAMatchingSet) {
  const auto files = write_study_keys(run_dir_);
  EXPECT_EQ(mode_of(files.server.parent_path()), 0700u);
  EXPECT_EQ(mode_of(files.server), 0600u);
  EXPECT_EQ(mode_of(files.client), 0600u);
  const auto server = read_server_keys(files.server);
  const auto client = read_client_keys(files.client);
  EXPECT_EQ(server.client_public_key, client.client.public_key);
  EXPECT_EQ(client.server_public_key, server.server.public_key);
  EXPECT_NE(server.server.public_key, client.client.public_key);
  EXPECT_EQ(server.server.secret_key.size(), 40u);
}

TEST_F(KeyFiles, EveryRunGetsNewKeys) {
  const auto first = read_client_keys(write_study_keys(run_dir_).client);
  const auto other_run = run_dir_ / "other";
  const auto second = read_client_keys(write_study_keys(other_run).client);
  EXPECT_NE(first.client.secret_key, second.client.secret_key);
  EXPECT_NE(first.server_public_key, second.server_public_key);
}

TEST_F(KeyFiles, ExistingKeysAreNeverOverwritten) {
  write_study_keys(run_dir_);
  EXPECT_THROW(write_study_keys(run_dir_), Error);
}

TEST_F(KeyFiles, AFileOthersMayReadIsRefused) {
  const auto files = write_study_keys(run_dir_);
  fs::permissions(files.client, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  const auto message = client_key_error();
  EXPECT_NE(message.find(files.client.string()), std::string::npos) << message;
  EXPECT_NE(message.find("mode 0644"), std::string::npos) << message;
  EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
}

TEST_F(KeyFiles, AMissingFileIsNamed) {
  const auto message = client_key_error();
  EXPECT_NE(message.find("client.key"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

TEST_F(KeyFiles, AMalformedKeyIsNamed) {
  replace_client_key_file("client_public = tooshort\n");
  const auto message = client_key_error();
  EXPECT_NE(message.find("client_public is not a 40-character Z85 CURVE key"), std::string::npos) << message;
}

TEST_F(KeyFiles, AMissingKeyIsNamed) {
  replace_client_key_file("# nothing but a comment\n");
  const auto message = client_key_error();
  EXPECT_NE(message.find("has no client_public"), std::string::npos) << message;
}

}  // namespace
}  // namespace apiary::security
