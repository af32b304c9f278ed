#include "launcher/sampler/parameter_sampler.hpp"

#include "common/error.hpp"
#include "launcher/sampler/halton_sampler.hpp"
#include "launcher/sampler/uniform_sampler.hpp"

namespace apiary::sampler {

ParameterSampler::~ParameterSampler() = default;

std::unique_ptr<ParameterSampler> make_sampler(config::SamplerKind kind,
                                               const std::vector<config::ParameterRange>& ranges, std::uint64_t seed) {
  switch (kind) {
    case config::SamplerKind::uniform:
      return std::make_unique<UniformSampler>(ranges, seed);
    case config::SamplerKind::halton:
      return std::make_unique<HaltonSampler>(ranges, seed);
  }
  throw Error("make_sampler: no sampler for kind " + std::to_string(static_cast<int>(kind)));
}

}  // namespace apiary::sampler
