#include "security/curve_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>

#include "common/error.hpp"

namespace fs = std::filesystem;

namespace apiary::security {
namespace {

constexpr std::size_t kZ85KeyLength = 40;

[[noreturn]] void bad(const fs::path& file, const std::string& what) {
  throw Error("key file " + file.string() + ": " + what, APIARY_STATUS_ENVIRONMENT);
}

// Created with its final mode: the secret is never readable by others, not
// even for the moment between a write and a chmod.
void write_private_file(const fs::path& file, const std::string& text) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error("cannot create key file " + file.string() + ": " + std::strerror(errno));
  const auto written = ::write(fd, text.data(), text.size());
  const bool closed = ::close(fd) == 0;
  if (written != static_cast<ssize_t>(text.size()) || !closed) {
    throw Error("cannot write key file " + file.string() + ": " + std::strerror(errno));
  }
}

std::map<std::string, std::string> read_key_file(const fs::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) bad(file, std::strerror(errno));
  if ((status.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    bad(file, std::string("may be read by other users (mode ") + mode + "); it holds a secret key: chmod 600 it");
  }
  std::ifstream in(file);
  if (!in) bad(file, "cannot be read");
  std::map<std::string, std::string> keys;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto equals = line.find(" = ");
    if (equals == std::string::npos) bad(file, "line " + std::to_string(number) + " is not 'name = key'");
    keys[line.substr(0, equals)] = line.substr(equals + 3);
  }
  return keys;
}

std::string key_named(const std::map<std::string, std::string>& keys, const std::string& name, const fs::path& file) {
  const auto found = keys.find(name);
  if (found == keys.end()) bad(file, "has no " + name);
  std::array<std::uint8_t, 32> binary{};
  if (found->second.size() != kZ85KeyLength || zmq_z85_decode(binary.data(), found->second.c_str()) == nullptr) {
    bad(file, name + " is not a 40-character Z85 CURVE key");
  }
  return found->second;
}

}  // namespace

KeyPair generate_key_pair() {
  std::array<char, kZ85KeyLength + 1> public_key{}, secret_key{};
  if (zmq_curve_keypair(public_key.data(), secret_key.data()) != 0) {
    throw Error(std::string("cannot make a CURVE key pair (is libzmq built with libsodium?): ") +
                zmq_strerror(zmq_errno()));
  }
  return {public_key.data(), secret_key.data()};
}

StudyKeyFiles key_files_of(const fs::path& run_dir) {
  return {run_dir / "keys" / "server.key", run_dir / "keys" / "client.key"};
}

StudyKeyFiles write_study_keys(const fs::path& run_dir) {
  const auto files = key_files_of(run_dir);
  const auto dir = files.server.parent_path();
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  const auto server = generate_key_pair();
  const auto client = generate_key_pair();
  const std::string notice = "# Apiary study keys (ZeroMQ CURVE, Z85). Secret: keep this file mode 0600.\n";
  write_private_file(files.server, notice + "server_public = " + server.public_key + "\nserver_secret = " +
                                       server.secret_key + "\nclient_public = " + client.public_key + "\n");
  write_private_file(files.client, notice + "client_public = " + client.public_key + "\nclient_secret = " +
                                       client.secret_key + "\nserver_public = " + server.public_key + "\n");
  return files;
}

ServerKeys read_server_keys(const fs::path& file) {
  const auto keys = read_key_file(file);
  return {{key_named(keys, "server_public", file), key_named(keys, "server_secret", file)},
          key_named(keys, "client_public", file)};
}

ClientKeys read_client_keys(const fs::path& file) {
  const auto keys = read_key_file(file);
  return {{key_named(keys, "client_public", file), key_named(keys, "client_secret", file)},
          key_named(keys, "server_public", file)};
}

}  // namespace apiary::security
