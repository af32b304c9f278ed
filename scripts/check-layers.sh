#!/usr/bin/env bash
# The include rules of Apiary's layers (docs/architecture.md), checked on
# the product's own code: src/, include/ and examples/. Each rule names a
# header family and the one folder allowed to include it. Prints every
# violation as FILE:LINE: the include and the rule; exits 1 if there is any.
#   scripts/check-layers.sh [ROOT]   (ROOT: the source tree, default: this repository)
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"

# pattern (an extended regex matched against the included name) | allowed folder | why
rules=(
  '^torch/|src/server/trainer/|libtorch costs ~10 s per file and a GPU runtime: only the trainer sees it'
  '^toml\+\+/|src/config/|the study file is read once, in src/config; the rest sees a plain struct'
  '^server/|src/server/|the server is a program: nothing else includes its internals'
  '^launcher/|src/launcher/|the launcher is a program: nothing else includes its internals'
)

violations=0
while IFS= read -r hit; do
  file="${hit%%:*}"
  rest="${hit#*:}"
  line="${rest%%:*}"
  included="$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"${rest#*:}")"
  for rule in "${rules[@]}"; do
    IFS='|' read -r pattern allowed why <<<"$rule"
    if [[ "$included" =~ $pattern && "$file" != "$allowed"* ]]; then
      echo "$file:$line: includes <$included>, allowed only under $allowed ($why)"
      violations=$((violations + 1))
    fi
  done
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' \
           --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.c' \
           src include examples 2>/dev/null || true)

if [ "$violations" -gt 0 ]; then
  echo "check-layers: $violations include(s) break the layer rules"
  exit 1
fi
echo "check-layers: every include of src/, include/ and examples/ keeps the layer rules"
