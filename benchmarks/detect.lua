-- wrk script for bin/benchmark: POSTs one image to a detect URL and prints one JSON line with
-- end-to-end latency p50/p99 and throughput as wrk measured them, the service's own
-- decode/inference/total milliseconds read from the responses, and, for overload, the answers
-- by status with the latency of the served (200) and the refused (503) ones apart.
--   wrk -c N -t N -d 20s --timeout 120s -s benchmarks/detect.lua URL -- IMAGE CONTENT_TYPE MODEL N [HEADER]
-- HEADER ("Name: value") is sent as well: the Open Inference Protocol's Inference-Header-Content-Length,
-- where IMAGE is a whole inference request in its binary tensor data extension, or a deadline
-- (Request-Timeout: MS), whose served answers are then counted by whether they came within it.
-- One connection a thread (-c N -t N): each thread's clock times its one request in flight.

local ffi = require("ffi")
ffi.cdef [[
   typedef struct { long tv_sec; long tv_nsec; } boxserve_timespec;
   int clock_gettime(int clock, boxserve_timespec *time);
]]
local clock = ffi.new("boxserve_timespec")
local function now_ms()
   ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}

-- Each thread keeps its samples as text ("12.5 13.1 "), never as tables: wrk 4.1's thread:get
-- copies a table with script_copy_value, which pops one slot too many off the thread's Lua stack;
-- the next copy can then walk the globals (_G._G._G...) until the stack overflows and wrk dies
-- with SIGSEGV before printing anything (seen as about 1 level in 20 at 32 clients with delay()).
local function sample(samples, value)
   return samples .. value .. " "
end

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
   if args[5] then
      local name, value = args[5]:match("^([^:]+):%s*(.*)$")
      wrk.headers[name] = value
      if name:lower() == "request-timeout" then
         deadline_ms = tonumber(value)
      end
   end
   decode, inference, total = "", "", ""
   served_ms, refused_ms = "", ""
   failures, refused, others, met = 0, 0, 0, 0
   request_body = wrk.format()
end

function request()
   sent_at = now_ms()
   return request_body
end

function response(status, headers, body)
   local elapsed = now_ms() - sent_at
   if status == 503 then
      refused = refused + 1
      refused_ms = sample(refused_ms, elapsed)
      retry_after_s = tonumber(headers["Retry-After"])
   elseif status ~= 200 then
      others = others + 1
   end
   if status ~= 200 then
      failures = failures + 1
      return
   end
   served_ms = sample(served_ms, elapsed)
   if deadline_ms and elapsed <= deadline_ms then
      met = met + 1
   end
   for _, name in ipairs({ "decode", "inference", "total" }) do
      local value = body:match('"' .. name .. 'Ms":([%d%.]+)')
      if value then
         _G[name] = sample(_G[name], value)
      end
   end
end

-- nearest rank, as the report's percentiles
local function percentile(values, p)
   if #values == 0 then
      return "null"
   end
   table.sort(values)
   return string.format("%.2f", values[math.max(1, math.ceil(#values * p / 100))])
end

local function median(values)
   return percentile(values, 50)
end

function done(summary, latency, requests)
   local all = { decode = {}, inference = {}, total = {}, served_ms = {}, refused_ms = {} }
   local failed, refused, others, met, first = 0, 0, 0, 0, threads[1]
   for _, thread in ipairs(threads) do
      for name, values in pairs(all) do
         for value in thread:get(name):gmatch("%S+") do
            values[#values + 1] = tonumber(value)
         end
      end
      failed = failed + thread:get("failures")
      refused = refused + thread:get("refused")
      others = others + thread:get("others")
      met = met + thread:get("met")
   end
   local errors = summary.errors
   local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
   failed = failed + socket_errors
   local seconds = summary.duration / 1e6
   io.write(string.format('{"kind": "http", "client": "wrk", "model": "%s", "contentType": "%s", "imageBytes": %d, '
      .. '"clients": %d, "retryAfterHonoured": %s, "requests": %d, "p50Ms": %.2f, "p99Ms": %.2f, "throughput": %.3f, '
      .. '"serviceInferenceP50Ms": %s, "serviceDecodeP50Ms": %s, "serviceTotalP50Ms": %s, "failures": %d, '
      .. '"served": %d, "refused": %d, "otherStatuses": %d, "socketErrors": %d, "servedPerSecond": %.3f, '
      .. '"servedP50Ms": %s, "servedP99Ms": %s, "refusedP50Ms": %s, "refusedP99Ms": %s, "deadlineMs": %s, '
      .. '"servedWithinDeadline": %s}\n',
      first:get("model"), first:get("content_type"), first:get("image_bytes"), first:get("clients"),
      tostring(delay ~= nil), summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      summary.requests / seconds, median(all.inference), median(all.decode), median(all.total),
      failed, #all.served_ms, refused, others, socket_errors, #all.served_ms / seconds,
      percentile(all.served_ms, 50), percentile(all.served_ms, 99), percentile(all.refused_ms, 50),
      percentile(all.refused_ms, 99), first:get("deadline_ms") or "null",
      first:get("deadline_ms") and #all.served_ms > 0 and string.format("%.4f", met / #all.served_ms) or "null"))
end
