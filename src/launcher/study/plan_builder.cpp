#include "launcher/study/plan_builder.hpp"

#include "launcher/sampler/parameter_sampler.hpp"

namespace apiary::launcher {

plan::StudyPlan build_plan(const config::StudyConfig& study) {
  plan::StudyPlan result;
  for (const auto& p : study.parameters) result.parameter_names.push_back(p.name);
  auto add = [&](sampler::ParameterSampler& sampler, std::size_t count, plan::Role role) {
    for (std::size_t i = 0; i < count; ++i) {
      const auto id = static_cast<std::uint32_t>(result.simulations.size());
      result.simulations.push_back({id, role, sampler.draw()});
    }
  };
  auto validation = sampler::make_sampler("uniform", study.parameters, study.study.validation_seed);
  add(*validation, study.study.validation_simulations, plan::Role::validation);
  auto training = sampler::make_sampler(study.study.sampler, study.parameters, study.study.seed);
  add(*training, study.study.simulations, plan::Role::training);
  return result;
}

}  // namespace apiary::launcher
