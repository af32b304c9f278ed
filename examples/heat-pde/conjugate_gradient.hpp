#pragma once
// Internal to heat_solver: the implicit-Euler matrix A = I - dt D lap_h on a
// block of rows, applied matrix-free with one halo row from each neighbour,
// and the conjugate gradient that solves A x = b with it.
#include <mpi.h>

#include <cstddef>
#include <span>
#include <vector>

namespace heat::detail {

class StencilOperator {
 public:
  // cx = D dt / dx^2, cy = D dt / dy^2. below / above: the ranks owning the
  // rows just under (lower j) and over this block, or MPI_PROC_NULL at a wall.
  StencilOperator(int nx, int local_rows, double cx, double cy, MPI_Comm comm, int below, int above);

  std::size_t local_size() const { return static_cast<std::size_t>(nx_) * rows_; }
  std::size_t row_size() const { return static_cast<std::size_t>(nx_); }

  // y = A p. p holds local_rows + 2 rows: halo row 0, the block, halo row
  // local_rows + 1; the halos are filled here (zero at the walls).
  void apply(std::span<double> p_with_halo, std::span<double> y) const;

  // Global dot products (one MPI_Allreduce for all the pairs).
  double dot(std::span<const double> a, std::span<const double> b) const;
  void dot2(std::span<const double> a, std::span<const double> b, std::span<const double> c, std::span<const double> d,
            double& ab, double& cd) const;

 private:
  void exchange_halo(std::span<double> p_with_halo) const;

  int nx_, rows_;
  double cx_, cy_;
  MPI_Comm comm_;
  int below_, above_;
};

// Solves A x = b from the initial guess in x, stopping when
// ||b - A x|| <= tolerance ||b||. Returns the iteration count; throws
// std::runtime_error after max_iterations.
int conjugate_gradient(const StencilOperator& a, std::span<const double> b, std::span<double> x, double tolerance,
                       int max_iterations);

}  // namespace heat::detail
