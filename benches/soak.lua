-- wrk script for benches/soak.sh: a mix of good and bad requests to POST /v1/summaries.
-- Good: the seed record, real records, and the seed with markup and control characters in its
-- text (JSON, Markdown, HTML). Bad: not JSON, not a study, wrong content type, a truncated
-- record, 5,000-deep nesting.
local dir = os.getenv("LAYSUM_FIXTURES") or "tests/fixtures"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*all")
  f:close()
  return s
end

local good = {}
for _, name in ipairs({ "NCT07635758.json", "trials/NCT05602779.json", "trials/NCT06388018.json", "trials/NCT00517179.json" }) do
  table.insert(good, read(dir .. "/" .. name))
end
local seed = good[1]
-- Untrusted text that must still give a safe page: markup and control characters in the title
-- and description.
local marked = string.gsub(seed, '"briefTitle": "', '"briefTitle": "<script>alert(1)</script>\\u0007\\u001b[31m ', 1)
marked = string.gsub(marked, '"briefSummary": "', '"briefSummary": "<img src=x onerror=alert(1)> \\u0000 ', 1)
assert(marked ~= seed)
table.insert(good, marked)
local bad = {
  { "application/json", "protocolSection: yes" },
  { "application/json", '{"name": "Bob"}' },
  { "text/plain", seed },
  { "application/json", string.sub(seed, 1, 500) },
  { "application/json", string.rep("[", 5000) .. string.rep("]", 5000) },
}
local formats = { "json", "markdown", "html" }
local counter = 0

function init(args)
  sent_good, sent_bad = 0, 0
  math.randomseed(os.time() + id)
end

function request()
  if math.random() < 0.7 then
    sent_good = sent_good + 1
    local body = good[math.random(#good)]
    local path = "/v1/summaries?format=" .. formats[math.random(#formats)]
    return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
  else
    sent_bad = sent_bad + 1
    local b = bad[math.random(#bad)]
    return wrk.format("POST", "/v1/summaries", { ["Content-Type"] = b[1] }, b[2])
  end
end

local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local g, b = 0, 0
  for _, t in ipairs(threads) do
    g = g + t:get("sent_good")
    b = b + t:get("sent_bad")
  end
  io.write(string.format("sent: %d good, %d bad; socket errors: %d connect, %d read, %d write, %d timeout; non-2xx/3xx: %d\n",
    g, b, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
