#pragma once
// A rank's Ingest state in a checkpoint archive.
#include "server/checkpoint/archive.hpp"
#include "server/ingest/ingest_state.hpp"

namespace apiary::server {

void write_ingest(ArchiveWriter& out, const IngestState& state);
IngestState read_ingest(ArchiveReader& in);

}  // namespace apiary::server
