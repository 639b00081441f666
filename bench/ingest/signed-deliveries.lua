-- wrk script: POSTs pre-signed Zoom deliveries to /webhooks/zoom, each body once (in file order,
-- wrapping around only if the run outlasts the file), and prints one JSON line of figures at the end.
-- The file (BENCH_DELIVERIES) has one delivery per line: timestamp, TAB, signature, TAB, body.
local deliveries = {}
local next_index = 1

function init(args)
  local path = os.getenv("BENCH_DELIVERIES")
  for line in io.lines(path) do
    local timestamp, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    deliveries[#deliveries + 1] = wrk.format("POST", "/webhooks/zoom", {
      ["content-type"] = "application/json",
      ["x-zm-request-timestamp"] = timestamp,
      ["x-zm-signature"] = signature,
    }, body)
  end
end

function request()
  local prepared = deliveries[next_index]
  next_index = next_index + 1
  if next_index > #deliveries then next_index = 1 end
  return prepared
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
