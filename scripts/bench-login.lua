-- wrk script: every request is a complete login of the demo owner (argon2id verify, throttle
-- check and reset, new session row). Success is a 303 to /praxis; everything else is counted.
wrk.method = "POST"
wrk.body = "email=demo%40sprechzimmer.test&password=Sprechstunde-am-Bildschirm"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "text/html"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

wrong = 0
function response(status, headers, body)
  local location = headers["location"] or headers["Location"]
  if status ~= 303 or location ~= "/praxis" then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("wrong")
  end
  io.write(string.format("logins: %d, not redirected to /praxis: %d\n", summary.requests, total))
end
