-- wrk script for bench/load.py: counts the responses by status in each
-- thread and prints, when the run ends, one JSON line the bench parses.
-- Latencies are wrk's own (microseconds, every response).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "statuses": {%s}, "socket_errors": %d, '
      .. '"timeouts": %d, "p50_us": %d, "p95_us": %d}\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(95)))
end
