#include "server/checkpoint/checkpoint_store.hpp"

#include <spdlog/fmt/fmt.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

namespace fs = std::filesystem;

namespace apiary::server {
namespace {

constexpr const char* kLatest = "latest";
constexpr const char* kMeta = "meta.json";

std::string checkpoint_name(std::uint64_t batch) { return fmt::format("batch-{:08d}", batch); }

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(std::string text) {
  const auto end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

}  // namespace

fs::path checkpoints_dir(const fs::path& run_dir) { return run_dir / "checkpoints"; }

fs::path staging_dir(const fs::path& run_dir, std::uint64_t batch) {
  return checkpoints_dir(run_dir) / (checkpoint_name(batch) + ".tmp");
}

void prepare_staging(const fs::path& run_dir, std::uint64_t batch) {
  const auto dir = staging_dir(run_dir, batch);
  fs::remove_all(dir);
  fs::create_directories(dir);
}

fs::path commit_checkpoint(const fs::path& run_dir, const CheckpointMeta& meta) {
  const auto root = checkpoints_dir(run_dir);
  const auto name = checkpoint_name(meta.batch);
  const auto staging = staging_dir(run_dir, meta.batch);
  write_file_atomically(
      staging / kMeta,
      nlohmann::json{{"batch", meta.batch}, {"ranks", meta.ranks}, {"time", meta.time}}.dump(1) + "\n");
  std::string previous;
  if (fs::exists(root / kLatest)) previous = trimmed(read_text(root / kLatest));
  const auto final_dir = root / name;
  fs::remove_all(final_dir);  // a checkpoint of this batch that `latest` no longer names
  fs::rename(staging, final_dir);
  write_file_atomically(root / kLatest, name + "\n");
  // The previous one stays: if this one turned out unreadable, an operator
  // can point `latest` back at it.
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto entry_name = entry.path().filename().string();
    if (!entry.is_directory() || entry_name == name || entry_name == previous) continue;
    if (entry_name.starts_with("batch-")) fs::remove_all(entry.path());
  }
  return final_dir;
}

std::optional<fs::path> latest_checkpoint(const fs::path& run_dir) {
  const auto latest = checkpoints_dir(run_dir) / kLatest;
  if (!fs::exists(latest)) return std::nullopt;
  const auto name = trimmed(read_text(latest));
  if (name.empty() || name.find('/') != std::string::npos)
    throw Error(latest.string() + " does not name a checkpoint directory: '" + name + "'");
  const auto dir = checkpoints_dir(run_dir) / name;
  if (!fs::is_directory(dir)) throw Error(latest.string() + " names " + dir.string() + ", which does not exist");
  read_checkpoint_meta(dir);
  return dir;
}

CheckpointMeta read_checkpoint_meta(const fs::path& checkpoint_dir) {
  const auto file = checkpoint_dir / kMeta;
  try {
    const auto json = nlohmann::json::parse(read_text(file));
    return {json.at("batch").get<std::uint64_t>(), json.at("ranks").get<int>(), json.at("time").get<double>()};
  } catch (const nlohmann::json::exception& error) {
    throw Error("checkpoint metadata " + file.string() + " is invalid: " + error.what());
  }
}

}  // namespace apiary::server
