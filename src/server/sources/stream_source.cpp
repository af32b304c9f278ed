#include "server/sources/stream_source.hpp"

#include "plan/study_plan.hpp"
#include "server/checkpoint/checkpoint_store.hpp"
#include "server/checkpoint/rank_state.hpp"
#include "server/resume.hpp"

namespace apiary::server {
namespace {

std::unique_ptr<TrainingBuffer> configured_buffer(const config::StudyConfig& study, int rank) {
  return make_buffer({.kind = study.buffer.kind,
                      .capacity = study.buffer.capacity,
                      .watermark = study.buffer.watermark,
                      .pseudo_epochs = study.buffer.pseudo_epochs,
                      .seed = study.training.seed + rank,
                      .max_serves = study.buffer.max_serves});
}

Resumption checkpoint_of(const std::filesystem::path& run_dir, int ranks, bool resume) {
  if (!resume) return {};
  const auto checkpoint = checkpoint_to_resume(run_dir, ranks);
  if (!checkpoint) return {};
  return {.checkpoint = *checkpoint, .batch = read_checkpoint_meta(*checkpoint).batch};
}

}  // namespace

StreamSource::StreamSource(Communicator& communicator, const config::StudyConfig& study,
                           const std::filesystem::path& plan_file, const std::filesystem::path& run_dir, bool resume)
    : SampleSource(configured_buffer(study, communicator.rank()), study.client.field_size),
      communicator_(communicator),
      run_dir_(run_dir),
      buffer_kind_(study.buffer.kind),
      checkpoint_every_(study.fault_tolerance.checkpoint_every),
      resumption_(checkpoint_of(run_dir, communicator.size(), resume)) {
  auto& rank = samples();
  const auto sink = [&rank, this](SamplePtr sample, plan::Role role) {
    if (role == plan::Role::validation) return rank.validation.add(std::move(sample));
    rank.statistics.add(*sample);
    if (!rank.buffer->put(std::move(sample))) ++refused_after_training_;
  };
  stream_ = std::make_unique<StreamReception>(communicator, study, plan::read_plan(plan_file), run_dir, sink);
  if (!resumption_.checkpoint.empty())
    restore_rank_state(resumption_.checkpoint, communicator.rank(),
                       {.buffer = *rank.buffer,
                        .validation = rank.validation,
                        .statistics = rank.statistics,
                        .ingest = &stream_->ingest()});
}

void StreamSource::start(const std::atomic<std::uint64_t>& batches_done) {
  auto& buffer = *samples().buffer;
  // has_room() holds once the buffer is closed too: put() then refuses at
  // once, so reading never blocks the receiver.
  stream_->start([&buffer] { return buffer.has_room(); }, [&buffer] { buffer.close(); });
  progress_ = std::make_unique<ProgressFile>(run_dir_, communicator_.rank(), [this, &batches_done] {
    return describe_progress(stream_->ingest(), batches_done.load(), resumption_.batch);
  });
}

void StreamSource::join() {
  stream_->join();
  progress_.reset();
}

// This rank's part of a checkpoint, taken while its receiver is held
// between two messages: reception, buffer, validation set and statistics
// then agree with each other.
RankStateSaver StreamSource::rank_state_saver() {
  return [this](const std::filesystem::path& dir) {
    stream_->pause();
    struct ResumeReception {
      StreamReception& stream;
      ~ResumeReception() { stream.resume(); }
    } resume_reception{*stream_};
    auto& rank = samples();
    return save_rank_state(dir, communicator_.rank(),
                           {.buffer = *rank.buffer,
                            .validation = rank.validation,
                            .statistics = rank.statistics,
                            .ingest = &stream_->ingest()});
  };
}

}  // namespace apiary::server
