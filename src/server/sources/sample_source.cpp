#include "server/sources/sample_source.hpp"

#include "server/sources/dataset_source.hpp"
#include "server/sources/stream_source.hpp"

namespace apiary::server {

std::unique_ptr<SampleSource> open_sample_source(Communicator& communicator, const config::StudyConfig& study,
                                                 const SampleSourceOptions& options) {
  if (!options.dataset_dir.empty())
    return std::make_unique<DatasetSource>(communicator, study, options.dataset_dir, options.resume);
  return std::make_unique<StreamSource>(communicator, study, options.plan_file, options.run_dir, options.resume);
}

}  // namespace apiary::server
