-- Helpers shared by the engine's page filters (`quarto_visible.lua`, `quarto_xref.lua`,
-- `quarto_blocks.lua`), each of which loads this file from its own folder.

local M = {}

-- Pandoc metadata as plain Lua values: booleans stay booleans, text becomes strings.
function M.plain(value)
  if value == nil then return nil end
  local t = pandoc.utils.type(value)
  if t == "boolean" then return value end
  if t == "table" or t == "Meta" then
    local out = {}
    for k, v in pairs(value) do out[k] = M.plain(v) end
    return out
  end
  if t == "List" then
    local out = {}
    for i, v in ipairs(value) do out[i] = M.plain(v) end
    return out
  end
  return pandoc.utils.stringify(value)
end

return M
