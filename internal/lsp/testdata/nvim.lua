-- Drives kb lsp from headless Neovim, as a writer's editor would: open a
-- page, type a dead reference, wait for its diagnostic, then ask for the
-- anchors after "[[mica-art-61#". TestNeovim runs it:
--
--   KB=path/to/kb SITE=site/folder OUT=result/file nvim --headless -u NONE -l nvim.lua   (0.9+)
--   nvim --headless -u NONE -c "luafile nvim.lua"                                    (0.7, 0.8)
--
-- It writes what it saw to OUT, one finding a line, and quits.
local kb, site, out = os.getenv("KB"), os.getenv("SITE"), os.getenv("OUT")
local lines = {}
local function say(s) table.insert(lines, s) end
local function finish()
  local f = assert(io.open(out, "w"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(site .. "/content/scenarios/sponsorship.md"))
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = "kb", cmd = { kb, "lsp", "--source", site }, root_dir = site }
  local client
  if vim.lsp.start then -- Neovim 0.8 and later
    client = vim.lsp.start(config)
  else
    client = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client)
  end
  say("client: " .. tostring(client))

  -- A dead reference after "—" and curly quotes, at the end of the page.
  local n = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, n, n, false, { "The firm’s “offer” — see [[mica-art-61#p9]]." })
  local found = vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    -- lnum and col are Neovim's: 0-based, col in bytes of the line.
    say(string.format("diagnostic: %d:%d: %s", d.lnum, d.col, d.message))
  end
  if not found then say("diagnostic: none") end

  -- Completion after [[mica-art-61#, on a line of its own.
  n = vim.api.nvim_buf_line_count(buf)
  local typed = "See [[mica-art-61#"
  vim.api.nvim_buf_set_lines(buf, n, n, false, { typed })
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = n, character = #typed } }
  local results = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 30000) or {}
  for _, res in pairs(results) do
    local items = res.result and (res.result.items or res.result) or {}
    for _, item in ipairs(items) do
      say(string.format("completion: %s %s", item.label, item.detail or ""))
    end
    if res.err then say("completion error: " .. vim.inspect(res.err)) end
  end
  vim.lsp.stop_client(client)
end)
if not ok then say("error: " .. tostring(err)) end
finish()
