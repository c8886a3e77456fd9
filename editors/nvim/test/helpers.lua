-- Shared by the headless Neovim tests: sets up leakls from this repository's
-- editors/nvim (lsp/leakls.lua and plugin/leakls.lua, as a user installs them),
-- waits for conditions, and on failure prints what would explain it.
--
-- Scripts run as: nvim --headless --clean -l <script> <editors/nvim> <leakls> <gofmt> <module dir>
-- with their own XDG_STATE_HOME, where the LSP log goes.

local M = {}

M.plugin_dir, M.leakls, M.gofmt, M.root = _G.arg[1], _G.arg[2], _G.arg[3], _G.arg[4]
assert(M.root, 'usage: nvim --headless --clean -l <script> <editors/nvim> <leakls> <gofmt> <module dir>')

local TIMEOUT_MS = 20000

--- Messages Neovim would show (the server's window/showMessage, the plugin's notifications).
M.notifications = {}

function M.log(fmt, ...)
  -- Under -l, print() goes to stderr; test progress goes to stdout.
  io.stdout:write(fmt:format(...), '\n')
end

function M.setup()
  vim.opt.runtimepath:prepend(M.plugin_dir)
  vim.cmd.runtime('plugin/leakls.lua')
  vim.lsp.log.set_level('debug')
  vim.notify = function(message, level)
    table.insert(M.notifications, { message = message, level = level })
    M.log('notify[%s]: %s', level or vim.log.levels.INFO, message)
  end
  -- Neovim echoes a server's non-error window/showMessage instead of notifying.
  local echo = vim.api.nvim_echo
  vim.api.nvim_echo = function(chunks, history, opts)
    local text = table.concat(vim.tbl_map(function(chunk)
      return chunk[1]
    end, chunks))
    table.insert(M.notifications, { message = text, level = vim.log.levels.INFO })
    M.log('echo: %s', text)
    return echo(chunks, history, opts)
  end
  -- Only the binary under test differs from lsp/leakls.lua.
  vim.lsp.config('leakls', { cmd = { M.leakls, 'serve' } })
  vim.lsp.enable('leakls')
  vim.cmd.cd(M.root)
end

function M.fail(message)
  M.log('FAIL: %s', message)
  local buf = vim.api.nvim_get_current_buf()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    M.log('  diagnostic %d:%d [%s] %s', d.lnum + 1, d.col + 1, d.source or '?', d.message)
  end
  M.log('--- buffer %s', vim.api.nvim_buf_get_name(buf))
  M.log('%s', table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'))
  local log = vim.lsp.log.get_filename()
  local file = io.open(log, 'r')
  M.log('--- LSP log %s', log)
  if file then
    M.log('%s', file:read('*a'))
    file:close()
  end
  os.exit(1)
end

--- Waits until `check()` returns a truthy value, and returns it.
function M.wait(what, check, timeout_ms)
  local value
  local ok = vim.wait(timeout_ms or TIMEOUT_MS, function()
    value = check()
    return value and true or false
  end, 20)
  if not ok then
    M.fail('timed out waiting for ' .. what)
  end
  return value
end

function M.expect(condition, message)
  if not condition then
    M.fail(message)
  end
end

--- Opens `name` from the module and waits for the leakls client to attach.
function M.open(name)
  vim.cmd.edit(vim.fs.joinpath(M.root, name))
  local buf = vim.api.nvim_get_current_buf()
  M.expect(vim.bo[buf].filetype == 'go', 'filetype is ' .. vim.bo[buf].filetype)
  local client = M.wait('the leakls client to attach', function()
    return vim.lsp.get_clients({ name = 'leakls', bufnr = buf })[1]
  end)
  M.log('attached: %s (root %s, %s positions)', client.name, client.root_dir, client.offset_encoding)
  M.expect(client.root_dir == M.root, 'root_dir ' .. tostring(client.root_dir) .. ' is not the module ' .. M.root)
  return buf, client
end

--- The buffer's diagnostics from one source.
function M.diagnostics(buf, source)
  return vim.tbl_filter(function(d)
    return d.source == source
  end, vim.diagnostic.get(buf))
end

--- The fixture's findings, sorted by rule; other rules may report more, which the tests leave alone.
M.FIXTURE_RULES = { 'ticker-not-stopped', 'unreceived-send' }

function M.fixture_findings(buf)
  local found = vim.tbl_filter(function(d)
    return vim.list_contains(M.FIXTURE_RULES, d.code)
  end, M.diagnostics(buf, 'leakls'))
  table.sort(found, function(a, b)
    return a.code < b.code
  end)
  return found
end

--- Whether exactly these rules (sorted) report in the buffer, among the fixture's rules.
function M.reported(buf, rules)
  local codes = vim.tbl_map(function(d)
    return d.code
  end, M.fixture_findings(buf))
  return vim.deep_equal(codes, rules)
end

--- 0-based line of the first line containing `needle` (plain text).
function M.line_of(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find(needle, 1, true) then
      return i - 1
    end
  end
  M.fail('no line contains ' .. needle)
end

function M.finish(client)
  client:stop()
  vim.wait(5000, function()
    return client:is_stopped()
  end, 20)
  M.log('PASS')
  os.exit(0)
end

return M
