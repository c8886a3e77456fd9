-- leakls's goroutine-dump commands, the runtime status for statuslines, and
-- inlay hints for the lines where goroutines wait. Works with any client named
-- `leakls`: the config in lsp/leakls.lua or one made with nvim-lspconfig.
--
--   :LeaklsLoadDump {path|url}    load a goroutine dump (debug=1/2 text, protobuf, crash output)
--   :LeaklsWatch {url} [seconds]  fetch a pprof endpoint every `seconds` (default: the
--                                 server's runtime.watchIntervalSeconds, 10)
--   :LeaklsStopWatching           stop fetching; the annotations stay
--   :LeaklsClear                  drop every loaded dump
--
-- After each change, vim.g.leakls_runtime_status holds the server's status
-- ({ groups, hotSpots, watching, snapshots }) and a `User LeaklsRuntimeStatus`
-- autocommand fires. Set vim.g.leakls_inlay_hints = false to keep inlay hints off.

if vim.g.loaded_leakls then
  return
end
vim.g.loaded_leakls = true

local function notify(message, level)
  vim.notify('leakls: ' .. message, level or vim.log.levels.INFO)
end

--- The leakls client of the current buffer, else any running one.
local function leakls_client()
  return vim.lsp.get_clients({ name = 'leakls', bufnr = 0 })[1] or vim.lsp.get_clients({ name = 'leakls' })[1]
end

local function plural(n, word)
  return ('%d %s%s'):format(n, word, n == 1 and '' or 's')
end

local function describe(status)
  local text = ('%s in %s, %s'):format(
    plural(status.groups, 'goroutine group'),
    plural(status.snapshots, 'snapshot'),
    plural(status.hotSpots, 'hot spot')
  )
  return status.watching and text .. ', watching' or text
end

local function set_status(status)
  vim.g.leakls_runtime_status = status
  vim.api.nvim_exec_autocmds('User', { pattern = 'LeaklsRuntimeStatus', data = status, modeline = false })
end

vim.lsp.handlers['leakls/runtimeStatus'] = function(_, status)
  set_status(status)
end

--- Runs a server command and reports the status it returns.
local function run(command, arguments)
  local client = leakls_client()
  if not client then
    notify('no leakls client is running; open a Go file first', vim.log.levels.ERROR)
    return
  end
  client:exec_cmd({ title = command, command = command, arguments = arguments }, nil, function(err, status)
    if err then
      notify(err.message, vim.log.levels.ERROR)
      return
    end
    set_status(status)
    notify(describe(status))
  end)
end

local function is_url(target)
  return target:match('^https?://') ~= nil
end

vim.api.nvim_create_user_command('LeaklsLoadDump', function(opts)
  local target = opts.args
  if not is_url(target) then
    -- The server does not share Neovim's working directory.
    target = vim.fn.fnamemodify(vim.fn.expand(target), ':p')
  end
  run('leakls.loadDump', { target })
end, { nargs = 1, complete = 'file', desc = 'leakls: load a goroutine dump from a file or URL' })

vim.api.nvim_create_user_command('LeaklsWatch', function(opts)
  local url, seconds = opts.fargs[1], opts.fargs[2]
  if not is_url(url) then
    notify('LeaklsWatch needs an http(s) URL, e.g. http://localhost:6060/debug/pprof/goroutine?debug=2', vim.log.levels.ERROR)
    return
  end
  if seconds == nil then
    -- The server's runtime.watchIntervalSeconds setting applies.
    run('leakls.watch', { url })
    return
  end
  local interval = tonumber(seconds)
  if not interval or interval <= 0 then
    notify('the interval must be a positive number of seconds, not ' .. seconds, vim.log.levels.ERROR)
    return
  end
  run('leakls.watch', { url, interval })
end, { nargs = '+', desc = 'leakls: fetch a goroutine dump URL every [seconds]' })

vim.api.nvim_create_user_command('LeaklsStopWatching', function()
  run('leakls.stopWatching', {})
end, { nargs = 0, desc = 'leakls: stop watching the URL' })

vim.api.nvim_create_user_command('LeaklsClear', function()
  run('leakls.clearDump', {})
end, { nargs = 0, desc = 'leakls: clear the runtime annotations' })

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('leakls', { clear = true }),
  desc = 'leakls: inlay hints for goroutine dumps',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if
      client
      and client.name == 'leakls'
      and vim.g.leakls_inlay_hints ~= false
      and client:supports_method('textDocument/inlayHint', args.buf)
    then
      vim.lsp.inlay_hint.enable(true, { bufnr = args.buf })
    end
  end,
})
