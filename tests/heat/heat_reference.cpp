#include "heat_reference.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <set>
#include <stdexcept>
#include <string_view>

namespace heat::testing {

namespace {

// sin(m pi (i + 1) / (n + 1)) for m = 1..n (rows) and i = 0..n-1 (columns).
std::vector<double> sine_basis(int n) {
  std::vector<double> s(static_cast<std::size_t>(n) * n);
  for (int m = 0; m < n; ++m) {
    for (int i = 0; i < n; ++i) {
      s[static_cast<std::size_t>(m) * n + i] = std::sin(std::numbers::pi * (m + 1) * (i + 1) / (n + 1));
    }
  }
  return s;
}

// Applies the 1-D sine basis along x and along y. forward: field to
// coefficients (with the 2 / (n + 1) normalisation); else back.
std::vector<double> sine_transform(std::span<const double> v, int nx, int ny, bool forward) {
  const std::vector<double> sx = sine_basis(nx), sy = sine_basis(ny);
  const double kx = forward ? 2.0 / (nx + 1) : 1.0, ky = forward ? 2.0 / (ny + 1) : 1.0;
  std::vector<double> along_x(v.size(), 0.0), out(v.size(), 0.0);
  for (int j = 0; j < ny; ++j) {
    for (int m = 0; m < nx; ++m) {
      double sum = 0;
      for (int i = 0; i < nx; ++i)
        sum += sx[static_cast<std::size_t>(m) * nx + i] * v[static_cast<std::size_t>(j) * nx + i];
      along_x[static_cast<std::size_t>(j) * nx + m] = kx * sum;
    }
  }
  for (int n = 0; n < ny; ++n) {
    for (int m = 0; m < nx; ++m) {
      double sum = 0;
      for (int j = 0; j < ny; ++j)
        sum += sy[static_cast<std::size_t>(n) * ny + j] * along_x[static_cast<std::size_t>(j) * nx + m];
      out[static_cast<std::size_t>(n) * nx + m] = ky * sum;
    }
  }
  return out;  // the sine basis is symmetric, so the same sums transform back
}

// sinh(a s) / sinh(a l) for 0 <= s <= l, a > 0, without overflow.
double sinh_ratio(double a, double s, double l) {
  return std::exp(a * (s - l)) * (-std::expm1(-2 * a * s)) / (-std::expm1(-2 * a * l));
}

// The names of the environment variables this process started with. An
// in-process test's singleton MPI_Init adds PMIx and Open MPI variables
// that make a child mpirun fail; run_command removes them again.
std::set<std::string> variable_names() {
  std::set<std::string> names;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    names.emplace(text.substr(0, text.find('=')));
  }
  return names;
}
const std::set<std::string> startup_variables = variable_names();

}  // namespace

std::vector<double> exact_discrete_field(const HeatProblem& p, long steps) {
  const int nx = p.nx, ny = p.ny;
  const std::size_t n = static_cast<std::size_t>(nx) * ny;
  const double dx = p.lx / (nx + 1), dy = p.ly / (ny + 1);
  const double dt = p.final_time / (static_cast<double>(steps_per_snapshot(p)) * p.snapshots);
  // -lap_h u* = g, g the walls' terms of the stencil.
  std::vector<double> g(n, 0.0);
  for (int j = 0; j < ny; ++j) {
    g[static_cast<std::size_t>(j) * nx] += p.walls[kLeft] / (dx * dx);
    g[static_cast<std::size_t>(j) * nx + nx - 1] += p.walls[kRight] / (dx * dx);
  }
  for (int i = 0; i < nx; ++i) {
    g[i] += p.walls[kBottom] / (dy * dy);
    g[static_cast<std::size_t>(ny - 1) * nx + i] += p.walls[kTop] / (dy * dy);
  }
  const std::vector<double> g_hat = sine_transform(g, nx, ny, true);
  const std::vector<double> ones(n, 1.0);
  const std::vector<double> ones_hat = sine_transform(ones, nx, ny, true);
  std::vector<double> u_hat(n);
  for (int b = 0; b < ny; ++b) {
    for (int a = 0; a < nx; ++a) {
      const double sx = std::sin(std::numbers::pi * (a + 1) / (2.0 * (nx + 1)));
      const double sy = std::sin(std::numbers::pi * (b + 1) / (2.0 * (ny + 1)));
      const double mu = 4 * sx * sx / (dx * dx) + 4 * sy * sy / (dy * dy);  // eigenvalue of -lap_h
      const std::size_t k = static_cast<std::size_t>(b) * nx + a;
      const double steady = g_hat[k] / mu;
      const double decay = std::pow(1 + dt * p.diffusivity * mu, -static_cast<double>(steps));
      u_hat[k] = steady + (p.t0 * ones_hat[k] - steady) * decay;
    }
  }
  return sine_transform(u_hat, nx, ny, false);
}

