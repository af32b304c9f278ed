// Both samplers keep the contract of ParameterSampler: one value per range,
// inside it; the same seed repeats the sequence, another seed changes it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sampler/sampler_checks.hpp"

namespace apiary::sampler {
namespace {

const std::vector<config::ParameterRange> kRanges = {
    {"wide", 100.0, 500.0}, {"negative", -5.0, -4.0}, {"tiny", 0.0, 1e-9}, {"far", 1e6, 1e6 + 1.0}};

class SamplerContract : public ::testing::TestWithParam<std::string> {};

TEST_P(SamplerContract, DrawsOneValuePerRangeInsideIt) {
  for (const auto& point : test::draw(GetParam(), kRanges, 3, 2000)) {
    ASSERT_EQ(point.size(), kRanges.size());
    for (std::size_t d = 0; d < kRanges.size(); ++d) {
      EXPECT_GE(point[d], kRanges[d].min) << kRanges[d].name;
      EXPECT_LE(point[d], kRanges[d].max) << kRanges[d].name;
    }
  }
}

TEST_P(SamplerContract, SameSeedSameSequence) {
  EXPECT_EQ(test::draw(GetParam(), kRanges, 42, 100), test::draw(GetParam(), kRanges, 42, 100));
}

TEST_P(SamplerContract, DifferentSeedsDifferentSequences) {
  const auto first = test::draw(GetParam(), kRanges, 1, 100);
  const auto second = test::draw(GetParam(), kRanges, 2, 100);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_NE(first[i], second[i]) << "point " << i;
}

TEST_P(SamplerContract, SuccessivePointsDiffer) {
  const auto points = test::draw(GetParam(), kRanges, 5, 2);
  EXPECT_NE(points[0], points[1]);
}

TEST_P(SamplerContract, MeanOfEachDimensionIsTheMiddle) {
  const std::vector<config::ParameterRange> ranges = {{"a", 100.0, 500.0}, {"b", -1.0, 1.0}, {"c", 0.0, 10.0}};
  const auto points = test::draw(GetParam(), ranges, 7, 4096);
  for (std::size_t d = 0; d < ranges.size(); ++d) {
    const double width = ranges[d].max - ranges[d].min;
    EXPECT_NEAR(test::mean(points, d), ranges[d].min + width / 2, 0.02 * width) << ranges[d].name;
  }
}

TEST_P(SamplerContract, TheStudyFileAcceptsTheKind) {
  const std::string study = "[study]\nname = \"s\"\nsampler = \"" + GetParam() +
                            "\"\n[client]\ncommand = \"c\"\nfield_size = 1\n"
                            "[[parameters]]\nname = \"x\"\nmin = 0\nmax = 1\n";
  const config::StudyConfig config = config::parse_study(study, "study.toml");
  EXPECT_EQ(make_sampler(config.study.sampler, config.parameters, config.study.seed)->draw().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Sampler, SamplerContract, ::testing::Values("uniform", "halton"));

}  // namespace
}  // namespace apiary::sampler
