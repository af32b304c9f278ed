// StreamReception (src/server/stream_reception.cpp) owns the receiver
// thread and the Ingest that thread feeds. When the server's training
// throws, serve() unwinds and destroys it with the thread still running:
// the thread must be stopped before the Ingest is freed. Without that the
// thread reads the freed Ingest once its poll returns, which
// AddressSanitizer reports (make sanitize); the test passes either way in
// an uninstrumented build.
#include "server/stream_reception.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "server/parallel/single_process_communicator.hpp"

namespace apiary::server {
namespace {

TEST(StreamReception, DestroyedWhileReceivingStopsItsThreadBeforeFreeingTheIngest) {
  const auto dir = std::filesystem::temp_directory_path() / ("apiary-stream-reception-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  server::SingleProcessCommunicator communicator;
  config::StudyConfig study;
  study.client.field_size = 4;
  study.server.security = config::Security::none;  // no keys in this directory: the test is about the thread
  plan::StudyPlan plan{{"a"}, {{0, plan::Role::training, {0.5}}}};
  std::atomic<int> finished{0};
  {
    StreamReception reception(communicator, study, plan, dir, [](SamplePtr, plan::Role) {});
    reception.start([] { return true; }, [&] { ++finished; });
    // The thread is now waiting in its poll; leave without stop() or join().
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(finished.load(), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace apiary::server
