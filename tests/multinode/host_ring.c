/* An MPI check of the multi-node test cluster (scripts/local-cluster.sh):
 * every rank prints its rank and host name, a token goes once around the ring
 * of ranks (so every neighbour pair talks over the network between hosts),
 * and rank 0 checks that the ranks ran on as many distinct hosts as argv[1]
 * says. Exit 0 when all is as expected. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_SIZE = 256 };

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char name[NAME_SIZE] = {0};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  printf("rank %d of %d on %s\n", rank, size, name);
  fflush(stdout);

  /* The token counts the ranks it has visited. */
  int token = 0;
  if (size > 1) {
    int next = (rank + 1) % size;
    int previous = (rank + size - 1) % size;
    if (rank == 0) {
      token = 1;
      MPI_Send(&token, 1, MPI_INT, next, 0, MPI_COMM_WORLD);
      MPI_Recv(&token, 1, MPI_INT, previous, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      MPI_Recv(&token, 1, MPI_INT, previous, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      ++token;
      MPI_Send(&token, 1, MPI_INT, next, 0, MPI_COMM_WORLD);
    }
  } else {
    token = 1;
  }

  /* Rank 0 gathers the host names and counts the distinct ones. */
  char *names = NULL;
  if (rank == 0) {
    names = calloc((size_t)size, NAME_SIZE);
    if (names == NULL) {
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }
  MPI_Gather(name, NAME_SIZE, MPI_CHAR, names, NAME_SIZE, MPI_CHAR, 0, MPI_COMM_WORLD);
  int status = 0;
  if (rank == 0) {
    int distinct = 0;
    for (int i = 0; i < size; ++i) {
      int seen = 0;
      for (int j = 0; j < i; ++j) {
        if (strcmp(names + (size_t)i * NAME_SIZE, names + (size_t)j * NAME_SIZE) == 0) {
          seen = 1;
          break;
        }
      }
      distinct += !seen;
    }
    int expected = argc > 1 ? atoi(argv[1]) : 1;
    printf("token visited %d of %d ranks; %d distinct hosts, expected %d\n", token, size, distinct,
           expected);
    if (token != size || distinct != expected) {
      status = 1;
    }
    free(names);
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return status;
}
