#include "launcher/study/plan_builder.hpp"

#include "launcher/sampler/parameter_sampler.hpp"

namespace apiary::launcher {

namespace {

std::unique_ptr<sampler::ParameterSampler> sampler_of(const config::StudyConfig& study, plan::Role role) {
  return role == plan::Role::validation
             ? sampler::make_sampler(config::SamplerKind::uniform, study.parameters, study.study.validation_seed)
             : sampler::make_sampler(study.study.sampler, study.parameters, study.study.seed);
}

}  // namespace

plan::StudyPlan build_plan(const config::StudyConfig& study) {
  plan::StudyPlan result;
  for (const auto& p : study.parameters) result.parameter_names.push_back(p.name);
  auto add = [&](sampler::ParameterSampler& sampler, std::size_t count, plan::Role role) {
    for (std::size_t i = 0; i < count; ++i) {
      const auto id = static_cast<std::uint32_t>(result.simulations.size());
      result.simulations.push_back({id, role, sampler.draw()});
    }
  };
  add(*sampler_of(study, plan::Role::validation), study.study.validation_simulations, plan::Role::validation);
  add(*sampler_of(study, plan::Role::training), study.study.simulations, plan::Role::training);
  return result;
}

plan::PlannedSimulation draw_replacement(const config::StudyConfig& study, plan::Role role,
                                         std::uint64_t earlier_redraws, std::uint32_t id) {
  auto sampler = sampler_of(study, role);
  const std::uint64_t planned =
      role == plan::Role::validation ? study.study.validation_simulations : study.study.simulations;
  for (std::uint64_t skipped = 0; skipped < planned + earlier_redraws; ++skipped) sampler->draw();
  return {id, role, sampler->draw()};
}

}  // namespace apiary::launcher
