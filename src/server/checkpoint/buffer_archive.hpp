#pragma once
// Samples and training buffers in a checkpoint archive.
#include <vector>

#include "server/buffer/training_buffer.hpp"
#include "server/checkpoint/archive.hpp"
#include "server/samples/sample.hpp"

namespace apiary::server {

void write_sample(ArchiveWriter& out, const Sample& sample);
SamplePtr read_sample(ArchiveReader& in);

void write_samples(ArchiveWriter& out, const std::vector<SamplePtr>& samples);
std::vector<SamplePtr> read_samples(ArchiveReader& in);

void write_buffer(ArchiveWriter& out, const BufferSnapshot& snapshot);
BufferSnapshot read_buffer(ArchiveReader& in);

}  // namespace apiary::server
