#include "client/rank_group.hpp"

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

RankGroup::RankGroup(MPI_Comm comm) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) throw Error("apiary_init needs MPI_Init first", APIARY_STATUS_MPI);
  check_mpi(MPI_Comm_dup(comm, &comm_), "MPI_Comm_dup");
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

std::string RankGroup::broadcast(const std::string& text) const {
  if (comm_ == MPI_COMM_NULL) return text;
  unsigned long long length = text.size();
  check_mpi(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, comm_), "MPI_Bcast");
  std::string result = rank_ == 0 ? text : std::string(length, '\0');
  check_mpi(MPI_Bcast(result.data(), static_cast<int>(length), MPI_CHAR, 0, comm_), "MPI_Bcast");
  return result;
}

void RankGroup::barrier() const {
  if (comm_ != MPI_COMM_NULL) check_mpi(MPI_Barrier(comm_), "MPI_Barrier");
}
#else
RankGroup::~RankGroup() = default;
std::uint64_t RankGroup::exclusive_prefix_sum(std::uint64_t) const { return 0; }
std::uint64_t RankGroup::sum(std::uint64_t value) const { return value; }
std::string RankGroup::broadcast(const std::string& text) const { return text; }
void RankGroup::barrier() const {}
#endif

}  // namespace apiary::client
