-- Quarto's numbering and cross-references on the parsed page, in two modes.
--
-- `book-mode: index` reports what the page holds, in document order, as JSON in the `book-index`
-- metadata: every heading (level, id, classes, text, whether a callout, tabset or theorem takes
-- it as its title) and every labelled float, equation, theorem and callout (id, kind, parent
-- float, caption). The engine numbers the whole book from these reports.
--
-- Otherwise (render) it applies what the engine decided, from `book-page` (this page's heading
-- numbers, in the order the index listed them, and how its title shows) and `book-xref` (every
-- target of the book: its reference word, number, caption and address from this page): it
-- numbers headings, turns the first heading or the front-matter title into the page title,
-- numbers chart captions and equations, and replaces `@fig-x`-style citations with links, or
-- with `?@fig-x` and a warning where the label is unknown (as Quarto does).

local KINDS = {fig = true, tbl = true, lst = true, eq = true, sec = true, thm = true, lem = true,
  cor = true, prp = true, cnj = true, def = true, exm = true, exr = true, sol = true, rem = true,
  alg = true, nte = true, tip = true, wrn = true, imp = true, cau = true}
local FLOATS = {fig = true, tbl = true, lst = true}
local THEOREMS = {thm = true, lem = true, cor = true, prp = true, cnj = true, def = true,
  exm = true, exr = true, sol = true, rem = true, alg = true}
local CALLOUT_KINDS = {nte = "note", tip = "tip", wrn = "warning", imp = "important",
  cau = "caution"}
local NBSP = "\u{A0}"

local function kind_of(id)
  local k = (id or ""):match("^(%a+)%-.")
  if k and KINDS[k:lower()] then return k:lower() end
  return nil
end

-- A div whose first heading becomes something else's title: a callout, tabset or theorem.
local function titles_headings(div)
  for _, c in ipairs(div.classes) do
    if c:match("^callout") or c == "panel-tabset" or c == "proof" or c == "solution"
        or c == "remark" then
      return true
    end
  end
  local k = kind_of(div.identifier)
  return k ~= nil and THEOREMS[k] ~= nil
end

local function is_callout(div)
  for _, c in ipairs(div.classes) do
    if c:match("^callout%-") then return true end
  end
  return false
end

