-- Run by `pandoc lua`: converts one page after another for `bookengine.pandocserver`, so a build
-- starts pandoc once, not once a page.
--
-- Each request and each reply is a line holding a byte count, then that many bytes of JSON.
-- A request: {markdown, from, filters, citeproc, bibliography, csl, metadata}. The conversion is
-- the command line's `pandoc --from FROM --to html5 --wrap=none --mathml --metadata K=V
-- --lua-filter F ... [--citeproc --bibliography B --csl C]`: metadata set after reading, then the
-- filters, then citeproc. The caller expands tabs, as the command line does before reading. A
-- reply: {html} or {error}, with the warnings pandoc logged meanwhile, and `unresolved` (the
-- cross-references the filters could not resolve). A request with `index` set runs only the
-- filters and replies with the `book-index` metadata they left (see quarto_xref.lua).

local function reply(value)
  local body = pandoc.json.encode(value)
  io.stdout:write(#body, "\n", body)
  io.stdout:flush()
end

local function meta_list(paths)
  local list = pandoc.MetaList{}
  for _, path in ipairs(paths) do list:insert(pandoc.MetaString(path)) end
  return list
end

local function convert(request)
  local doc = pandoc.read(request.markdown, request.from)
  for key, value in pairs(request.metadata or {}) do doc.meta[key] = value end
  for _, filter in ipairs(request.filters or {}) do
    doc = pandoc.utils.run_lua_filter(doc, filter)
  end
  if request.index then
    return {index = pandoc.utils.stringify(doc.meta["book-index"] or "")}
  end
  local unresolved = pandoc.utils.stringify(doc.meta["book-unresolved"] or "")
  doc.meta["book-unresolved"] = nil
  if request.citeproc then
    doc.meta.bibliography = meta_list(request.bibliography or {})
    if request.csl then doc.meta.csl = pandoc.MetaString(request.csl) end
    doc = pandoc.utils.citeproc(doc)
  end
  return {html = pandoc.write(doc, "html5", {wrap_text = "wrap-none",
                                             html_math_method = "mathml"}),
          unresolved = unresolved}
end

while true do
  local count = io.stdin:read("l")
  if not count then break end
  local request = pandoc.json.decode(io.stdin:read(tonumber(count)), false)
  local logged = #PANDOC_STATE.log
  local ok, result = pcall(convert, request)
  local warnings = {}
  for i = logged + 1, #PANDOC_STATE.log do
    local message = pandoc.json.decode(pandoc.json.encode(PANDOC_STATE.log[i]), false)
    if message.verbosity == "WARNING" or message.verbosity == "ERROR" then
      table.insert(warnings, message.pretty)
    end
  end
  if ok then
    result.warnings = warnings
    reply(result)
  else
    reply({error = tostring(result), warnings = warnings})
  end
end
