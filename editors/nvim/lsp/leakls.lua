---@brief
---
--- leakls: goroutine leak diagnostics with quick fixes for Go, and per-line
--- annotations from goroutine dumps.
---
--- Install the `leakls` binary: `cargo install --path .` in a leakls checkout.
---
--- Settings go in `init_options` (or `settings = { leakls = { ... } }`), with
--- the keys of `leakls.toml`:
---
--- ```lua
--- vim.lsp.config('leakls', {
---   init_options = {
---     disable = { 'ticker-not-stopped' },
---     severity = { ['unreceived-send'] = 'error' },
---     tests = { failurePaths = 'report' },   -- default 'hint'
---     runtime = { libraryPrefixes = { 'example.com/internal/log' }, watchIntervalSeconds = 10 },
---   },
--- })
--- ```
---
--- The goroutine-dump commands (`:LeaklsLoadDump`, `:LeaklsWatch`, ...) come
--- with `plugin/leakls.lua` beside this file.

---@type vim.lsp.Config
return {
  cmd = { 'leakls', 'serve' },
  filetypes = { 'go' },
  root_markers = { 'go.mod', '.git' },
}
