#include <gtest/gtest.h>

#include "config/study_config.hpp"
#include "launcher/study/plan_builder.hpp"

namespace apiary::launcher {
namespace {

config::StudyConfig study_of(config::SamplerKind sampler) {
  config::StudyConfig study;
  study.study.simulations = 6;
  study.study.validation_simulations = 2;
  study.study.sampler = sampler;
  study.parameters = {{"a", 0.0, 1.0}, {"b", -5.0, 5.0}};
  return study;
}

TEST(ReplacementDraw, ContinuesTheRolesSequenceWithoutRepeatingAPlannedPoint) {
  for (const auto sampler : {config::SamplerKind::halton, config::SamplerKind::uniform}) {
    SCOPED_TRACE(config::name_of(sampler));
    const auto study = study_of(sampler);
    const auto plan = build_plan(study);
    for (const auto role : {plan::Role::training, plan::Role::validation}) {
      const auto first = draw_replacement(study, role, 0, 8);
      const auto second = draw_replacement(study, role, 1, 9);
      EXPECT_EQ(first.id, 8u);
      EXPECT_EQ(first.role, role);
      EXPECT_NE(first.parameters, second.parameters);
      for (const auto& planned : plan.simulations) EXPECT_NE(first.parameters, planned.parameters);
      EXPECT_EQ(first.parameters, draw_replacement(study, role, 0, 8).parameters);  // a resumed launcher agrees
      ASSERT_EQ(first.parameters.size(), 2u);
      EXPECT_GE(first.parameters[1], -5.0);
      EXPECT_LE(first.parameters[1], 5.0);
    }
  }
}

TEST(ReplacementDraw, IsThePointThePlanWouldHaveDrawnNext) {
  auto study = study_of(config::SamplerKind::halton);
  const auto replacement = draw_replacement(study, plan::Role::training, 0, 8);
  study.study.simulations = 7;
  EXPECT_EQ(build_plan(study).simulations.back().parameters, replacement.parameters);
}

}  // namespace
}  // namespace apiary::launcher
