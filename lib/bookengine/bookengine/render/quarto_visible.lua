-- Quarto's conditional content, applied first so that numbering and everything after it see
-- only what an HTML reader sees: `.content-visible` and `.content-hidden` divs and spans, by
-- `when-format` / `unless-format` and `when-meta` / `unless-meta` (a dotted path into the
-- page's metadata, given by the engine as `book-meta`, true when the value there is true).

local function format_matches(value)
  if not value then return nil end
  for fmt in value:gmatch("[^%s,]+") do
    if fmt == "html" or fmt == "html5" or fmt == "html:js" or fmt == "html4" then
      return true
    end
  end
  return false
end

local page_meta = {}

local function meta_matches(path)
  if not path then return nil end
  local node = page_meta
  for key in path:gmatch("[^%.]+") do
    if type(node) ~= "table" then return false end
    node = node[key]
  end
  return node == true
end

-- The conditions an element states, without the absent ones.
local function conditions(a, b)
  local out = {}
  if a ~= nil then table.insert(out, a) end
  if b ~= nil then table.insert(out, b) end
  return out
end

-- True or false for a conditional element, nil for any other.
local function shown(el)
  local visible = el.classes:includes("content-visible")
  if not visible and not el.classes:includes("content-hidden") then return nil end
  local attrs = el.attributes
  local whens = conditions(format_matches(attrs["when-format"]), meta_matches(attrs["when-meta"]))
  local unlesses = conditions(format_matches(attrs["unless-format"]),
                              meta_matches(attrs["unless-meta"]))
  local any_when, all_when, any_unless, all_unless = false, true, false, true
  for _, r in pairs(whens) do any_when = any_when or r; all_when = all_when and r end
  for _, r in pairs(unlesses) do any_unless = any_unless or r; all_unless = all_unless and r end
  if visible then
    return all_when and not any_unless
  end
  return not ((next(whens) == nil and next(unlesses) == nil) or any_when or not all_unless)
end

-- The shared helpers, from this file's own folder (the command line and the pandoc server
-- both load filters by path).
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
local plain = dofile(here .. "quarto_meta.lua").plain

function Pandoc(doc)
  page_meta = plain(doc.meta["book-meta"]) or {}
  doc.meta["book-meta"] = nil
  return doc:walk({
    Div = function(div)
      local s = shown(div)
      if s == nil then return nil end
      return s and div.content or {}
    end,
    Span = function(span)
      local s = shown(span)
      if s == nil then return nil end
      return s and span.content or {}
    end,
  })
end