-- The caption of a float div: its last paragraph (as the blocks filter reads it).
local function div_caption(div)
  if div.attributes["nocaption"] then return "" end
  local last = div.content[#div.content]
  if last and (last.t == "Para" or last.t == "Plain") then
    return pandoc.utils.stringify(last.content)
  end
  return ""
end

-- Child block lists of a block, for walking in document order.
local function children(block)
  local t = block.t
  if t == "Div" or t == "BlockQuote" or t == "Figure" then return {block.content} end
  if t == "BulletList" or t == "OrderedList" then return block.content end
  if t == "DefinitionList" then
    local out = {}
    for _, item in ipairs(block.content) do
      for _, def in ipairs(item[2]) do table.insert(out, def) end
    end
    return out
  end
  return {}
end

-- Equations: a display math element followed by `{#eq-…}` in the same inline list.
local function equation_at(inlines, i)
  local el = inlines[i]
  if not (el and el.t == "Math" and el.mathtype == "DisplayMath") then return nil end
  local j = i + 1
  if inlines[j] and inlines[j].t == "Space" then j = j + 1 end
  local label = inlines[j]
  if label and label.t == "Str" then
    local id = label.text:match("^{#(eq%-[^%s}]+)[^}]*}$")
    if id then return id, j end
  end
  return nil
end

------------------------------------------------------------------------------------------------
-- index mode

local function index_page(doc)
  local headings, labels = {}, {}
  local float_stack = {}
  local at = 0

  local function enclosing(kind)
    for i = #float_stack, 1, -1 do
      if float_stack[i].kind == kind then return float_stack[i].id end
    end
    return nil
  end

  local function add_label(id, kind, caption)
    at = at + 1
    table.insert(labels, {id = id, kind = kind, caption = caption or "", at = at,
                          parent = FLOATS[kind] and enclosing(kind) or nil})
  end

  local function inlines_labels(inlines)
    for i = 1, #inlines do
      local id = equation_at(inlines, i)
      if id then add_label(id, "eq", "") end
    end
  end

  local walk_blocks
  local function walk_block(b, in_title)
    local t = b.t
    if t == "Header" and b.classes:includes("book-front-title") then
      return
    end
    if t == "Header" then
      at = at + 1
      table.insert(headings, {level = b.level, id = b.identifier, classes = b.classes,
                              text = pandoc.utils.stringify(b.content), titled = in_title,
                              at = at})
      inlines_labels(b.content)
      return
    end
    if t == "Para" or t == "Plain" then
      -- A labelled image inside a link (`[![cap](img){#fig-x}](url)`) is a float.
      local only = #b.content == 1 and b.content[1].t == "Link" and #b.content[1].content == 1
        and b.content[1].content[1]
      if only and only.t == "Image" and FLOATS[kind_of(only.identifier) or ""] then
        add_label(only.identifier, kind_of(only.identifier),
                  pandoc.utils.stringify(only.caption))
        return
      end
      inlines_labels(b.content)
      pandoc.walk_block(b, {Span = function(s)
        if s.classes:includes("figure-number") and s.attributes["data-label"] then
          local id = s.attributes["data-label"]
          add_label(id, kind_of(id) or "fig", pandoc.utils.stringify(b.content))
        end
      end})
      return
    end
    if t == "Div" then
      local id = b.identifier
      local k = kind_of(id)
      local pushed = false
      if k and FLOATS[k] then
        add_label(id, k, div_caption(b))
        table.insert(float_stack, {id = id, kind = k})
        pushed = true
      elseif k and THEOREMS[k] then
        add_label(id, k, b.attributes["name"] or "")
      elseif k and CALLOUT_KINDS[k] and is_callout(b) then
        add_label(id, k, b.attributes["title"] or "")
      end
      walk_blocks(b.content, in_title or titles_headings(b))
      if pushed then table.remove(float_stack) end
      return
    end
    if t == "Figure" then
      local id = b.identifier
      local k = kind_of(id)
      if k and FLOATS[k] then
        add_label(id, k, pandoc.utils.stringify(b.caption.long))
        table.insert(float_stack, {id = id, kind = k})
        walk_blocks(b.content, in_title)
        table.remove(float_stack)
        return
      end
    end
    if t == "Table" and kind_of(b.identifier) == "tbl" then
      add_label(b.identifier, "tbl", pandoc.utils.stringify(b.caption.long))
      return
    end
    if t == "CodeBlock" and kind_of(b.identifier) == "lst" then
      add_label(b.identifier, "lst", b.attributes["lst-cap"] or "")
      return
    end
    for _, list in ipairs(children(b)) do walk_blocks(list, in_title) end
  end

  walk_blocks = function(blocks, in_title)
    for _, b in ipairs(blocks) do walk_block(b, in_title) end
  end

  walk_blocks(doc.blocks, false)
  return {headings = headings, labels = labels}
end

------------------------------------------------------------------------------------------------
-- render mode

local page = {}
local xref = {}
local prefixes = {}
local unresolved = {}

-- The shared helpers, from this file's own folder (the command line and the pandoc server
-- both load filters by path).
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
local plain = dofile(here .. "quarto_meta.lua").plain

local function str_inlines(text)
  local out = pandoc.Inlines({})
  local first = true
  for word in (text or ""):gmatch("%S+") do
    if not first then out:insert(pandoc.Space()) end
    out:insert(pandoc.Str(word))
    first = false
  end
  return out
end

local function capitalise(s)
  return (s:gsub("^%l", string.upper))
end

-- The text of one reference, as Quarto writes it.
local function ref_inlines(cite, entry, kind, upper)
  local out = pandoc.Inlines({})
  local number = entry.number or ""
  if kind == "sec" and page.sections == false and #cite.prefix == 0
      and cite.mode ~= "SuppressAuthor" then
    return str_inlines(entry.caption or cite.id)
  end
  if #cite.prefix > 0 then
    out:extend(cite.prefix)
    out:insert(pandoc.Str(NBSP))
  elseif cite.mode ~= "SuppressAuthor" then
    local word = entry.word or prefixes[kind] or ""
    if upper then word = capitalise(word) end
    if word ~= "" then
      out:extend(str_inlines(word))
      out:insert(pandoc.Str(NBSP))
    end
  end
  out:insert(pandoc.Span(str_inlines(number)))
  return out
end

