#pragma once
// The MPI communicator of the server's ranks. Owns MPI's lifetime:
// initialised by the constructor, finalised by the destructor. Only the
// thread that constructed it calls MPI (MPI_THREAD_FUNNELED): the receiver
// threads never do.
#include <memory>

#include "server/parallel/communicator.hpp"

namespace apiary::server {

std::unique_ptr<Communicator> make_mpi_communicator(int* argc, char*** argv);

}  // namespace apiary::server
