#pragma once
// The ranks of one client, as the client library needs them: a serial group
// of one, or a duplicate of the user's MPI communicator (so that our
// collectives never match the user's messages).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "apiary/config.h"
#if APIARY_WITH_MPI
#include <mpi.h>
#endif

namespace apiary::client {

#if APIARY_WITH_MPI
// A duplicate of comm whose MPI errors return to the caller, which turns
// them into APIARY_STATUS_MPI: the user's communicator may well abort the
// whole job on an error (MPI_ERRORS_ARE_FATAL, MPI's default).
MPI_Comm duplicate_returning_errors(MPI_Comm comm);
#endif

class RankGroup {
 public:
  RankGroup() = default;  // serial: one rank
#if APIARY_WITH_MPI
  explicit RankGroup(MPI_Comm comm);
#endif
  RankGroup(const RankGroup&) = delete;
  RankGroup& operator=(const RankGroup&) = delete;
  ~RankGroup();

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Sum of value over the ranks before this one (0 on rank 0).
  std::uint64_t exclusive_prefix_sum(std::uint64_t value) const;
  std::uint64_t sum(std::uint64_t value) const;
  // Rank 0's bytes, on every rank (the others' argument is ignored).
  std::vector<std::byte> broadcast(std::vector<std::byte> bytes) const;
  void barrier() const;

 private:
  int rank_ = 0;
  int size_ = 1;
#if APIARY_WITH_MPI
  MPI_Comm comm_ = MPI_COMM_NULL;
#endif
};

}  // namespace apiary::client
