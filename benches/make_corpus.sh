#!/usr/bin/env bash
# Makes a large folder of records for measuring `laysum batch`: every record of
# tests/fixtures/trials copied N times (default 2000) under new names.
#   benches/make_corpus.sh /tmp/corpus 2000
#   /usr/bin/time -v target/release/laysum batch /tmp/corpus --out /tmp/pages
set -euo pipefail
out="${1:?usage: make_corpus.sh DIR [COPIES]}"
copies="${2:-2000}"
src="$(cd "$(dirname "$0")/.." && pwd)/tests/fixtures/trials"
mkdir -p "$out"
for record in "$src"/*.json; do
  name="$(basename "$record" .json)"
  for i in $(seq 1 "$copies"); do
    # Hard links where the file system allows: the same bytes, no extra disk.
    ln "$record" "$out/${name}-$i.json" 2>/dev/null || cp "$record" "$out/${name}-$i.json"
  done
done
echo "$(find "$out" -name '*.json' | wc -l) records in $out"
