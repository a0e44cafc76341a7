-- wrk script for `make loadtest`: every connection cycles through a mix of
-- reader pages (home, guides, a guide, a topic, foods, search, the tools),
-- each thread starting at a different page. At the end it prints the count
-- of each HTTP status, summed over all threads.

local paths = {
  "/",
  "/guides/",
  "/guides/magnesium-deficiency/",
  "/topics/deficiency/",
  "/foods/",
  "/foods/?sort=potassium&category=legumes",
  "/search/?q=magnesium",
  "/search/?q=leg+cramps+at+night",
  "/tools/magnesium-calculator/?age=35&sex=female&food=almonds-dry-roasted&servings=2",
  "/tools/interactions/?med=omeprazole&med=levothyroxine",
  "/tools/lab-units/?analyte=magnesium&value=1.6&unit=mg%2FdL",
  "/supplements/",
  "/faq/",
}

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 3)
end

function init(args)
  counter = offset
  statuses = {}
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format("%d=%d", status, count))
  end
  table.sort(parts)
  io.write("status counts: " .. table.concat(parts, " ") .. "\n")
end
