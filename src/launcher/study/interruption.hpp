#pragma once
// SIGINT and SIGTERM while the launcher waits for its jobs: noted, so that
// the waiting loops cancel the jobs they started and report the signal.
namespace apiary::launcher {

// Installs the handlers (once per run is enough; repeated calls are harmless).
void catch_interruptions();
// The signal received, 0 if none.
int interruption();

}  // namespace apiary::launcher
