"""Renders records with writer=llm through a running `laysum serve` and prints the table of the
live check: each page accepted or fallen back (with its reason), and its time. Then asks for an
accepted page again, which must come from the cache without a model call, and prints the llm
metrics. Exits non-zero if a page was lost to a protocol failure (the server refused or failed
on the request's shape), took longer than its timeout, or the repeat was not cached.

    python3 check.py LAYSUM_URL OUT_DIR RECORD.json...
"""

import json
import os
import pathlib
import sys
import time
import urllib.request

base, out, records = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
timeout_s = int(os.environ.get("LAYSUM_LLM_TIMEOUT_MS", "60000")) / 1000
(out / "pages").mkdir(parents=True, exist_ok=True)


def post(path):
    body = pathlib.Path(path).read_bytes()
    req = urllib.request.Request(
        f"{base}/v1/summaries?writer=llm",
        data=body,
        headers={"content-type": "application/json"},
    )
    start = time.monotonic()
    with urllib.request.urlopen(req, timeout=timeout_s + 60) as resp:
        page = json.load(resp)
    return page, time.monotonic() - start


def metrics():
    with urllib.request.urlopen(f"{base}/metrics") as resp:
        return [l for l in resp.read().decode().splitlines() if l.startswith("laysum_llm_")]


def metric(lines, name):
    return sum(float(l.split()[-1]) for l in lines if l.split("{")[0].split()[0] == name)


# The reasons a page may fall back for that say the request itself was wrong for the server.
PROTOCOL = ("the model server refused the request", "the model server is unavailable")

rows, failures = [], []
for path in records:
    page, seconds = post(path)
    g = page["generator"]
    nct = page["nct_id"]
    (out / "pages" / f"{nct}.json").write_text(json.dumps(page, indent=2))
    outcome = "accepted" if g["writer"] == "llm" else "fallback"
    reason = g.get("reason", "")
    rows.append((nct, outcome, reason, seconds))
    if reason.startswith(PROTOCOL):
        failures.append(f"{nct}: lost to a protocol failure: {reason}")
    if seconds > timeout_s + 1:
        failures.append(f"{nct}: {seconds:.1f} s, over the {timeout_s:.0f} s timeout")
    print(f"{nct}  {outcome:8}  {seconds:6.1f} s  {reason[:150]}", flush=True)

print()
print("| page | outcome | reason | seconds |")
print("| --- | --- | --- | --- |")
for nct, outcome, reason, seconds in rows:
    reason = reason.replace("|", "/")
    print(f"| {nct} | {outcome} | {reason[:220] or '-'} | {seconds:.1f} |")

accepted = [r for r in rows if r[1] == "accepted"]
times = sorted(r[3] for r in rows)
print()
print(f"pages: {len(rows)}, accepted: {len(accepted)}, fallbacks: {len(rows) - len(accepted)}")
print(f"seconds a page: median {times[len(times) // 2]:.1f}, max {times[-1]:.1f} (timeout {timeout_s:.0f})")

before = metrics()
if accepted:
    again = next(p for p in records if accepted[0][0] in p)
    page, seconds = post(again)
    after = metrics()
    hits = metric(after, "laysum_llm_cache_hits_total") - metric(before, "laysum_llm_cache_hits_total")
    attempts = metric(after, "laysum_llm_http_attempts_total") - metric(before, "laysum_llm_http_attempts_total")
    print(f"repeat of {accepted[0][0]}: writer={page['generator']['writer']}, {seconds:.3f} s, "
          f"cache hits +{hits:.0f}, model requests +{attempts:.0f}")
    if hits != 1 or attempts != 0:
        failures.append("the repeated request was not served from the cache")
else:
    failures.append("no page was accepted, so the cache could not be checked")

print()
print("\n".join(l for l in metrics() if not l.startswith("laysum_llm_attempt_duration_seconds_bucket")))
if failures:
    print("\nFAILED:\n" + "\n".join(failures))
    sys.exit(1)
print("\nlive check passed")
