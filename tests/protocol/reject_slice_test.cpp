// The slice fields of data messages (and the rank fields of hello and end),
// and the id list of study_end.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "protocol/protocol_test_support.hpp"

namespace apiary::protocol::testing {
namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

std::vector<std::byte> data_with(const Header& h, std::size_t payload_bytes) {
  return encode(h, kFieldName, std::vector<std::byte>(payload_bytes, std::byte{0}));
}

TEST(ProtocolSlice, BadDTypeIsRejected) {
  for (std::uint8_t dtype : {std::uint8_t{0}, std::uint8_t{3}, std::uint8_t{0x81}, std::uint8_t{0xFF}}) {
    SCOPED_TRACE(static_cast<int>(dtype));
    auto bytes = valid_data_message();
    patch<std::uint8_t>(bytes, kOffDType, dtype);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::bad_dtype));
  }
}

TEST(ProtocolSlice, Float64SliceIsAccepted) {
  Header h = data_header();
  h.dtype = DType::float64;
  EXPECT_TRUE(accepted(data_with(h, 4 * sizeof(double))));
}

TEST(ProtocolSlice, RankNotBelowRanksIsRejected) {
  Header h = data_header();
  h.client_rank = 2;  // of 2
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::bad_rank));
  h.client_rank = std::numeric_limits<std::uint32_t>::max();
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::bad_rank));
}

TEST(ProtocolSlice, ZeroRanksIsRejected) {
  Header h = data_header();
  h.client_rank = 0;
  h.client_ranks = 0;
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::bad_rank));
}

TEST(ProtocolSlice, EndChecksRanks) {
  Header end;
  end.type = MessageType::end;
  end.client_rank = 1;
  end.client_ranks = 1;
  EXPECT_TRUE(rejected_as(encode(end, kFieldName), RejectReason::bad_rank));
  end.client_rank = 0;
  end.client_ranks = 0;
  EXPECT_TRUE(rejected_as(encode(end, kFieldName), RejectReason::bad_rank));
  end.client_ranks = 1;
  EXPECT_TRUE(accepted(encode(end, kFieldName)));
}

TEST(ProtocolSlice, HelloNeedsRanksAndAGlobalSize) {
  Header hello;
  hello.type = MessageType::hello;
  hello.global_size = 16;
  hello.client_ranks = 0;
  EXPECT_TRUE(rejected_as(encode(hello, kFieldName), RejectReason::bad_rank));
  hello.client_ranks = 2;
  hello.global_size = 0;
  EXPECT_TRUE(rejected_as(encode(hello, kFieldName), RejectReason::bad_size));
  hello.global_size = 16;
  EXPECT_TRUE(accepted(encode(hello, kFieldName)));
}

TEST(ProtocolSlice, ZeroLengthIsBadSize) {
  Header h = data_header();
  h.length = 0;
  EXPECT_TRUE(rejected_as(data_with(h, 0), RejectReason::bad_size));
}

TEST(ProtocolSlice, ZeroGlobalSizeIsBadSize) {
  Header h = data_header();
  h.offset = 0;
  h.global_size = 0;
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::bad_size));
}

TEST(ProtocolSlice, SliceBeyondTheFieldIsOutOfRange) {
  Header h = data_header();  // 4 values in a field of 16
  h.offset = 13;             // [13, 17)
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::offset_out_of_range));
  h.offset = 16;
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::offset_out_of_range));
  h.offset = kMax64;
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::offset_out_of_range));
  h.offset = 12;  // [12, 16): the last slice fits exactly
  EXPECT_TRUE(accepted(data_with(h, 16)));
}

TEST(ProtocolSlice, OffsetPlusLengthOverflowIsOutOfRange) {
  Header h = data_header();
  h.global_size = kMax64;
  h.offset = kMax64 - 2;  // offset + 4 wraps around to 1
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::offset_out_of_range));
  h.offset = kMax64 - 4;  // [max - 4, max): fits
  EXPECT_TRUE(accepted(data_with(h, 16)));
}

TEST(ProtocolSlice, PayloadNotLengthTimesDTypeSizeIsLengthMismatch) {
  Header h = data_header();  // 4 float32 values: 16 bytes
  for (std::size_t bytes : {std::size_t{12}, std::size_t{17}, std::size_t{19}, std::size_t{20}, std::size_t{32}}) {
    SCOPED_TRACE(bytes);
    EXPECT_TRUE(rejected_as(data_with(h, bytes), RejectReason::length_mismatch));
  }
  h.dtype = DType::float64;  // 4 float64 values: 32 bytes
  EXPECT_TRUE(rejected_as(data_with(h, 16), RejectReason::length_mismatch));
  EXPECT_TRUE(accepted(data_with(h, 32)));
}

TEST(ProtocolSlice, LengthTimesDTypeSizeOverflowIsLengthMismatch) {
  Header h = data_header();
  h.offset = 0;
  h.global_size = kMax64;
  h.length = (std::uint64_t{1} << 62) + 1;  // times 4 wraps around to 4
  EXPECT_TRUE(rejected_as(data_with(h, 4), RejectReason::length_mismatch));
}

TEST(ProtocolSlice, StudyEndPayloadMustBeWholeIds) {
  Header h;
  h.type = MessageType::study_end;
  for (std::size_t bytes : {std::size_t{1}, std::size_t{3}, std::size_t{6}, std::size_t{9}}) {
    SCOPED_TRACE(bytes);
    EXPECT_TRUE(rejected_as(encode(h, "", std::vector<std::byte>(bytes, std::byte{1})), RejectReason::length_mismatch));
  }
  EXPECT_TRUE(accepted(encode(h, "", std::vector<std::byte>(8, std::byte{1}))));
}

}  // namespace
}  // namespace apiary::protocol::testing