std::vector<double> laplace_steady_state(const HeatProblem& p, int terms) {
  const double dx = p.lx / (p.nx + 1), dy = p.ly / (p.ny + 1);
  std::vector<double> u(static_cast<std::size_t>(p.nx) * p.ny, 0.0);
  for (int j = 0; j < p.ny; ++j) {
    for (int i = 0; i < p.nx; ++i) {
      const double x = (i + 1) * dx, y = (j + 1) * dy;
      double sum = 0;
      for (int t = 0; t < terms; ++t) {
        const int m = 2 * t + 1;  // even modes vanish for a constant wall
        const double coefficient = 4 / (m * std::numbers::pi);
        const double ay = m * std::numbers::pi / p.ly;  // modes along a vertical wall
        const double ax = m * std::numbers::pi / p.lx;  // along a horizontal wall
        sum += coefficient * std::sin(ay * y) *
               (p.walls[kLeft] * sinh_ratio(ay, p.lx - x, p.lx) + p.walls[kRight] * sinh_ratio(ay, x, p.lx));
        sum += coefficient * std::sin(ax * x) *
               (p.walls[kBottom] * sinh_ratio(ax, p.ly - y, p.ly) + p.walls[kTop] * sinh_ratio(ax, y, p.ly));
      }
      u[static_cast<std::size_t>(j) * p.nx + i] = sum;
    }
  }
  return u;
}

Dump read_dump(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::int64_t header[3] = {0, 0, 0};
  if (!in.read(reinterpret_cast<char*>(header), sizeof header)) throw std::runtime_error("cannot read " + path);
  Dump dump;
  dump.nx = static_cast<int>(header[0]);
  dump.ny = static_cast<int>(header[1]);
  dump.snapshots = static_cast<int>(header[2]);
  dump.values.resize(static_cast<std::size_t>(dump.nx) * dump.ny * dump.snapshots);
  const auto bytes = static_cast<std::streamsize>(dump.values.size() * sizeof(double));
  if (!in.read(reinterpret_cast<char*>(dump.values.data()), bytes)) throw std::runtime_error(path + " is truncated");
  if (in.peek() != std::ifstream::traits_type::eof()) throw std::runtime_error(path + " is too long");
  return dump;
}

int run_command(const std::string& command, std::string& output) {
  output.clear();
  std::string unset;
  for (const std::string& name : variable_names()) {
    if (!startup_variables.contains(name)) unset += "-u " + name + " ";
  }
  const std::string line = (unset.empty() ? "" : "env " + unset) + command + " 2>&1";
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer;
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), got);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TempFile::TempFile(const std::string& stem) {
  static std::atomic<int> counter{0};
  path_ = (std::filesystem::temp_directory_path() /
           (stem + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".bin"))
              .string();
}

TempFile::~TempFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

double max_abs_difference(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k) worst = std::max(worst, std::abs(a[k] - b[k]));
  return worst;
}

}  // namespace heat::testing
