#include "launcher/sampler/parameter_sampler.hpp"

#include "common/error.hpp"
#include "launcher/sampler/halton_sampler.hpp"
#include "launcher/sampler/uniform_sampler.hpp"

namespace apiary::sampler {

ParameterSampler::~ParameterSampler() = default;

std::unique_ptr<ParameterSampler> make_sampler(const std::string& kind,
                                               const std::vector<config::ParameterRange>& ranges, std::uint64_t seed) {
  if (kind == "uniform") return std::make_unique<UniformSampler>(ranges, seed);
  if (kind == "halton") return std::make_unique<HaltonSampler>(ranges, seed);
  throw ConfigError("unknown sampler \"" + kind + "\" (known samplers: uniform, halton)");
}

}  // namespace apiary::sampler
