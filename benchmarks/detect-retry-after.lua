-- detect.lua with clients that wait out a refusal's Retry-After before their next request, as
-- RFC 9110 (section 10.2.3) asks of a client and as retrying HTTP clients do. Same arguments.
-- wrk calls delay() before each request of a thread; one connection a thread makes it that
-- client's own wait, and wrk starts the latency clock after it.
dofile("benchmarks/detect.lua")

function delay()
   local seconds = retry_after_s or 0
   retry_after_s = nil
   return seconds * 1000
end
