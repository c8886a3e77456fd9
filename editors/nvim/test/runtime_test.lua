-- Loads the fixture's goroutine dump with the plugin's commands, from the file
-- and by watching a local pprof endpoint, and checks the runtime annotations.

local t = dofile(vim.fs.joinpath(vim.fs.dirname(_G.arg[0]), 'helpers.lua'))
t.setup()
local buf, client = t.open('main.go')
t.wait('static diagnostics', function()
  return t.reported(buf, t.FIXTURE_RULES)
end)
local send_line = t.line_of(buf, 'result <- fetch(id)')

local function runtime_at_send()
  for _, d in ipairs(t.diagnostics(buf, 'leakls-runtime')) do
    if d.lnum == send_line then
      return d
    end
  end
end

--- Waits for a notification at ERROR level that contains `text`.
local function error_notification(text)
  return t.wait('an error mentioning ' .. text, function()
    for _, n in ipairs(t.notifications) do
      if n.level == vim.log.levels.ERROR and n.message:find(text, 1, true) then
        return n
      end
    end
  end)
end

vim.cmd('LeaklsWatch localhost:6060')
error_notification('needs an http(s) URL')
vim.cmd('LeaklsLoadDump no-such-dump.txt')
error_notification(vim.fs.joinpath(t.root, 'no-such-dump.txt'))

-- A relative path: the plugin makes it absolute for the server.
vim.cmd('LeaklsLoadDump goroutines.txt')
local d = t.wait('a runtime diagnostic on the blocked send', runtime_at_send)
t.log('runtime diagnostic %d: %s', d.lnum + 1, d.message)
t.expect(d.message:find('3 goroutines', 1, true), 'message does not count 3 goroutines: ' .. d.message)
t.expect(d.message:find('chan send', 1, true), 'message does not name the state: ' .. d.message)
local status = t.wait('the runtime status', function()
  return vim.g.leakls_runtime_status
end)
t.expect(status.snapshots == 1 and status.hotSpots >= 1 and not status.watching, vim.inspect(status))

t.expect(vim.lsp.inlay_hint.is_enabled({ bufnr = buf }), 'inlay hints are not enabled for the leakls buffer')
t.wait('an inlay hint on the blocked send', function()
  for _, hint in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
    if hint.inlay_hint.position.line == send_line then
      return hint
    end
  end
end)

vim.lsp.codelens.refresh({ bufnr = buf })
local lens = t.wait('a code lens on the function', function()
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if l.command and l.command.title:find('goroutines waiting', 1, true) then
      return l
    end
  end
end)
-- Running the lens on its line asks the server, which shows the function's lines.
vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
vim.lsp.codelens.run()
local listing = t.wait("the listing of the function's goroutines", function()
  for _, n in ipairs(t.notifications) do
    if n.message:find('Goroutines waiting in', 1, true) then
      return n
    end
  end
end)
t.expect(listing.message:find(('line %d: '):format(send_line + 1), 1, true), 'listing lacks the send: ' .. listing.message)

vim.cmd('LeaklsClear')
t.wait('the runtime diagnostics to go', function()
  return #t.diagnostics(buf, 'leakls-runtime') == 0
end)
-- The status comes in its own notification, which may follow the diagnostics.
t.wait('the status to count no snapshot', function()
  return vim.g.leakls_runtime_status.snapshots == 0
end)

-- A pprof endpoint on the loopback that serves the same dump.
local dump = assert(io.open(vim.fs.joinpath(t.root, 'goroutines.txt'), 'rb')):read('*a')
local requests = 0
local server = assert(vim.uv.new_tcp())
assert(server:bind('127.0.0.1', 0))
assert(server:listen(16, function()
  local conn = assert(vim.uv.new_tcp())
  server:accept(conn)
  local request = ''
  conn:read_start(function(_, chunk)
    request = request .. (chunk or '')
    if chunk == nil or request:find('\r\n\r\n', 1, true) then
      conn:read_stop()
      requests = requests + 1
      local head = ('HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n')
        :format(#dump)
      conn:write(head .. dump, function()
        conn:close()
      end)
    end
  end)
end))
local url = ('http://127.0.0.1:%d/debug/pprof/goroutine?debug=2'):format(server:getsockname().port)

vim.cmd('LeaklsWatch ' .. url .. ' 1')
t.wait('a watched snapshot', function()
  local s = vim.g.leakls_runtime_status
  return s and s.watching and s.snapshots >= 1
end)
t.wait('the runtime diagnostic from the URL', runtime_at_send)
t.expect(requests >= 1, 'the endpoint was never fetched')

vim.cmd('LeaklsStopWatching')
t.wait('watching to stop', function()
  return vim.g.leakls_runtime_status.watching == false
end)
local polls = requests
vim.wait(2500)
t.expect(requests == polls, 'the server kept fetching after :LeaklsStopWatching')
server:close()
t.finish(client)