local function resolve_cite(el)
  local refs = pandoc.Inlines({})
  local any = false
  for i, cite in ipairs(el.citations) do
    local id = cite.id
    local kind = kind_of(id)
    if kind then
      any = true
      local upper = id:match("^%u") ~= nil
      local key = id:sub(1, 1):lower() .. id:sub(2)
      local entry = xref[key]
      if i > 1 then refs:insert(pandoc.Str(",")); refs:insert(pandoc.Space()) end
      if entry then
        refs:insert(pandoc.Link(ref_inlines(cite, entry, kind, upper), entry.href or ("#" .. key),
                                "", pandoc.Attr("", {"quarto-xref"})))
        refs:extend(cite.suffix)
      else
        table.insert(unresolved, key)
        refs:insert(pandoc.Strong({pandoc.Str("?@" .. key)}))
      end
    end
  end
  if any then return refs end
  return nil
end

local function title_inlines(content)
  local label = page.title_label
  local out = pandoc.Inlines({})
  if label and label ~= "" then
    if page.appendix then
      out:extend(str_inlines(label))
      out:insert(pandoc.Space())
      out:extend(content)
      return out
    end
    out:insert(pandoc.Span(str_inlines(label), pandoc.Attr("", {"chapter-number"})))
    out:insert(pandoc.Str(NBSP))
    out:insert(pandoc.Space())
  end
  out:insert(pandoc.Span(content, pandoc.Attr("", {"chapter-title"})))
  return out
end

local function number_headings(doc)
  local numbers = page.headings or {}
  local k = 0
  local function header(h)
    if h.classes:includes("book-front-title") then
      h.content = title_inlines(h.content)
      h.classes:insert("book-page-title")
      return h
    end
    k = k + 1
    local n = numbers[k]
    if n == "title" then
      h.content = title_inlines(h.content)
      h.level = 1
      h.classes:insert("book-page-title")
      return h
    end
    if n and n ~= "" then
      local content = pandoc.Inlines({pandoc.Span(str_inlines(n),
        pandoc.Attr("", {"header-section-number"})), pandoc.Space()})
      if h.level == 1 and page.appendix then
        content = pandoc.Inlines({pandoc.Str(page.appendix_word or "Appendix"), pandoc.Space()})
        content:insert(pandoc.Span(str_inlines(n), pandoc.Attr("", {"header-section-number"})))
        content:insert(pandoc.Space())
        content:insert(pandoc.Str("—"))
        content:insert(pandoc.Space())
      end
      content:extend(h.content)
      h.content = content
      h.attributes["number"] = n
    end
    return h
  end
  local function walk(blocks)
    for i, b in ipairs(blocks) do
      if b.t == "Header" then
        blocks[i] = header(b)
      else
        for _, list in ipairs(children(b)) do walk(list) end
      end
    end
  end
  walk(doc.blocks)
end

local function number_inlines(inlines)
  local out = pandoc.Inlines({})
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    local id, last = equation_at(inlines, i)
    if id then
      local e = xref[id]
      local number = e and e.number or ""
      local math = el.text
      if number ~= "" then math = math .. " \\qquad(" .. number .. ")" end
      out:insert(pandoc.Span({pandoc.Math("DisplayMath", math)},
                             pandoc.Attr(id, {"equation"})))
      i = last + 1
    else
      if el.t == "Span" and el.classes:includes("figure-number") and el.attributes["data-label"]
          then
        local e = xref[el.attributes["data-label"]]
        if e and e.number and e.number ~= "" then
          el.content = str_inlines((e.title or "Figure") .. " " .. e.number .. ":")
        end
        el.attributes["data-label"] = nil
      end
      out:insert(el)
      i = i + 1
    end
  end
  return out
end

function Pandoc(doc)
  local mode = pandoc.utils.stringify(doc.meta["book-mode"] or "")
  doc.meta["book-mode"] = nil
  if mode == "index" then
    doc.meta["book-index"] = pandoc.MetaString(pandoc.json.encode(index_page(doc)))
    return doc
  end
  page = plain(doc.meta["book-page"]) or {}
  doc.meta["book-page"] = nil
  prefixes = page.prefixes or {}
  for k, v in pairs(plain(doc.meta["book-xref"]) or {}) do xref[k] = v end
  if page.headings then number_headings(doc) end
  -- A chapter's title heading heads the page, as Quarto's title block does, even where
  -- something came before it in the source.
  for i, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.classes:includes("book-page-title") then
      if i > 1 and not b.classes:includes("book-front-title") then
        table.remove(doc.blocks, i)
        table.insert(doc.blocks, 1, b)
      end
      break
    end
  end
  doc = doc:walk({Inlines = number_inlines})
  doc = doc:walk({Cite = resolve_cite})
  if #unresolved > 0 then
    doc.meta["book-unresolved"] = pandoc.MetaString(table.concat(unresolved, " "))
  end
  return doc
end
