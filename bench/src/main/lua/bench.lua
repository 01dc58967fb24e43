-- ScopeGate benchmarks: the wrk script of scripts/bench.
-- Licensed under the Apache License, Version 2.0.
--
-- Configured from the environment (wrk passes no arguments of its own to a script):
--   BENCH_METHOD   GET (default) or POST
--   BENCH_HEADERS  extra headers, "Name: value" separated by "|"
--   BENCH_BODY     request body; "%TOKEN%" is replaced by the next token of BENCH_TOKENS
--   BENCH_BEARER   1: send "Authorization: Bearer <next token of BENCH_TOKENS>"
--   BENCH_TOKENS   file with one token per line; each wrk thread uses its own slice, each token once
--                  (a token used again is counted in "reused")
--   BENCH_THREADS  the -t value (to cut the token file into slices)
-- done() prints one line "BENCH key=value ..." that scripts/bench reads.

local method = os.getenv("BENCH_METHOD") or "GET"
local body_template = os.getenv("BENCH_BODY")
local bearer = os.getenv("BENCH_BEARER") == "1"
local token_file = os.getenv("BENCH_TOKENS")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")

local headers = {}
for h in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
   local name, value = string.match(h, "^%s*([^:]+):%s*(.-)%s*$")
   if name then headers[name] = value end
end
if body_template and not headers["Content-Type"] then
   headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

tokens = nil
index = 0
reused = 0
wrapped = false

function init(args)
   if token_file then
      tokens = {}
      local n = 0
      for line in io.lines(token_file) do
         if n % nthreads == tid then table.insert(tokens, line) end
         n = n + 1
      end
      if #tokens == 0 then error("no tokens for thread " .. tid .. " in " .. token_file) end
   else
      -- a fixed request: wrk builds it once
      wrk.method = method
      wrk.body = body_template
      for k, v in pairs(headers) do wrk.headers[k] = v end
   end
end

if token_file then
   request = function()
      index = index + 1
      if index > #tokens then
         index = 1
         wrapped = true
      end
      if wrapped then reused = reused + 1 end
      local t = tokens[index]
      local h = {}
      for k, v in pairs(headers) do h[k] = v end
      local b = nil
      if bearer then h["Authorization"] = "Bearer " .. t end
      if body_template then b = string.gsub(body_template, "%%TOKEN%%", t) end
      return wrk.format(method, nil, h, b)
   end
end

function done(summary, latency, requests)
   local r = 0
   for _, t in ipairs(threads) do
      r = r + (tonumber(t:get("reused")) or 0)
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d mean_us=%.1f max_us=%d " ..
      "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d reused=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.mean, latency.max,
      e.connect, e.read, e.write, e.status, e.timeout, r))
end
