#pragma once
// Moved to server/samples/sample.hpp. Kept only for src/server/ingest,
// whose includes change when its branch and this one are merged; remove
// then.
#include "server/samples/sample.hpp"
