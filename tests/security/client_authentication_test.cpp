// The client library with security on: the study's key gets it in; another
// key, or none, fails apiary_init with APIARY_STATUS_AUTHENTICATION and a
// reason, instead of a timeout.
#include <cstdlib>
#include <string>

#include "apiary/client.h"
#include "security/security_fixture.hpp"

namespace apiary::server::testing {
namespace {

class ClientAuthentication : public SecuredReception {
 protected:
  ClientAuthentication() {
    start();
    ::setenv("APIARY_SERVER", receiver_->endpoints().control.c_str(), 1);
    ::setenv("APIARY_SIMULATION_ID", "0", 1);
    ::setenv("APIARY_TIMEOUT_MS", "20000", 1);
  }
  ~ClientAuthentication() override {
    for (const char* name : {"APIARY_SERVER", "APIARY_SIMULATION_ID", "APIARY_TIMEOUT_MS", "APIARY_KEY_FILE"}) {
      ::unsetenv(name);
    }
  }

  // A key file like the study's, with a client key pair of its own.
  std::filesystem::path stranger_key_file() {
    const auto file = run_dir_ / "stranger.key";
    const auto own = security::generate_key_pair();
    std::ofstream(file) << "client_public = " << own.public_key << "\nclient_secret = " << own.secret_key
                        << "\nserver_public = " << client_keys_.server_public_key << "\n";
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    return file;
  }
};

TEST_F(ClientAuthentication, TheStudyKeyRegistersTheField) {
  ::setenv("APIARY_KEY_FILE", key_files_.client.c_str(), 1);
  ASSERT_EQ(apiary_init_serial(std::string(kField).c_str(), kSize), APIARY_STATUS_OK) << apiary_last_error();
  EXPECT_EQ(apiary_finalize(), APIARY_STATUS_OK) << apiary_last_error();
}

TEST_F(ClientAuthentication, AnotherKeyFailsWithTheReason) {
  const auto file = stranger_key_file();
  ::setenv("APIARY_KEY_FILE", file.c_str(), 1);
  EXPECT_EQ(apiary_init_serial(std::string(kField).c_str(), kSize), APIARY_STATUS_AUTHENTICATION);
  const std::string error = apiary_last_error();
  EXPECT_NE(error.find("refused the connection"), std::string::npos) << error;
  EXPECT_NE(error.find(file.string()), std::string::npos) << error;
  EXPECT_NE(error.find("key was refused"), std::string::npos) << error;
}

TEST_F(ClientAuthentication, NoKeyFailsWithTheReason) {
  EXPECT_EQ(apiary_init_serial(std::string(kField).c_str(), kSize), APIARY_STATUS_AUTHENTICATION);
  const std::string error = apiary_last_error();
  EXPECT_NE(error.find("APIARY_KEY_FILE is not set"), std::string::npos) << error;
  EXPECT_NE(error.find("the study's security"), std::string::npos) << error;
}

TEST_F(ClientAuthentication, AnUnreadableKeyFileIsAnEnvironmentError) {
  ::setenv("APIARY_KEY_FILE", (run_dir_ / "missing.key").c_str(), 1);
  EXPECT_EQ(apiary_init_serial(std::string(kField).c_str(), kSize), APIARY_STATUS_ENVIRONMENT);
  EXPECT_NE(std::string(apiary_last_error()).find("missing.key"), std::string::npos) << apiary_last_error();
}

}  // namespace
}  // namespace apiary::server::testing
