-- Quarto's block syntax as HTML, run by pandoc on every page:
-- figure, table and listing floats (divs, images, tables, code blocks with #fig-/#tbl-/#lst-
-- ids, and sub-floats with (a), (b)), panel layouts, callouts (titles, collapse, appearance,
-- icon), tabsets, theorem-like blocks and proofs (`quarto_visible.lua` has already applied
-- .content-visible and .content-hidden).
-- Numbers come from the engine through the `book-xref` metadata (id -> {title, number}).

local xref = {}
local callout_titles = {note = "Note", tip = "Tip", warning = "Warning",
                        important = "Important", caution = "Caution"}
local float_kinds = {fig = "figure", tbl = "table", lst = "listing"}
local theorem_kinds = {thm = true, lem = true, cor = true, prp = true, cnj = true, def = true,
                       exm = true, exr = true, sol = true, rem = true, alg = true}
local cap_location = {fig = "bottom", tbl = "top", lst = "top"}
local proof_titles = {proof = "Proof", solution = "Solution", remark = "Remark"}
local tabset_count = 0

local function esc(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function raw(s) return pandoc.RawBlock("html", s) end

local function prefix_of(id)
  return (id or ""):match("^(%a+)%-")
end

local function entry(id)
  local e = xref[id]
  if not e then return nil end
  return {title = pandoc.utils.stringify(e.title or ""),
          number = pandoc.utils.stringify(e.number or ""),
          sub = pandoc.utils.stringify(e.sub or "")}
end

local function html_inlines(inlines)
  return pandoc.write(pandoc.Pandoc({pandoc.Plain(inlines)}), "html")
end

local function layout_class(attrs)
  local ncol = tonumber(attrs["layout-ncol"] or "")
  local layout = attrs["layout"]
  if not ncol and layout then
    local first = layout:match("%[%s*%[([^%]]*)%]")
    if first then
      ncol = select(2, first:gsub(",", ",")) + 1
    end
  end
  if not ncol and attrs["layout-nrow"] then ncol = 0 end
  if ncol then return " layout-grid layout-ncol-" .. tostring(ncol) end
  return ""
end

-- The caption: its label ("Figure 1.2:" or "(a)") as HTML, then its text as inlines, so that
-- citeproc, which runs after the filters, still finds the citations in it.
local function caption_block(id, caption_inlines)
  local e = entry(id)
  local out = pandoc.Inlines({pandoc.RawInline("html", "<figcaption>")})
  local has_text = caption_inlines and pandoc.utils.stringify(caption_inlines):match("%S")
    or (caption_inlines and #caption_inlines > 0)
  if e and e.sub ~= "" then
    out:insert(pandoc.RawInline("html", '<span class="float-number">(' .. esc(e.sub)
      .. ')</span> '))
  elseif e then
    -- Quarto writes no colon after the label of a float without caption text.
    local sep = has_text and ":" or ""
    out:insert(pandoc.RawInline("html", '<span class="float-number">'
      .. esc(e.title .. " " .. e.number) .. sep .. '</span> '))
  end
  if caption_inlines then out:extend(caption_inlines) end
  out:insert(pandoc.RawInline("html", "</figcaption>"))
  return pandoc.Plain(out)
end

local function float_blocks(id, classes, content, caption_inlines, location, attrs)
  local kind = prefix_of(id) or "fig"
  local loc = location or cap_location[kind] or "bottom"
  local cls = "book-float quarto-float float-" .. (float_kinds[kind] or "figure")
    .. " caption-" .. loc .. layout_class(attrs or {})
  if classes and #classes > 0 then cls = cls .. " " .. table.concat(classes, " ") end
  local out = {raw('<figure id="' .. esc(id) .. '" class="' .. cls .. '">')}
  local cap = caption_block(id, caption_inlines)
  if loc == "top" then table.insert(out, cap) end
  table.insert(out, raw('<div class="float-content">'))
  for _, b in ipairs(content) do table.insert(out, b) end
  table.insert(out, raw("</div>"))
  if loc ~= "top" then table.insert(out, cap) end
  table.insert(out, raw("</figure>"))
  return out
end

-- A caption's trailing `{key=value}` attributes (`{tbl-colwidths=[20,40,40]}`), which Quarto
-- reads as the float's options rather than as caption text.
local function strip_caption_attrs(inlines)
  local n = #inlines
  if n == 0 or inlines[n].t ~= "Str" or not inlines[n].text:match("}$") then return inlines end
  for i = n, 1, -1 do
    local el = inlines[i]
    if el.t == "Str" and el.text:match("^{") then
      local out = pandoc.Inlines({})
      for j = 1, i - 1 do out:insert(inlines[j]) end
      while #out > 0 and (out[#out].t == "Space" or out[#out].t == "SoftBreak") do
        out:remove(#out)
      end
      return out
    end
    if el.t ~= "Str" and el.t ~= "Space" then return inlines end
  end
  return inlines
end

local function split_caption(div)
  local blocks = div.content
  if div.attributes["nocaption"] then return blocks, nil end
  local last = blocks[#blocks]
  if last and (last.t == "Para" or last.t == "Plain") then
    local content = {}
    for i = 1, #blocks - 1 do content[i] = blocks[i] end
    return content, strip_caption_attrs(last.content)
  end
  return blocks, nil
end

-- Quarto's list tables: a `.list-table` div whose bullet list holds one bullet list per row.
local function list_table(div)
  local list
  for _, b in ipairs(div.content) do
    if b.t == "BulletList" then list = b; break end
  end
  if not list then return nil end
  local header_rows = tonumber(div.attributes["header-rows"] or "1") or 1
  local rows, width = {}, 0
  for _, item in ipairs(list.content) do
    local row = {}
    for _, b in ipairs(item) do
      if b.t == "BulletList" then
        for _, cell in ipairs(b.content) do table.insert(row, cell) end
      end
    end
    width = math.max(width, #row)
    table.insert(rows, row)
  end
  local function cells(row)
    local out = {}
    for i = 1, width do out[i] = pandoc.Cell(row[i] or {}) end
    return out
  end
  local colspecs = {}
  for i = 1, width do colspecs[i] = {pandoc.AlignDefault, nil} end
  local head, body = {}, {}
  for i, row in ipairs(rows) do
    local r = pandoc.Row(cells(row))
    if i <= header_rows then table.insert(head, r) else table.insert(body, r) end
  end
  return pandoc.Table({long = {}, short = {}}, colspecs, pandoc.TableHead(head),
                      {{attr = pandoc.Attr(), body = body, head = {}, row_head_columns = 0}},
                      pandoc.TableFoot())
end

local function grid_items(blocks, attrs)
  if layout_class(attrs) == "" then return blocks end
  local out = {}
  for _, b in ipairs(blocks) do
    if b.t == "RawBlock" then
      table.insert(out, b)
    else
      table.insert(out, raw('<div class="layout-cell">'))
      table.insert(out, b)
      table.insert(out, raw("</div>"))
    end
  end
  return out
end

local render_div

local function walk_blocks(blocks)
  local out = {}
  for _, b in ipairs(blocks) do
    if b.t == "Div" then
      for _, r in ipairs(render_div(b)) do table.insert(out, r) end
    else
      table.insert(out, b)
    end
  end
  return out
end

local function render_callout(div, kind)
  local title = div.attributes["title"]
  local body = div.content
  local title_html
  if title then
    -- Markdown, as Quarto reads it (typographic quotes, emphasis).
    local parsed = pandoc.read(title, "markdown+smart").blocks[1]
    title_html = parsed and html_inlines(parsed.content) or esc(title)
  elseif body[1] and body[1].t == "Header" then
    title_html = html_inlines(body[1].content)
    body = {table.unpack(body, 2)}
  end
  local id = div.identifier
  local e = id ~= "" and entry(id) or nil
  local appearance = div.attributes["appearance"] or "default"
  local collapse = div.attributes["collapse"]
  -- Quarto gives an untitled callout its kind as title only in the default appearance.
  if not title_html and (appearance == "default" or e or collapse) then
    title_html = callout_titles[kind]
  end
  if e then
    title_html = esc(e.title .. " " .. e.number) .. (title_html ~= callout_titles[kind]
      and (": " .. title_html) or "")
  end
  local cls = "callout callout-" .. kind .. " callout-appearance-" .. appearance
  if div.attributes["icon"] == "false" then cls = cls .. " callout-no-icon" end
  for _, c in ipairs(div.classes) do
    if not c:match("^callout%-") and c ~= "callout" then cls = cls .. " " .. c end
  end
  local idattr = id ~= "" and (' id="' .. esc(id) .. '"') or ""
  local out = {}
  if collapse == "true" or collapse == "false" then
    local open = collapse == "false" and " open" or ""
    table.insert(out, raw('<details class="' .. cls .. '"' .. idattr .. open .. '>'
      .. '<summary class="callout-title">' .. (title_html or "") .. "</summary>"
      .. '<div class="callout-body">'))
    for _, b in ipairs(walk_blocks(body)) do table.insert(out, b) end
    table.insert(out, raw("</div></details>"))
  else
    local header = title_html and ('<p class="callout-title">' .. title_html .. "</p>") or ""
    table.insert(out, raw('<div class="' .. cls .. '"' .. idattr .. '>' .. header
      .. '<div class="callout-body">'))
    for _, b in ipairs(walk_blocks(body)) do table.insert(out, b) end
    table.insert(out, raw("</div></div>"))
  end
  return out
end

local function render_tabset(div)
  tabset_count = tabset_count + 1
  local base = "tabset-" .. tabset_count
  local level
  for _, b in ipairs(div.content) do
    if b.t == "Header" then level = b.level; break end
  end
  if not level then return walk_blocks(div.content) end
  local tabs = {}
  local current
  for _, b in ipairs(div.content) do
    if b.t == "Header" and b.level == level then
      current = {title = b.content, blocks = {}}
      table.insert(tabs, current)
    elseif current then
      table.insert(current.blocks, b)
    end
  end
  local buttons = {}
  for i, tab in ipairs(tabs) do
    local sel = i == 1 and "true" or "false"
    table.insert(buttons, '<button type="button" role="tab" id="' .. base .. "-" .. i
      .. '-tab" aria-controls="' .. base .. "-" .. i .. '" aria-selected="' .. sel
      .. '" tabindex="' .. (i == 1 and "0" or "-1") .. '">' .. html_inlines(tab.title)
      .. "</button>")
  end
  local cls = "panel-tabset"
  for _, c in ipairs(div.classes) do
    if c ~= "panel-tabset" then cls = cls .. " " .. c end
  end
  local group = div.attributes["group"]
  local out = {raw('<div class="' .. cls .. '"' .. (group and (' data-group="' .. esc(group)
    .. '"') or "") .. '><div class="tab-list" role="tablist">' .. table.concat(buttons)
    .. "</div>")}
  for i, tab in ipairs(tabs) do
    table.insert(out, raw('<div class="tab-panel' .. (i == 1 and " active" or "")
      .. '" role="tabpanel" id="' .. base .. "-" .. i .. '" aria-labelledby="' .. base .. "-"
      .. i .. '-tab"><p class="tab-title">' .. html_inlines(tab.title) .. "</p>"))
    for _, b in ipairs(walk_blocks(tab.blocks)) do table.insert(out, b) end
    table.insert(out, raw("</div>"))
  end
  table.insert(out, raw("</div>"))
  return out
end

local theorem_names = {thm = "Theorem", lem = "Lemma", cor = "Corollary", prp = "Proposition",
  cnj = "Conjecture", def = "Definition", exm = "Example", exr = "Exercise", sol = "Solution",
  rem = "Remark", alg = "Algorithm"}

local function render_theorem(div, kind)
  local body = div.content
  local name = div.attributes["name"]
  if not name and body[1] and body[1].t == "Header" then
    name = pandoc.utils.stringify(body[1].content)
    body = {table.unpack(body, 2)}
  end
  local e = entry(div.identifier)
  local label = e and (e.title .. " " .. e.number) or theorem_names[kind]
  local head = "<strong>" .. esc(label) .. (name and (" (" .. esc(name) .. ")") or "")
    .. "</strong> "
  local out = {raw('<div id="' .. esc(div.identifier) .. '" class="theorem theorem-' .. kind
    .. '"><p class="theorem-title">' .. head .. "</p>")}
  for _, b in ipairs(walk_blocks(body)) do table.insert(out, b) end
  table.insert(out, raw("</div>"))
  return out
end

render_div = function(div)
  local id = div.identifier
  local prefix = prefix_of(id)
  local attrs = div.attributes
  if div.classes:includes("list-table") then
    local tbl = list_table(div)
    if tbl then
      -- The caption is the paragraph before the list (the list-table filter's rule), else
      -- the one after it.
      local caption
      for _, b in ipairs(div.content) do
        if (b.t == "Para" or b.t == "Plain") then
          caption = strip_caption_attrs(b.content)
          break
        end
      end
      if prefix == "tbl" then
        return float_blocks(id, {}, {tbl}, caption, attrs["tbl-cap-location"], attrs)
      end
      if caption then tbl.caption = {long = {pandoc.Plain(caption)}, short = {}} end
      return {tbl}
    end
  end
  for _, c in ipairs(div.classes) do
    local kind = c:match("^callout%-(%a+)$")
    if kind and callout_titles[kind] then return render_callout(div, kind) end
  end
  -- A bare `.callout`: a callout of no kind (no icon, no default title), as in Quarto.
  if div.classes:includes("callout") then return render_callout(div, "none") end
  if div.classes:includes("panel-tabset") then return render_tabset(div) end
  if prefix and theorem_kinds[prefix] then return render_theorem(div, prefix) end
  if div.classes:includes("proof") or div.classes:includes("solution")
      or div.classes:includes("remark") then
    local word = div.classes:includes("proof") and proof_titles.proof or
      (div.classes:includes("solution") and proof_titles.solution or proof_titles.remark)
    local out = {raw('<div class="proof"><p class="proof-title"><em>' .. word .. ".</em></p>")}
    for _, b in ipairs(walk_blocks(div.content)) do table.insert(out, b) end
    table.insert(out, raw("</div>"))
    return out
  end
  if prefix and float_kinds[prefix] then
    local content, caption = split_caption(div)
    local loc = attrs[prefix .. "-cap-location"] or attrs["cap-location"]
    local classes = {}
    for _, c in ipairs(div.classes) do table.insert(classes, c) end
    return float_blocks(id, classes, grid_items(walk_blocks(content), attrs), caption, loc,
                        attrs)
  end
  local layout = layout_class(attrs)
  if layout ~= "" then
    div.classes:insert("layout-grid")
    div.classes:insert(layout:match("layout%-ncol%-%d+"))
    div.content = grid_items(walk_blocks(div.content), attrs)
    return {div}
  end
  div.content = walk_blocks(div.content)
  return {div}
end

local function top_blocks(blocks, divs)
  local out = {}
  for _, b in ipairs(blocks) do
    if b.t == "Div" and divs then
      for _, r in ipairs(render_div(b)) do table.insert(out, r) end
    elseif (b.t == "Para" or b.t == "Plain") and #b.content == 1 and b.content[1].t == "Link"
        and #b.content[1].content == 1 and b.content[1].content[1].t == "Image"
        and float_kinds[prefix_of(b.content[1].content[1].identifier) or ""] then
      -- A labelled image inside a link (`[![cap](img){#fig-x}](url)`): a float, linked.
      local link = b.content[1]
      local img = link.content[1]
      local id, cap = img.identifier, img.caption
      img.identifier = ""
      local alt = img.attributes["fig-alt"]
      img.attributes["fig-alt"] = nil
      img.caption = alt and {pandoc.Str(alt)} or {}
      for _, r in ipairs(float_blocks(id, {}, {pandoc.Plain({link})}, cap, nil, img.attributes))
        do table.insert(out, r) end
    elseif b.t == "Figure" and prefix_of(b.identifier) and float_kinds[prefix_of(b.identifier)]
        then
      local cap = b.caption.long[1] and b.caption.long[1].content or nil
      local content = pandoc.walk_block(pandoc.Div(b.content), {
        Image = function(img)
          local alt = img.attributes["fig-alt"]
          img.attributes["fig-alt"] = nil
          if alt then img.caption = {pandoc.Str(alt)} else img.caption = {} end
          return img
        end}).content
      for _, r in ipairs(float_blocks(b.identifier, b.classes, content, cap, nil, b.attributes))
        do table.insert(out, r) end
    elseif b.t == "Table" and prefix_of(b.identifier) == "tbl" then
      local cap = b.caption.long[1] and b.caption.long[1].content or nil
      local id = b.identifier
      b.identifier = ""
      b.caption = pandoc.Caption({})
      for _, r in ipairs(float_blocks(id, {}, {b}, cap, nil, {})) do table.insert(out, r) end
    elseif b.t == "CodeBlock" and prefix_of(b.identifier) == "lst" then
      local id = b.identifier
      local cap = b.attributes["lst-cap"]
      b.identifier = ""
      b.attributes["lst-cap"] = nil
      local inl = cap and pandoc.read(cap, "markdown").blocks[1] or nil
      for _, r in ipairs(float_blocks(id, {}, {b}, inl and inl.content or nil, nil, {})) do
        table.insert(out, r)
      end
    else
      table.insert(out, b)
    end
  end
  return out
end

-- The shared helpers, from this file's own folder (the command line and the pandoc server
-- both load filters by path).
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
local plain = dofile(here .. "quarto_meta.lua").plain

-- `reference-location: margin` or `block`: each footnote right after the block that cites it
-- (in the margin, or below the block), numbered through the page as pandoc numbers them.
local note_count = 0

local function placed_notes(blocks, class)
  local out = {}
  for _, b in ipairs(blocks) do
    if b.t == "Div" then
      b.content = placed_notes(b.content, class)
      table.insert(out, b)
    else
      local notes = {}
      b = pandoc.walk_block(b, {Note = function(note)
        note_count = note_count + 1
        local n = tostring(note_count)
        table.insert(notes, {n = n, content = note.content})
        return pandoc.RawInline("html", '<a href="#fn' .. n .. '" class="footnote-ref" id="fnref'
          .. n .. '" role="doc-noteref"><sup>' .. n .. '</sup></a>')
      end})
      table.insert(out, b)
      if #notes > 0 then
        local items = {}
        for _, note in ipairs(notes) do
          local content = note.content
          local mark = pandoc.RawInline("html", "<sup>" .. note.n .. "</sup>\u{A0}")
          if content[1] and (content[1].t == "Para" or content[1].t == "Plain") then
            content[1].content:insert(1, mark)
          else
            content:insert(1, pandoc.Plain({mark}))
          end
          table.insert(items, pandoc.Div(content, pandoc.Attr("fn" .. note.n, {"footnote"},
                                                               {role = "doc-footnote"})))
        end
        table.insert(out, pandoc.Div(items, pandoc.Attr("", {class, "footnotes-placed"})))
      end
    end
  end
  return out
end

-- Quarto's code annotations: a code line ending in a comment `<1>` is marked 1, its marker
-- removed, and the ordered list after the block (after the cell's outputs) explains each mark.
local annotated_count = 0
local ANNOTATION = "^(.-)%s*[#%%/%-;!*]+%s*<(%d+)>%s*$"
local ANNOTATION_BLOCK = "^(.-)%s*/%*%s*<(%d+)>%s*%*/%s*$"

local function annotations(block)
  if block.t ~= "CodeBlock" or block.classes:includes("cell-output") then return nil end
  local lines, marks, any = {}, {}, false
  for line in (block.text .. "\n"):gmatch("(.-)\n") do
    local code, n = line:match(ANNOTATION)
    if not code then code, n = line:match(ANNOTATION_BLOCK) end
    if code and not line:match("^%s*<%d+>%s*$") then
      table.insert(lines, code)
      marks[#lines] = n
      any = true
    else
      table.insert(lines, line)
    end
  end
  if not any then return nil end
  return table.concat(lines, "\n"), marks
end

local function annotated_code(block, text, marks)
  annotated_count = annotated_count + 1
  local cell = "annotated-cell-" .. annotated_count
  local code = pandoc.CodeBlock(text, pandoc.Attr(cell, block.classes, block.attributes))
  local html = pandoc.write(pandoc.Pandoc({code}), "html5")
  local offset = (tonumber(block.attributes["startFrom"] or "1") or 1) - 1
  html = html:gsub('<span id="' .. cell:gsub("%-", "%%-") .. '%-(%d+)">', function(line)
    local k = tonumber(line) - offset
    local n = marks[k]
    -- A mark on consecutive lines is shown once, on the first of them.
    if not n or marks[k - 1] == n then return nil end
    return '<a class="code-annotation-anchor" data-target-cell="' .. cell
      .. '" data-target-annotation="' .. n .. '">' .. n .. '</a><span id="' .. cell .. "-"
      .. line .. '" class="code-annotation-target">'
  end)
  return raw(html), cell, marks
end

local function annotation_list(list, cell, marks)
  local out = {'<dl class="code-annotation-container-grid">'}
  for i, item in ipairs(list.content) do
    local n = tostring((list.start or 1) + i - 1)
    local where = {}
    for line, mark in pairs(marks) do
      if mark == n then table.insert(where, tostring(line)) end
    end
    table.sort(where)
    local text = pandoc.write(pandoc.Pandoc(item), "html5"):gsub("^<p>(.*)</p>%s*$", "%1")
    table.insert(out, '<dt data-target-cell="' .. cell .. '" data-target-annotation="' .. n
      .. '">' .. n .. '</dt><dd><span data-code-cell="' .. cell .. '" data-code-lines="'
      .. table.concat(where, ",") .. '" data-code-annotation="' .. n .. '">' .. text
      .. "</span></dd>")
  end
  table.insert(out, "</dl>")
  return raw(table.concat(out, "\n"))
end

local function annotate(blocks)
  local out, pending = {}, nil
  for _, b in ipairs(blocks) do
    local text, marks = annotations(b)
    if text then
      local block, cell, m = annotated_code(b, text, marks)
      table.insert(out, block)
      pending = {cell = cell, marks = m}
    elseif pending and b.t == "OrderedList" then
      table.insert(out, annotation_list(b, pending.cell, pending.marks))
      pending = nil
    else
      if pending and (b.t == "Para" or b.t == "Header") then pending = nil end
      table.insert(out, b)
    end
  end
  return out
end

function Pandoc(doc)
  -- The page's language: callout and proof titles (`crossref.page_words`).
  local words = doc.meta["book-words"]
  doc.meta["book-words"] = nil
  if words then
    for k, v in pairs(words) do
      local text = pandoc.utils.stringify(v)
      if callout_titles[k] then callout_titles[k] = esc(text) end
      proof_titles[k] = text
    end
  end
  local meta = doc.meta["book-xref"]
  if meta then
    for k, v in pairs(meta) do xref[k] = v end
  end
  doc.meta["book-xref"] = nil
  local location = pandoc.utils.stringify(doc.meta["book-reference-location"] or "")
  doc.meta["book-reference-location"] = nil
  if location == "margin" or location == "block" then
    doc.blocks = placed_notes(doc.blocks, location == "margin" and "column-margin" or
                                          "footnote-block")
  end
  if pandoc.utils.stringify(doc.meta["code-annotations"] or "") ~= "false" then
    doc = doc:walk({Blocks = function(blocks) return pandoc.Blocks(annotate(blocks)) end})
  end
  -- Figures, tables and listings can sit inside any block (a div, a list): walk them all.
  doc.blocks = top_blocks(doc.blocks, true)
  doc = doc:walk({
    Figure = function(fig)
      -- The caption is the figure's text; Quarto leaves its image no alt text of its own
      -- (unless `fig-alt` gives one).
      local caption = pandoc.utils.stringify(fig.caption.long or {})
      return fig:walk({
        Image = function(img)
          if not img.attributes["fig-alt"] and pandoc.utils.stringify(img.caption) == caption then
            img.caption = {}
            return img
          end
        end,
      })
    end,
  })
  doc = doc:walk({
    Image = function(img)
      local alt = img.attributes["fig-alt"]
      if alt then
        img.attributes["fig-alt"] = nil
        img.caption = {pandoc.Str(alt)}
        return img
      end
    end,
  })
  doc = doc:walk({
    Blocks = function(blocks) return pandoc.Blocks(top_blocks(blocks, false)) end,
  })
  -- A cell's output is plain text: written here as pandoc writes an unhighlighted block, so
  -- that the HTML writer does not look its classes up as language names (a search through
  -- every syntax pandoc knows, most of a second).
  doc = doc:walk({
    CodeBlock = function(b)
      if b.classes:includes("cell-output") and b.identifier == "" and #b.attributes == 0 then
        local html = pandoc.write(pandoc.Pandoc({pandoc.CodeBlock(b.text)}), "html5")
        return raw((html:gsub("^<pre>", '<pre class="' .. esc(table.concat(b.classes, " "))
                                          .. '">', 1)))
      end
    end,
  })
  return doc
end
