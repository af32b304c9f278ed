// RankGroup over MPI, in one process (MPI's singleton start): its
// communicator returns MPI errors to the library, which reports them as
// APIARY_STATUS_MPI, instead of letting MPI abort the simulation.
#include "client/rank_group.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstddef>
#include <cstdlib>
#include <vector>

namespace apiary::client {
namespace {

// MPI starts at the first test that needs it, not in main: listing the
// tests (CTest's discovery, at build time) must not start MPI, whose
// start-up leaks would fail a sanitized build before its suppressions apply.
void ensure_mpi() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  MPI_Init(nullptr, nullptr);
  std::atexit([] {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  });
}

TEST(ClientRankGroup, ItsCommunicatorReturnsErrorsInsteadOfAborting) {
  ensure_mpi();
  // MPI_COMM_WORLD keeps MPI's default, MPI_ERRORS_ARE_FATAL: the duplicate
  // must not inherit it.
  MPI_Comm comm = duplicate_returning_errors(MPI_COMM_WORLD);
  MPI_Errhandler handler = MPI_ERRHANDLER_NULL;
  ASSERT_EQ(MPI_Comm_get_errhandler(comm, &handler), MPI_SUCCESS);
  EXPECT_EQ(handler, MPI_ERRORS_RETURN);
  MPI_Errhandler_free(&handler);
  // An erroneous call (a negative count) comes back as an error code.
  char byte = 0;
  EXPECT_NE(MPI_Bcast(&byte, -1, MPI_BYTE, 0, comm), MPI_SUCCESS);
  MPI_Comm_free(&comm);
}

TEST(ClientRankGroup, OneRankSumsAndBroadcastsItsOwnValues) {
  ensure_mpi();
  RankGroup group(MPI_COMM_WORLD);
  EXPECT_EQ(group.rank(), 0);
  EXPECT_EQ(group.size(), 1);
  EXPECT_EQ(group.sum(42), 42u);
  EXPECT_EQ(group.exclusive_prefix_sum(42), 0u);
  const std::vector<std::byte> bytes = {std::byte{1}, std::byte{0}, std::byte{255}};
  EXPECT_EQ(group.broadcast(bytes), bytes);
  EXPECT_TRUE(group.broadcast({}).empty());
}

}  // namespace
}  // namespace apiary::client
