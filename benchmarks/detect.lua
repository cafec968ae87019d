-- wrk script for bin/benchmark: POSTs one image to a detect URL and prints one JSON line with
-- end-to-end latency p50/p99 and throughput as wrk measured them, and the service's own
-- decode/inference/total milliseconds read from the responses.
--   wrk -c N -t N -d 20s --timeout 120s -s benchmarks/detect.lua URL -- IMAGE CONTENT_TYPE MODEL N

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   image, content_type, model, clients = args[1], args[2], args[3], tonumber(args[4])
   local file = assert(io.open(image, "rb"))
   wrk.method = "POST"
   wrk.body = file:read("*all")
   file:close()
   image_bytes = #wrk.body
   wrk.headers["Content-Type"] = content_type
   wrk.headers["Accept"] = "application/json"
   decode, inference, total = {}, {}, {}
   failures = 0
end

function response(status, headers, body)
   if status ~= 200 then
      failures = failures + 1
      return
   end
   for name, values in pairs({ decode = decode, inference = inference, total = total }) do
      local value = body:match('"' .. name .. 'Ms":([%d%.]+)')
      if value then
         values[#values + 1] = tonumber(value)
      end
   end
end

local function median(values)
   if #values == 0 then
      return "null"
   end
   table.sort(values)
   return string.format("%.2f", values[math.ceil(#values / 2)])
end

function done(summary, latency, requests)
   local all = { decode = {}, inference = {}, total = {} }
   local failed, first = 0, threads[1]
   for _, thread in ipairs(threads) do
      for name, values in pairs(all) do
         for _, value in ipairs(thread:get(name)) do
            values[#values + 1] = value
         end
      end
      failed = failed + thread:get("failures")
   end
   local errors = summary.errors
   failed = failed + errors.connect + errors.read + errors.write + errors.timeout
   io.write(string.format('{"kind": "http", "client": "wrk", "model": "%s", "contentType": "%s", "imageBytes": %d, '
      .. '"clients": %d, "requests": %d, "p50Ms": %.2f, "p99Ms": %.2f, "throughput": %.3f, '
      .. '"serviceInferenceP50Ms": %s, "serviceDecodeP50Ms": %s, "serviceTotalP50Ms": %s, "failures": %d}\n',
      first:get("model"), first:get("content_type"), first:get("image_bytes"), first:get("clients"),
      summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      summary.requests / (summary.duration / 1e6), median(all.inference), median(all.decode), median(all.total),
      failed))
end
