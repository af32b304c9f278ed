// Data the study cannot use is rejected and counted under its reason; no
// sample comes out of it.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "ingest/ingest_fixture.hpp"

namespace apiary::server::testing {
namespace {

using protocol::RejectReason;

TEST_F(IngestTest, DataOfAnUnknownSimulationIsRejected) {
  send_step(42, 0);
  EXPECT_TRUE(samples_.empty());
  EXPECT_EQ(rejected(RejectReason::unknown_simulation), 2u);
  EXPECT_EQ(ingest_.counters().messages_rejected(), 2u);
  EXPECT_EQ(ingest_.counters().time_steps_received.load(), 0u);
  EXPECT_EQ(ingest_.pending_steps(), 0u);
}

TEST_F(IngestTest, DataOfAnUnknownFieldIsRejected) {
  ingest_.handle_data(data_message({.rank = 0, .offset = 0, .name = "pressure"}, ramp(4)));
  ingest_.handle_data(data_message({.rank = 1, .offset = 4, .name = "pressure"}, ramp(4)));
  EXPECT_TRUE(samples_.empty());
  EXPECT_EQ(rejected(RejectReason::unknown_field), 2u);
  EXPECT_EQ(ingest_.counters().messages_rejected(), 2u);
}

TEST_F(IngestTest, MalformedDataIsCountedUnderItsDecodeReason) {
  auto truncated = data_message({.rank = 0, .offset = 0}, ramp(4));
  truncated.pop_back();
  ingest_.handle_data(truncated);
  auto bad_magic = data_message({.rank = 0, .offset = 0}, ramp(4));
  bad_magic[0] = std::byte{'X'};
  ingest_.handle_data(bad_magic);
  EXPECT_EQ(rejected(RejectReason::truncated), 1u);
  EXPECT_EQ(rejected(RejectReason::bad_magic), 1u);
  EXPECT_EQ(ingest_.counters().messages_rejected(), 2u);
  EXPECT_EQ(ingest_.counters().messages.load(), 2u);
}

TEST_F(IngestTest, ReassemblyRejectionsAreCountedByReason) {
  ingest_.handle_data(data_message({.rank = 0, .offset = 0, .global_size = 16}, ramp(4)));
  ingest_.handle_data(
      data_message({.rank = 0, .offset = 0}, std::vector<float>{0, std::numeric_limits<float>::infinity(), 0, 0}));
  ingest_.handle_data(data_message({.step = 1, .rank = 0, .offset = 0}, ramp(5)));
  ingest_.handle_data(data_message({.step = 1, .rank = 1, .offset = 3}, ramp(5)));  // overlaps
  EXPECT_TRUE(samples_.empty());
  EXPECT_EQ(rejected(RejectReason::field_size_mismatch), 1u);
  EXPECT_EQ(rejected(RejectReason::not_finite), 1u);
  EXPECT_EQ(rejected(RejectReason::inconsistent_ranks), 1u);
  EXPECT_EQ(ingest_.counters().messages_rejected(), 3u);
}

TEST_F(IngestTest, ControlMessageOnTheDataSocketIsRejected) {
  ingest_.handle_data(hello_message(0, kSize));
  ingest_.handle_data(study_end_message({0}));
  EXPECT_EQ(rejected(RejectReason::unknown_type), 2u);
  EXPECT_FALSE(ingest_.study_ended());
}

}  // namespace
}  // namespace apiary::server::testing
