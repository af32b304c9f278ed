#include <gtest/gtest.h>

#include <string>

#include "buffer_test_support.hpp"
#include "common/error.hpp"
#include "server/buffer/fifo_buffer.hpp"
#include "server/buffer/firo_buffer.hpp"
#include "server/buffer/reservoir_buffer.hpp"

namespace apiary::server::testing {
namespace {

// The message of the apiary::Error that make_buffer throws; fails the test if
// it throws nothing or another type.
std::string error_of(const BufferOptions& options) {
  try {
    make_buffer(options);
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), APIARY_STATUS_INVALID_ARGUMENT);
    return error.what();
  }
  ADD_FAILURE() << "make_buffer accepted kind '" << config::name_of(options.kind) << "'";
  return {};
}

BufferOptions options_for(const char* kind) {
  BufferOptions options;
  options.kind = buffer_kind(kind);
  options.capacity = 10;
  options.watermark = 5;
  options.pseudo_epochs = 2;
  return options;
}

TEST(BufferRegistry, BuildsEachKind) {
  auto fifo = make_buffer(options_for("fifo"));
  auto firo = make_buffer(options_for("firo"));
  auto reservoir = make_buffer(options_for("reservoir"));
  EXPECT_NE(dynamic_cast<FifoBuffer*>(fifo.get()), nullptr);
  EXPECT_NE(dynamic_cast<FiroBuffer*>(firo.get()), nullptr);
  EXPECT_NE(dynamic_cast<ReservoirBuffer*>(reservoir.get()), nullptr);
  EXPECT_EQ(reservoir->capacity(), 10u);
  EXPECT_EQ(reservoir->stats().capacity, 10u);
}

TEST(BufferRegistry, RejectsZeroCapacity) {
  for (const char* kind : {"fifo", "firo", "reservoir"}) {
    BufferOptions options = options_for(kind);
    options.capacity = 0;
    options.watermark = 0;
    EXPECT_NE(error_of(options).find("capacity must be at least 1"), std::string::npos) << kind;
  }
}

TEST(BufferRegistry, FifoIgnoresTheWatermark) {
  BufferOptions options = options_for("fifo");
  options.watermark = 11;
  EXPECT_NO_THROW(make_buffer(options));
}

TEST(BufferRegistry, RejectsZeroPseudoEpochs) {
  BufferOptions options = options_for("firo");
  options.pseudo_epochs = 0;
  EXPECT_NE(error_of(options).find("pseudo_epochs must be at least 1"), std::string::npos);
}

TEST(BufferRegistry, MaxServesIsIgnoredByFifoAndFiro) {
  // FIFO serves each sample once and FIRO pseudo_epochs times, whatever max_serves says.
  BufferOptions options = options_for("firo");
  options.capacity = 4;
  options.watermark = 4;
  options.pseudo_epochs = 3;
  options.max_serves = 1;
  auto firo = make_buffer(options);
  put_range(*firo, 0, 4);
  firo->close();
  for (const auto& [id, count] : drain(*firo, 2)) {
    EXPECT_EQ(count, 3) << "sample " << id;
  }
  options.kind = config::BufferKind::fifo;
  EXPECT_NO_THROW(make_buffer(options));
}

TEST(BufferRegistry, RejectsMaxServesBeyondTheSeenCounter) {
  BufferOptions options = options_for("reservoir");
  options.max_serves = std::size_t{1} << 32;
  EXPECT_NE(error_of(options).find("max_serves (4294967296) is too large"), std::string::npos);
}

}  // namespace
}  // namespace apiary::server::testing
