// Every reject reason is counted under its own name.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "protocol/frame.hpp"

namespace apiary::protocol {
namespace {

TEST(ProtocolRejectReasonName, EveryReasonHasADistinctNonEmptyName) {
  std::set<std::string> names;
  for (int i = 0; i < kRejectReasonCount; ++i) {
    const auto name = reject_reason_name(static_cast<RejectReason>(i));
    SCOPED_TRACE(i);
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string_view::npos) << name;
    names.emplace(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kRejectReasonCount));
}

TEST(ProtocolRejectReasonName, NamesMatchTheEnumerators) {
  EXPECT_EQ(reject_reason_name(RejectReason::truncated), "truncated");
  EXPECT_EQ(reject_reason_name(RejectReason::reserved_nonzero), "reserved_nonzero");
  EXPECT_EQ(reject_reason_name(RejectReason::bad_role), "bad_role");
  EXPECT_EQ(reject_reason_name(RejectReason::bad_routing), "bad_routing");
  EXPECT_EQ(reject_reason_name(RejectReason::bad_endpoint), "bad_endpoint");
  EXPECT_EQ(reject_reason_name(RejectReason::unknown_simulation), "unknown_simulation");
  EXPECT_EQ(reject_reason_name(RejectReason::not_finite), "not_finite");
}

}  // namespace
}  // namespace apiary::protocol
