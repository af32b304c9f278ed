#!/usr/bin/env bash
# scripts/check-layers.sh must fail, naming the file, line and rule, on a
# tree that breaks each kind of rule (an owned header, a layer, a
# forbidden include), and pass on one that keeps them: the check of
# the real tree (test layer_rules) is then known to be able to fail.
set -euo pipefail
checker="$1"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/src/server/trainer" "$tree/src/launcher" "$tree/src/config" "$tree/include" "$tree/examples"
printf '#include <torch/torch.h>\n' >"$tree/src/server/trainer/ok.cpp"
printf '#include <toml++/toml.h>\n' >"$tree/src/config/ok.cpp"
bash "$checker" "$tree" >/dev/null || { echo "a tree that keeps the rules was refused"; exit 1; }

printf '// a launcher file\n#include <torch/torch.h>\n' >"$tree/src/launcher/bad.cpp"
printf '#include "toml++/toml.h"\n' >"$tree/examples/bad.hpp"
mkdir -p "$tree/src/client" "$tree/src/server/checkpoint"
printf '#include "server/ingest/ingest.hpp"\n' >"$tree/src/client/bad.cpp"
printf '#include "server/trainer/trainer.hpp"\n' >"$tree/src/server/checkpoint/bad.cpp"
if output="$(bash "$checker" "$tree")"; then
  echo "check-layers.sh passed a tree that includes torch in src/launcher:"; echo "$output"; exit 1
fi
grep -q '^src/launcher/bad.cpp:2: includes <torch/torch.h>, allowed only under src/server/trainer/' <<<"$output" ||
  { echo "the torch violation is not named:"; echo "$output"; exit 1; }
grep -q '^examples/bad.hpp:1: includes <toml++/toml.h>, allowed only under src/config/' <<<"$output" ||
  { echo "the toml++ violation is not named:"; echo "$output"; exit 1; }
grep -q '^src/client/bad.cpp:1: includes "server/ingest/ingest.hpp"; this folder may include only: client protocol' \
  <<<"$output" || { echo "the client's include of the server is not named:"; echo "$output"; exit 1; }
grep -q '^src/server/checkpoint/bad.cpp:1: includes "server/trainer/trainer.hpp", which src/server/checkpoint/ must not' \
  <<<"$output" || { echo "the checkpoint's include of the trainer is not named:"; echo "$output"; exit 1; }
echo "check-layers.sh refuses each kind of violation and names it"
