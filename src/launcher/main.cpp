// apiary: the launcher. `apiary run STUDY.toml` runs a whole study.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "common/error.hpp"
#include "launcher/study/study_runner.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Apiary: online training of deep surrogates from simulation ensembles"};
  app.require_subcommand(1);
  apiary::launcher::RunOptions options;
  auto* run = app.add_subcommand("run", "run a study: server, simulations, training, summary");
  run->add_option("study", options.study_file, "the study file (TOML)")->required()->check(CLI::ExistingFile);
  run->add_option("--set", options.overrides, "override a study value: section.key=value (repeatable)");
  run->add_option("--run-dir", options.run_dir, "where to write the run (default runs/<study>-<timestamp>)");
  run->add_flag("--quiet", options.quiet, "no progress lines");
  CLI11_PARSE(app, argc, argv);

  // Apiary's own executables (server, example clients) sit beside this one.
  options.bin_dir = std::filesystem::canonical("/proc/self/exe").parent_path();
  try {
    return apiary::launcher::run_study(options);
  } catch (const apiary::ConfigError& error) {
    std::cerr << "apiary: error in the study: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "apiary: " << error.what() << "\n";
    return 1;
  }
}
