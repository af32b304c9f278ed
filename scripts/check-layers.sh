#!/usr/bin/env bash
# The include rules of Apiary's layers (docs/architecture.md, "The layout"),
# checked on the product's own code: src/, include/ and examples/.
#  1. Each folder may include the project's headers of the layers listed
#     for it only: a quoted include with a folder ("config/...") must start
#     with one of them ("server/samples" admits "server/samples/...").
#  2. Some headers are one folder's alone: libtorch (src/server/trainer/),
#     toml++ (src/config/).
#  3. A few includes are forbidden inside the server, to keep its parts
#     one-way (checkpoint/ saves the trainer's state but never includes it).
# Prints every violation as FILE:LINE: what it includes and the rule; exits
# 1 if there is any.
#   scripts/check-layers.sh [ROOT]   (ROOT: the source tree, default: this repository)
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"

# folder | the project's layers its quoted includes may name (longest folder wins)
layers=(
  'include/apiary/|apiary'
  'src/common/|common apiary'
  'src/protocol/|protocol common apiary'
  'src/security/|security common apiary'
  'src/client/|client protocol security common apiary'
  'src/config/|config common apiary'
  'src/plan/|plan config common apiary'
  'src/launcher/|launcher config plan protocol security common apiary server/dataset/dataset_manifest.hpp'
  'src/server/|server config plan protocol security common apiary'
  'src/server/samples/|server/samples common apiary'
  'examples/|apiary'
)
# header (an extended regex on the included name) | the one folder allowed | why
owned=(
  '^torch/|src/server/trainer/|libtorch costs ~10 s per file and a GPU runtime: only the trainer sees it'
  '^toml\+\+/|src/config/|the study file is read once, in src/config; the rest sees a plain struct'
)
# folder | an included name it must not have (extended regex) | why
forbidden=(
  'src/server/checkpoint/|^server/trainer/|checkpoints save the trainer state; the trainer commits them, never the reverse'
  'src/server/buffer/|^server/(ingest|trainer|checkpoint)/|buffers hold samples and know nothing of their producers or consumers'
  'src/server/ingest/|^server/(trainer|checkpoint|buffer)/|reception hands samples to a sink and knows nothing of training'
)

allowed_layers() {  # the layers of the longest matching folder
  local file="$1" best="" best_layers="__none__"
  for entry in "${layers[@]}"; do
    local folder="${entry%%|*}"
    if [[ "$file" == "$folder"* && ${#folder} -gt ${#best} ]]; then best="$folder"; best_layers="${entry#*|}"; fi
  done
  echo "$best_layers"
}

violations=0
report() { echo "$1"; violations=$((violations + 1)); }
while IFS= read -r hit; do
  file="${hit%%:*}"
  rest="${hit#*:}"
  line="${rest%%:*}"
  directive="${rest#*:}"
  included="$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"$directive")"
  for rule in "${owned[@]}"; do
    IFS='|' read -r pattern allowed why <<<"$rule"
    if [[ "$included" =~ $pattern && "$file" != "$allowed"* ]]; then
      report "$file:$line: includes <$included>, allowed only under $allowed ($why)"
    fi
  done
  for rule in "${forbidden[@]}"; do
    IFS='|' read -r folder pattern why <<<"$rule"
    if [[ "$file" == "$folder"* && "$included" =~ $pattern ]]; then
      report "$file:$line: includes \"$included\", which $folder must not ($why)"
    fi
  done
  # Quoted includes with a folder are the project's own headers.
  if [[ "$directive" =~ \"[^\"]*/[^\"]*\" ]]; then
    permitted="$(allowed_layers "$file")"
    ok=0
    for name in $permitted; do
      if [[ "$included" == "$name"/* || "$included" == "$name" ]]; then ok=1; fi
    done
    if [ "$ok" -eq 0 ]; then
      report "$file:$line: includes \"$included\"; this folder may include only: $permitted"
    fi
  fi
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' \
           --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.c' --include='*.h.in' \
           src include examples 2>/dev/null || true)

if [ "$violations" -gt 0 ]; then
  echo "check-layers: $violations include(s) break the layer rules"
  exit 1
fi
echo "check-layers: every include of src/, include/ and examples/ keeps the layer rules"
