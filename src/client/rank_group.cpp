#include "client/rank_group.hpp"

#include <limits>
#include <string>

#include "common/error.hpp"

namespace apiary::client {

#if APIARY_WITH_MPI
namespace {
void check_mpi(int code, const char* call) {
  if (code != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw Error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)),
                APIARY_STATUS_MPI);
  }
}
}  // namespace

MPI_Comm duplicate_returning_errors(MPI_Comm comm) {
  MPI_Comm duplicate = MPI_COMM_NULL;
  check_mpi(MPI_Comm_dup(comm, &duplicate), "MPI_Comm_dup");
  const int code = MPI_Comm_set_errhandler(duplicate, MPI_ERRORS_RETURN);
  if (code != MPI_SUCCESS) MPI_Comm_free(&duplicate);
  check_mpi(code, "MPI_Comm_set_errhandler");
  return duplicate;
}

RankGroup::RankGroup(MPI_Comm comm) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) throw Error("apiary_init needs MPI_Init first", APIARY_STATUS_MPI);
  comm_ = duplicate_returning_errors(comm);
  check_mpi(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check_mpi(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

RankGroup::~RankGroup() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (comm_ != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm_);
}

std::uint64_t RankGroup::exclusive_prefix_sum(std::uint64_t value) const {
  if (comm_ == MPI_COMM_NULL) return 0;
  std::uint64_t result = 0;
  check_mpi(MPI_Exscan(&value, &result, 1, MPI_UINT64_T, MPI_SUM, comm_), "MPI_Exscan");
  return rank_ == 0 ? 0 : result;  // MPI leaves rank 0's result undefined
}

std::uint64_t RankGroup::sum(std::uint64_t value) const {
  if (comm_ == MPI_COMM_NULL) return value;
  std::uint64_t result = 0;
  check_mpi(MPI_Allreduce(&value, &result, 1, MPI_UINT64_T, MPI_SUM, comm_), "MPI_Allreduce");
  return result;
}

std::vector<std::byte> RankGroup::broadcast(std::vector<std::byte> bytes) const {
  if (comm_ == MPI_COMM_NULL) return bytes;
  unsigned long long length = bytes.size();
  check_mpi(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, comm_), "MPI_Bcast");
  if (length > static_cast<unsigned long long>(std::numeric_limits<int>::max())) {
    throw Error("broadcast of " + std::to_string(length) + " bytes, beyond MPI's int count", APIARY_STATUS_MPI);
  }
  bytes.resize(length);
  check_mpi(MPI_Bcast(bytes.data(), static_cast<int>(length), MPI_BYTE, 0, comm_), "MPI_Bcast");
  return bytes;
}

void RankGroup::barrier() const {
  if (comm_ != MPI_COMM_NULL) check_mpi(MPI_Barrier(comm_), "MPI_Barrier");
}
#else
RankGroup::~RankGroup() = default;
std::uint64_t RankGroup::exclusive_prefix_sum(std::uint64_t) const { return 0; }
std::uint64_t RankGroup::sum(std::uint64_t value) const { return value; }
std::vector<std::byte> RankGroup::broadcast(std::vector<std::byte> bytes) const { return bytes; }
void RankGroup::barrier() const {}
#endif

}  // namespace apiary::client
