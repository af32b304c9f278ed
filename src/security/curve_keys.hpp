#pragma once
// The study's CURVE keys: one key pair for the server, one for its clients
// (and the launcher), made afresh for every run. They live in the run
// directory, readable by their owner only; a key file that others may read
// is refused, as ssh refuses such a private key.
#include <filesystem>
#include <string>

namespace apiary::security {

// Z85 text of 32-byte CURVE keys (40 characters each).
struct KeyPair {
  std::string public_key;
  std::string secret_key;
};

// What the server needs: its own pair and the one client key it accepts.
struct ServerKeys {
  KeyPair server;
  std::string client_public_key;
};

// What a client (or the launcher) needs: its pair and the server's key.
struct ClientKeys {
  KeyPair client;
  std::string server_public_key;
};

struct StudyKeyFiles {
  std::filesystem::path server;  // RUN_DIR/keys/server.key
  std::filesystem::path client;  // RUN_DIR/keys/client.key
};

// Where a run keeps its keys.
StudyKeyFiles key_files_of(const std::filesystem::path& run_dir);

// A fresh key pair from libsodium's generator (through ZeroMQ).
KeyPair generate_key_pair();

// Creates RUN_DIR/keys (mode 0700) with a new server.key and client.key
// (mode 0600); refuses to overwrite existing ones.
StudyKeyFiles write_study_keys(const std::filesystem::path& run_dir);

// Read a key file; throw apiary::Error (APIARY_STATUS_ENVIRONMENT) naming
// the file and the problem: missing, readable by others, malformed key.
ServerKeys read_server_keys(const std::filesystem::path& file);
ClientKeys read_client_keys(const std::filesystem::path& file);

}  // namespace apiary::security
