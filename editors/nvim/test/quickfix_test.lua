-- Applies leakls's quick fixes the way a user does (vim.lsp.buf.code_action),
-- writes the file, and checks it is gofmt-clean and no longer reported.

local t = dofile(vim.fs.joinpath(vim.fs.dirname(_G.arg[0]), 'helpers.lua'))
t.setup()
local buf, client = t.open('main.go')

t.wait('both fixture findings', function()
  return t.reported(buf, t.FIXTURE_RULES)
end)
for _, d in ipairs(t.fixture_findings(buf)) do
  t.log('diagnostic %d:%d [%s] %s', d.lnum + 1, d.col + 1, d.code, d.message)
end

--- Puts the cursor on `needle`'s line and applies the one code action titled `title`.
local function apply_fix(needle, title, changed)
  vim.api.nvim_win_set_cursor(0, { t.line_of(buf, needle) + 1, 0 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title == title
    end,
  })
  t.wait('"' .. title .. '" to change the buffer', function()
    return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'):find(changed, 1, true)
  end)
  t.log('applied: %s', title)
end

apply_fix('result <- fetch(id)', 'Buffer the channel', 'result := make(chan string, 1)')
t.wait('the unreceived-send diagnostic to go', function()
  return t.reported(buf, { 'ticker-not-stopped' })
end)
apply_fix('t := time.NewTicker', 'Add `defer t.Stop()`', 't := time.NewTicker(time.Millisecond)\n\tdefer t.Stop()\n')

vim.cmd.write()
local file = vim.api.nvim_buf_get_name(buf)
local gofmt = vim.system({ t.gofmt, '-l', file }, { text = true }):wait()
t.expect(gofmt.code == 0, 'gofmt failed: ' .. (gofmt.stderr or ''))
t.expect(gofmt.stdout == '', 'gofmt would reformat ' .. gofmt.stdout)
t.wait('both findings to go', function()
  return t.reported(buf, {})
end)
t.finish(client)
