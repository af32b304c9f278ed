#pragma once
// The server's malloc settings, shared with the programs that measure its
// parts (bench/ingest/) so that they allocate the way the server does.
#include <malloc.h>

#include <climits>

namespace apiary::server {

// glibc maps and unmaps the large temporaries of every training step
// (page-fault storms); keeping freed memory in the heap made training
// 1.15x-2.3x faster here (shared/reference/platform.md).
inline void tune_allocator() {
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
}

}  // namespace apiary::server
