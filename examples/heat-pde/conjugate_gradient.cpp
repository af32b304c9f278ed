#include "conjugate_gradient.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace heat::detail {

namespace {
void check_mpi(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("heat solver: ") + what + " failed");
}
}  // namespace

StencilOperator::StencilOperator(int nx, int local_rows, double cx, double cy, MPI_Comm comm, int below, int above)
    : nx_(nx), rows_(local_rows), cx_(cx), cy_(cy), comm_(comm), below_(below), above_(above) {}

void StencilOperator::exchange_halo(std::span<double> p) const {
  double* bottom_halo = p.data();
  double* first_row = p.data() + nx_;
  double* last_row = p.data() + static_cast<std::size_t>(nx_) * rows_;
  double* top_halo = last_row + nx_;
  // MPI_PROC_NULL leaves the receive buffer alone: zero it for the walls.
  if (below_ == MPI_PROC_NULL) std::fill(bottom_halo, bottom_halo + nx_, 0.0);
  if (above_ == MPI_PROC_NULL) std::fill(top_halo, top_halo + nx_, 0.0);
  check_mpi(MPI_Sendrecv(first_row, nx_, MPI_DOUBLE, below_, 0, top_halo, nx_, MPI_DOUBLE, above_, 0, comm_,
                         MPI_STATUS_IGNORE),
            "MPI_Sendrecv (halo towards lower rows)");
  check_mpi(MPI_Sendrecv(last_row, nx_, MPI_DOUBLE, above_, 1, bottom_halo, nx_, MPI_DOUBLE, below_, 1, comm_,
                         MPI_STATUS_IGNORE),
            "MPI_Sendrecv (halo towards upper rows)");
}

void StencilOperator::apply(std::span<double> p, std::span<double> y) const {
  exchange_halo(p);
  const double diagonal = 1 + 2 * cx_ + 2 * cy_;
  for (int j = 0; j < rows_; ++j) {
    const double* row = p.data() + static_cast<std::size_t>(j + 1) * nx_;
    const double* under = row - nx_;
    const double* over = row + nx_;
    double* out = y.data() + static_cast<std::size_t>(j) * nx_;
    for (int i = 0; i < nx_; ++i) {
      const double left = i > 0 ? row[i - 1] : 0.0;
      const double right = i + 1 < nx_ ? row[i + 1] : 0.0;
      out[i] = diagonal * row[i] - cx_ * (left + right) - cy_ * (under[i] + over[i]);
    }
  }
}

double StencilOperator::dot(std::span<const double> a, std::span<const double> b) const {
  double local = 0;
  for (std::size_t k = 0; k < a.size(); ++k) local += a[k] * b[k];
  double global = 0;
  check_mpi(MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, comm_), "MPI_Allreduce");
  return global;
}

void StencilOperator::dot2(std::span<const double> a, std::span<const double> b, std::span<const double> c,
                           std::span<const double> d, double& ab, double& cd) const {
  double local[2] = {0, 0};
  for (std::size_t k = 0; k < a.size(); ++k) local[0] += a[k] * b[k];
  for (std::size_t k = 0; k < c.size(); ++k) local[1] += c[k] * d[k];
  double global[2] = {0, 0};
  check_mpi(MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, comm_), "MPI_Allreduce");
  ab = global[0];
  cd = global[1];
}

int conjugate_gradient(const StencilOperator& a, std::span<const double> b, std::span<double> x, double tolerance,
                       int max_iterations) {
  const std::size_t n = a.local_size();
  const std::size_t row = a.row_size();
  // p carries a halo row on each side: it is the vector apply() reads.
  std::vector<double> r(n), ap(n), p_halo(n + 2 * row);
  const std::span<double> p(p_halo.data() + row, n);

  std::copy(x.begin(), x.end(), p.begin());
  a.apply(p_halo, ap);
  for (std::size_t k = 0; k < n; ++k) r[k] = b[k] - ap[k];
  double bb = 0, rr = 0;
  a.dot2(b, b, r, r, bb, rr);
  const double threshold = tolerance * tolerance * bb;  // compare squares
  if (bb == 0) {                                        // A x = 0: x = 0 exactly
    std::fill(x.begin(), x.end(), 0.0);
    return 0;
  }
  std::copy(r.begin(), r.end(), p.begin());
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    if (rr <= threshold) return iteration;
    a.apply(p_halo, ap);
    const double alpha = rr / a.dot(p, ap);
    for (std::size_t k = 0; k < n; ++k) {
      x[k] += alpha * p[k];
      r[k] -= alpha * ap[k];
    }
    const double rr_next = a.dot(r, r);
    const double beta = rr_next / rr;
    rr = rr_next;
    for (std::size_t k = 0; k < n; ++k) p[k] = r[k] + beta * p[k];
  }
  if (rr <= threshold) return max_iterations;
  throw std::runtime_error("heat solver: conjugate gradient did not reach the relative residual " +
                           std::to_string(tolerance) + " in " + std::to_string(max_iterations) +
                           " iterations (relative residual " + std::to_string(std::sqrt(rr / bb)) + ")");
}

}  // namespace heat::detail
