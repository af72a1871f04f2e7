/* The book's page behaviour: charts (with log/linear switch and URL state), theme, navigation, search. */
(function () {
  "use strict";
  var doc = document.documentElement;
  window.bookCharts = {};

  /* ---------- theme ---------- */
  function systemDark() { return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches; }
  function isDark() { var t = doc.dataset.theme; return t ? t === "dark" : systemDark(); }
  function setThemeButton() {
    var b = document.querySelector(".theme-toggle");
    if (b) { b.setAttribute("aria-pressed", String(isDark())); b.textContent = isDark() ? "Light" : "Dark";
             b.setAttribute("aria-label", isDark() ? "Switch to light mode" : "Switch to dark mode"); }
  }

  /* ---------- address state ---------- */
  function params() { return new URLSearchParams(window.location.search); }
  function writeParam(key, value, dflt) {
    var p = params();
    if (value === null || value === undefined || String(value) === String(dflt)) { p.delete(key); } else { p.set(key, value); }
    var q = p.toString();
    history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
  }

  /* ---------- charts ---------- */
  function bindParams(spec) {
    var names = [];
    (function walk(node) {
      if (!node || typeof node !== "object") { return; }
      (node.params || []).forEach(function (p) { if (p.bind && p.name) { names.push(p); } });
      ["layer", "hconcat", "vconcat", "concat"].forEach(function (k) { (node[k] || []).forEach(walk); });
      if (node.spec) { walk(node.spec); }
    })(spec);
    return names;
  }
  /* The compiled Vega of the view the page shows now (figures.live_specs: scale, page or
     phone, light or dark), with its rows put back and its controls set from the address. */
  function patched(base, patch) {
    var out = Array.isArray(base) ? base.slice() : Object.assign({}, base);
    Object.keys(patch.set || {}).forEach(function (k) { out[k] = patch.set[k]; });
    (patch.del || []).forEach(function (k) { delete out[k]; });
    Object.keys(patch.sub || {}).forEach(function (k) { out[k] = patched(base[k], patch.sub[k]); });
    return out;
  }
  function viewSpec(payload, scale, label) {
    var key = scale + "/" + (isPhone(payload) ? "phone" : "page") + "/" + (isDark() ? "dark" : "light");
    var view = payload.views[key];
    var spec = view.vega || patched(payload.views[view.from].vega, view.patch), rows = (payload.specs[scale] || {}).datasets || {};
    (spec.data || []).forEach(function (d) {
      if (!("values" in d) && Object.prototype.hasOwnProperty.call(rows, d.name)) { d.values = rows[d.name]; }
    });
    var p = params(), wanted = {};
    bindParams(payload.specs[scale]).forEach(function (param) {
      var v = p.get(label + "." + param.name);
      if (v !== null && v !== "" && !isNaN(Number(v))) { wanted[param.name] = Number(v); }
    });
    (function walk(node) {
      (node.signals || []).forEach(function (s) {
        if (Object.prototype.hasOwnProperty.call(wanted, s.name)) { s.value = wanted[s.name]; }
      });
      (node.marks || []).forEach(walk);
    })(spec);
    return spec;
  }
  /* Tooltips as vega-tooltip draws them (book.css styles #vg-tooltip-element): a table of the
     fields the chart names, beside the pointer and inside the window; text only, never HTML. */
  function tooltipHandler(dark) {
    return function (handler, event, item, value) {
      var el = document.getElementById("vg-tooltip-element");
      if (!el) {
        el = document.createElement("div");
        el.id = "vg-tooltip-element"; el.setAttribute("role", "tooltip");
        document.body.appendChild(el);
      }
      if (value === null || value === undefined || value === "") {
        el.classList.remove("visible"); el.setAttribute("aria-hidden", "true");
        return;
      }
      el.textContent = "";
      if (value && typeof value === "object" && !Array.isArray(value)) {
        var table = document.createElement("table");
        Object.keys(value).forEach(function (k) {
          var v = value[k];
          if (v === undefined) { return; }
          if (k === "title") { var h = document.createElement("h2"); h.textContent = String(v); el.appendChild(h); return; }
          var tr = document.createElement("tr"), key = document.createElement("td"), val = document.createElement("td");
          key.className = "key"; key.textContent = k + ":";
          val.className = "value"; val.textContent = (v && typeof v === "object") ? JSON.stringify(v) : String(v);
          tr.appendChild(key); tr.appendChild(val); table.appendChild(tr);
        });
        el.appendChild(table);
      } else {
        var span = document.createElement("span");
        span.textContent = Array.isArray(value) ? "[" + value.join(", ") + "]" : String(value);
        el.appendChild(span);
      }
      el.className = "visible " + (dark ? "dark" : "light") + "-theme";
      el.removeAttribute("aria-hidden");
      var box = el.getBoundingClientRect(), x = event.clientX + 10, y = event.clientY + 10;
      if (x + box.width > window.innerWidth) { x = Math.max(0, event.clientX - 10 - box.width); }
      if (y + box.height > window.innerHeight) { y = Math.max(0, event.clientY - 10 - box.height); }
      el.style.left = x + "px"; el.style.top = y + "px";
    };
  }
  var vegaLoading = null;
  function loadVega(frame) {
    if (window.vega && window.vega.View) { return Promise.resolve(); }
    if (!vegaLoading) {
      vegaLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = frame.dataset.vega; s.async = true;
        s.onload = resolve;
        s.onerror = function () { vegaLoading = null; reject(new Error("assets/vega.js did not load")); };
        document.head.appendChild(s);
      });
    }
    return vegaLoading;
  }
  /* The live view, drawn by Vega alone: no eval and no injected <style> (the page's
     Content-Security-Policy allows neither), so Vega runs its expression interpreter. */
  function makeView(frame, target, spec, controls) {
    frame.dispatchEvent(new CustomEvent("chart-view-start", { bubbles: true }));
    var vega = window.vega;
    var view = new vega.View(vega.parse(spec, null, { ast: true }),
                             { renderer: "svg", expr: vega.expressionInterpreter });
    view.tooltip(tooltipHandler(isDark()));
    view.initialize(target, controls || undefined);
    return view.runAsync();
  }
  function render(frame) {
    var payload = JSON.parse(frame.querySelector(".chart-spec").textContent);
    var label = payload.label;
    var state = window.bookCharts[label] || { label: label, frame: frame };
    window.bookCharts[label] = state;
    var specs = payload.specs;
    var scale = specs.log ? (params().get(label + ".scale") === "linear" ? "linear" : "log") : "default";
    state.scale = scale;
    frame.querySelectorAll(".scale-switch button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.scale === scale));
    });
    state.ready = loadVega(frame).then(function () {
      var spec = viewSpec(payload, scale, label);
      var live = frame.querySelector(".chart-live"), target = document.createElement("div");
      var controls = frame.querySelector(".chart-controls");
      if (controls) { controls.innerHTML = ""; }
      if (state.view) { state.view.finalize(); state.view = null; }
      live.innerHTML = ""; live.appendChild(target);
      return makeView(frame, target, spec, controls);
    }).then(function (view) {
      state.view = view;
      state.theme = isDark() ? "dark" : "light";
      frame.classList.add("chart-ready");
      var bound = bindParams(specs[scale]);
      bound.forEach(function (param) {
        view.addSignalListener(param.name, function (name, value) {
          writeParam(label + "." + name, value, param.value);
        });
      });
      if (bound.length) { addReset(frame); }
      frame.dispatchEvent(new CustomEvent("chart-rendered", { bubbles: true }));
      return view;
    });
    state.ready.catch(function (err) { console.error("chart " + label + ": " + err); });
    return state.ready;
  }
  /* A chart with controls gets a Reset button in its toolbar: every control back to where the
     chart starts (and the address without their settings). */
  function addReset(frame) {
    var bar = frame.querySelector(".chart-toolbar");
    if (!bar || bar.querySelector(".chart-reset")) { return; }
    var b = document.createElement("button");
    b.type = "button"; b.className = "chart-reset"; b.textContent = "Reset";
    b.setAttribute("aria-label", "Reset the chart's controls");
    bar.insertBefore(b, bar.firstChild);
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest(".chart-reset");
    if (!b) { return; }
    var frame = b.closest(".chart-frame"), state = window.bookCharts[frame.dataset.figure];
    if (!state || !state.view) { return; }
    var payload = JSON.parse(frame.querySelector(".chart-spec").textContent);
    bindParams(payload.specs[state.scale] || payload.specs["default"]).forEach(function (param) {
      state.view.signal(param.name, param.value);
    });
    state.view.runAsync();
  });
  function isPhone(payload) {
    return !!(payload.phone && window.matchMedia && window.matchMedia(payload.phone.media).matches);
  }
  /* Redraw the charts already drawn (after a theme change); the others are drawn when reached. */
  function renderAll() {
    document.querySelectorAll(".chart-frame").forEach(function (frame) {
      var state = window.bookCharts[frame.dataset.figure];
      if (state && state.view) { render(frame); }
    });
  }
  /* Each chart's static drawing is on screen from the first paint; the interactive view replaces
     it when the chart comes near the viewport, and the others follow when the page is idle. Views
     are made one at a time, those near the viewport first, each in its own task: making a view is
     the page's heaviest work, and between two views the page answers the reader's input. Vega is
     loaded only then, and never on a page without charts. */
  var pending = [], near = [], running = false, loaded = false, waiting = false, painted = false;
  var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 50); };
  function start(frame) {
    var i = pending.indexOf(frame);
    if (i >= 0) { pending.splice(i, 1); return render(frame); }
    var state = window.bookCharts[frame.dataset.figure];
    return state && state.ready ? state.ready : render(frame);
  }
  function run(frame) {
    running = true;
    function done() { running = false; setTimeout(next, 0); }
    start(frame).then(done, done);
  }
  /* The next view: a chart near the viewport at once, else (after load) the first chart left,
     when the page is idle. */
  function next(isIdle) {
    if (running || !painted || !pending.length) { return; }
    near = near.filter(function (f) { return pending.indexOf(f) >= 0; });
    if (near.length) { run(near.shift()); }
    else if (isIdle === true) { run(pending[0]); }
    else if (loaded && !waiting) {
      waiting = true;
      idle(function () { waiting = false; next(true); }, { timeout: 500 });
    }
  }
  function startCharts() {
    pending = Array.prototype.slice.call(document.querySelectorAll(".chart-frame"));
    if (!pending.length) { return; }
    /* The charts in the first screen are known now, not a frame later from the observer: their
       views start as soon as Vega has loaded. */
    pending.forEach(function (f) {
      var r = f.getBoundingClientRect();
      if (r.bottom > -300 && r.top < window.innerHeight + 300) { near.push(f); }
    });
    /* Vega (preloaded by the page's head) runs only after the first paint, which it would
       otherwise hold back. */
    requestAnimationFrame(function () { setTimeout(function () { painted = true; next(); }, 0); });
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting) { io.unobserve(e.target); near.push(e.target); }
        });
        next();
      }, { rootMargin: "300px 0px" });
      pending.forEach(function (f) { io.observe(f); });
    }
    function onLoad() { loaded = true; next(); }
    if (document.readyState === "complete") { onLoad(); } else { window.addEventListener("load", onLoad); }
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest(".scale-switch button");
    if (!b) { return; }
    var frame = b.closest(".chart-frame"), i = pending.indexOf(frame);
    if (i >= 0) { pending.splice(i, 1); }
    writeParam(frame.dataset.figure + ".scale", b.dataset.scale, "log");
    render(frame);
  });
  /* The SVG download, like the PNG, is the view on screen (its scale, sliders and theme); the
     link's file, the static drawing, is what a page without JavaScript offers. */
  document.addEventListener("click", function (e) {
    var a = e.target.closest(".chart-source a[download]");
    if (!a || !/\.svg$/.test(a.getAttribute("href") || "")) { return; }
    var frame = a.closest(".chart-frame"), state = window.bookCharts[frame.dataset.figure];
    if (!state || !state.view) { return; }
    e.preventDefault();
    state.view.toSVG().then(function (svg) {
      var url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
      var link = document.createElement("a");
      link.href = url; link.download = frame.dataset.figure + ".svg";
      document.body.appendChild(link); link.click(); link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 0);
    });
  });
  /* PNG from the live view (the page without JavaScript offers the SVG). */
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-png]");
    if (!b) { return; }
    start(b.closest(".chart-frame")).then(function (view) { return view.toImageURL("png", 2); }).then(function (url) {
      var a = document.createElement("a");
      a.href = url; a.download = b.dataset.png;
      document.body.appendChild(a); a.click(); a.remove();
    });
  });

  /* ---------- the numbers behind a chart ---------- */
  function chartRows(label) {
    var state = window.bookCharts[label];
    var payload = JSON.parse(state.frame.querySelector(".chart-spec").textContent);
    var spec = payload.specs[state.scale] || payload.specs["default"];
    var names = Object.keys(spec.datasets || {}).sort();
    var columns = {}, order = [], extra = payload.extra || {};
    (payload.columns || []).forEach(function (pair) { columns[pair[0]] = pair[1]; order.push(pair[0]); });
    var rows = [];
    /* As the CSV has them (figures.Figure.rows): the chart's names for the columns, numbers to
       six significant figures, the source and its date. */
    names.forEach(function (name) {
      state.view.data(name).forEach(function (row) {
        var out = {};
        var keys = order.filter(function (k) { return k in row; });
        Object.keys(row).forEach(function (k) { if (keys.indexOf(k) < 0) { keys.push(k); } });
        keys.forEach(function (k) {
          var v = row[k];
          out[columns[k] || k] = (typeof v === "number" && isFinite(v)) ? Number(v.toPrecision(6)) : v;
        });
        Object.keys(extra).forEach(function (k) { out[k] = extra[k]; });
        rows.push(out);
      });
    });
    return rows;
  }
  function columnsOf(rows) {
    var cols = [];
    rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (cols.indexOf(k) < 0) { cols.push(k); } }); });
    return cols;
  }
  function fillTable(frame) {
    var box = frame.querySelector(".figure-data .data-table");
    var state = window.bookCharts[frame.dataset.figure];
    if (!box || !state || !state.view) { return; }
    var rows = chartRows(frame.dataset.figure), cols = columnsOf(rows);
    var table = document.createElement("table"), thead = document.createElement("thead"), tr = document.createElement("tr");
    cols.forEach(function (c) { var th = document.createElement("th"); th.scope = "col"; th.textContent = c; tr.appendChild(th); });
    thead.appendChild(tr); table.appendChild(thead);
    var tbody = document.createElement("tbody");
    rows.forEach(function (r) {
      var row = document.createElement("tr");
      cols.forEach(function (c) { var td = document.createElement("td"); td.textContent = r[c] === undefined || r[c] === null ? "" : String(r[c]); row.appendChild(td); });
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    box.innerHTML = ""; box.appendChild(table);
  }
  window.bookChartRows = chartRows;
  document.addEventListener("toggle", function (e) {
    if (e.target.classList && e.target.classList.contains("figure-data") && e.target.open) {
      var frame = e.target.closest(".chart-frame");
      start(frame).then(function () { fillTable(frame); });
    }
  }, true);
  document.addEventListener("chart-rendered", function (e) {
    var d = e.target.querySelector(".figure-data");
    if (d && d.open) { fillTable(e.target); }
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-copy]");
    if (!b) { return; }
    var scope = b.closest(".cite-this, .figure-cite") || document;
    var src = scope.querySelector(b.dataset.copy);
    if (!src) { return; }
    var text = src.textContent, done = function () { b.dataset.label = b.dataset.label || b.textContent; b.textContent = "Copied"; setTimeout(function () { b.textContent = b.dataset.label; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(src); });
    } else { selectText(src); }
  });
  function selectText(node) { var r = document.createRange(); r.selectNodeContents(node); var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }

  /* ---------- running heads for print ---------- */
  /* The page's running heads on paper: an @page rule added to book.css (the page's policy
     allows a stylesheet's own rules to change, not an injected <style>). */
  function runningHeads() {
    var sheet = null;
    Array.prototype.forEach.call(document.styleSheets, function (s) {
      if (s.href && /\/book\.css(\?|$)/.test(s.href)) { sheet = s; }
    });
    if (!sheet) { return; }
    var quote = function (t) { return '"' + t.replace(/\s+/g, " ").trim().replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"'; };
    var book = document.querySelector(".book-title"), h1 = document.querySelector("main h1, .content h1");
    var chapter = h1 ? h1.cloneNode(true) : null;
    if (chapter) { chapter.querySelectorAll(".anchor").forEach(function (a) { a.remove(); }); }
    var squash = function (t) { return t.replace(/\s+/g, " ").trim(); };
    var left = book ? squash(book.textContent) : "", right = chapter ? squash(chapter.textContent) : "";
    if (right === left) { right = ""; }
    try {
      sheet.insertRule("@page { @top-left { content: " + quote(left) + "; } @top-right { content: " + quote(right) + "; } }", sheet.cssRules.length);
    } catch (e) { /* a browser without margin boxes prints without heads */ }
  }
  document.addEventListener("DOMContentLoaded", runningHeads);

  /* ---------- navigation and theme toggle ---------- */
  document.addEventListener("DOMContentLoaded", function () {
    setThemeButton();
    var toggle = document.querySelector(".nav-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var sb = document.getElementById("sidebar");
        var open = sb.classList.toggle("open");
        toggle.setAttribute("aria-expanded", String(open));
      });
    }
    var tt = document.querySelector(".theme-toggle");
    if (tt) {
      tt.addEventListener("click", function () {
        doc.dataset.theme = isDark() ? "light" : "dark";
        try { localStorage.setItem("book-theme", doc.dataset.theme); } catch (e) { /* private mode */ }
        setThemeButton(); renderAll();
      });
    }
    if (window.matchMedia) {
      var first = document.querySelector(".chart-spec");
      var phone = first && JSON.parse(first.textContent).phone;
      if (phone) { window.matchMedia(phone.media).addEventListener("change", renderAll); }
      window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
        if (!doc.dataset.theme) { setThemeButton(); renderAll(); }
      });
    }
    startCharts();
    setupSearch();
    markScrollable();
    window.addEventListener("resize", markScrollable);
    if (window.bookPage) { window.bookPage(); }
  });

  /* Regions that scroll sideways (wide tables, code) must be reachable by keyboard. */
  function markScrollable() {
    document.querySelectorAll(".content table, .content pre").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
        if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", el.tagName === "PRE" ? "Code, scrolls sideways" : "Table, scrolls sideways"); }
        if (el.tagName === "PRE" && !el.getAttribute("role")) { el.setAttribute("role", "region"); }
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    });
  }

  /* ---------- search (Pagefind: the index is fetched in chunks, only when a query needs them) ---------- */
  function setupSearch() {
    var form = document.querySelector("form.search");
    if (!form) { return; }
    var input = form.querySelector("input"), panel = form.querySelector(".search-results");
    var list = panel.querySelector(".search-list"), status = panel.querySelector(".search-status");
    var filterBox = panel.querySelector(".search-filters");
    var root = form.dataset.root, pagefind = null, asked = 0;
    var chapter = "", kind = "";
    function say(text) { status.textContent = text; status.hidden = !text; }
    function open() { panel.hidden = false; }
    function close() { panel.hidden = true; }
    if (window.location.protocol === "file:") {
      /* Browsers refuse to load Pagefind's module and index chunks from file:// pages. */
      input.placeholder = "Search (needs a web server)";
      input.addEventListener("focus", function () {
        list.innerHTML = "";
        say("Search needs the book served over HTTP: a page opened as a file cannot load the "
          + "search index. Serve this folder (python3 -m http.server) or read the published book.");
        open();
      });
      input.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      document.addEventListener("click", function (e) { if (!form.contains(e.target)) { close(); } });
      return;
    }
    function load() {
      if (!pagefind) {
        pagefind = import(new URL(form.dataset.pagefind, document.baseURI).href).then(function (pf) {
          return pf.options({ excerptLength: 22 }).then(function () { return pf; });
        }).then(function (pf) { return pf.filters().then(function (f) { buildFilters(f); return pf; }); });
        pagefind.catch(function () { pagefind = null; });
      }
      return pagefind;
    }
    function select(label, values, all, onChange) {
      var s = document.createElement("select");
      s.setAttribute("aria-label", label);
      [[ "", all ]].concat(values).forEach(function (v) {
        var o = document.createElement("option"); o.value = v[0]; o.textContent = v[1]; s.appendChild(o);
      });
      s.addEventListener("change", function () { onChange(s.value); show(input.value); });
      filterBox.appendChild(s);
    }
    function buildFilters(filters) {
      var order = Array.prototype.map.call(document.querySelectorAll("#sidebar a"), function (a) {
        return a.textContent.replace(/\s+/g, " ").trim();
      });
      var place = function (c) { var i = order.indexOf(c); return i < 0 ? order.length : i; };
      var chapters = Object.keys(filters.chapter || {}).sort(function (a, b) { return place(a) - place(b); });
      if (chapters.length > 1) {
        select("Chapter", chapters.map(function (c) { return [c, c]; }), "All chapters", function (v) { chapter = v; });
      }
      var kinds = filters.kind || {};
      if (kinds.figure && kinds.prose) {
        select("Kind", [["prose", "Text"], ["figure", "Figures"]], "Text and figures", function (v) { kind = v; });
      }
    }
    function href(url) { return root + url.replace(/^\//, ""); }
    /* Pagefind's excerpts are HTML with <mark> around the matches: show them as text and marks,
       never as markup. */
    function excerpt(html) {
      var span = document.createElement("span"), decode = document.createElement("textarea");
      span.className = "excerpt";
      html.split(/(<mark>|<\/mark>)/).reduce(function (marked, piece) {
        if (piece === "<mark>") { return true; }
        if (piece === "</mark>") { return false; }
        decode.innerHTML = piece;
        var text = document.createTextNode(decode.value);
        if (marked) { var m = document.createElement("mark"); m.appendChild(text); span.appendChild(m); } else { span.appendChild(text); }
        return marked;
      }, false);
      return span;
    }
    function row(url, title, where, snippet) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = href(url);
      var t = document.createElement("span"); t.className = "title"; t.textContent = title; a.appendChild(t);
      if (where) { var w = document.createElement("span"); w.className = "where"; w.textContent = where; a.appendChild(w); }
      if (snippet) { a.appendChild(excerpt(snippet)); }
      li.appendChild(a); list.appendChild(li);
    }
    function rows(data) {
      var meta = data.meta || {}, isFigure = (data.filters.kind || [])[0] === "figure";
      if (isFigure) {
        row(data.url, meta.title, [meta.chapter, meta.section].filter(Boolean).join(" · "), data.excerpt);
        return;
      }
      var subs = (data.sub_results || []).slice().sort(function (a, b) { return b.locations.length - a.locations.length; }).slice(0, 3);
      if (!subs.length) { subs = [{ url: data.url, title: meta.title, excerpt: data.excerpt }]; }
      subs.forEach(function (sub) {
        /* a heading's text ends with its "#" link mark, which Pagefind keeps in the title */
        var title = (sub.title || "").replace(/\s*#$/, ""), own = !sub.anchor || title === meta.title;
        row(sub.url, own ? meta.title : title, own ? "" : meta.chapter, sub.excerpt);
      });
    }
    function show(q) {
      var mine = ++asked;
      if (!q.trim()) { close(); list.innerHTML = ""; return; }
      load().then(function (pf) {
        var filters = {};
        if (chapter) { filters.chapter = chapter; }
        if (kind) { filters.kind = kind; }
        return pf.debouncedSearch(q, { filters: filters }, 120);
      }).then(function (found) {
        if (found === null || mine !== asked) { return null; }  /* a newer query replaced this one */
        return Promise.all(found.results.slice(0, 8).map(function (r) { return r.data(); }));
      }).then(function (datas) {
        if (datas === null || mine !== asked) { return; }
        list.innerHTML = "";
        datas.forEach(rows);
        say(datas.length ? "" : "No results");
        open();
      }, function () {
        list.innerHTML = ""; say("Search could not load its index."); open();
      });
    }
    input.addEventListener("input", function () { show(input.value); });
    input.addEventListener("focus", function () { load(); if (input.value) { show(input.value); } });
    form.addEventListener("submit", function (e) { e.preventDefault(); var a = list.querySelector("a"); if (a) { window.location.href = a.href; } });
    /* Arrow keys move through the results and back to the box; Escape closes the list. */
    form.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Escape") { return; }
      if (e.key === "Escape") { close(); input.focus(); return; }
      if (e.target.tagName === "SELECT") { return; }
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      if (panel.hidden || !links.length) { return; }
      var i = links.indexOf(document.activeElement);
      var next = e.key === "ArrowDown" ? i + 1 : i - 1;
      if (next < 0) { input.focus(); } else if (next < links.length) { links[next].focus(); }
      e.preventDefault();
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) { close(); } });
  }
  /* ---------- Quarto blocks: tabsets (arrow keys move between tabs), Mermaid diagrams ---------- */
  function selectTab(button, synced) {
    var set = button.closest(".panel-tabset");
    var group = set.dataset.group;
    if (group && !synced) {  /* tabsets of one group switch together, by tab title */
      document.querySelectorAll(".panel-tabset").forEach(function (other) {
        if (other === set || other.dataset.group !== group) { return; }
        other.querySelectorAll(":scope > .tab-list > [role=tab]").forEach(function (b) {
          if (b.textContent === button.textContent) { selectTab(b, true); }
        });
      });
    }
    set.querySelectorAll(":scope > .tab-list > [role=tab]").forEach(function (b) {
      var on = b === button;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(b.getAttribute("aria-controls"));
      if (panel) { panel.classList.toggle("active", on); }
    });
  }
  function setupTabsets() {
    document.querySelectorAll(".panel-tabset > .tab-list").forEach(function (list) {
      list.addEventListener("click", function (e) {
        var b = e.target.closest("[role=tab]");
        if (b) { selectTab(b); }
      });
      list.addEventListener("keydown", function (e) {
        var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
        var i = tabs.indexOf(document.activeElement);
        if (i < 0 || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) { return; }
        var next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        selectTab(next); next.focus(); e.preventDefault();
      });
    });
  }
  function drawMermaid() {
    if (!window.mermaid || !document.querySelector("pre.mermaid")) { return; }
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: isDark() ? "dark" : "default" });
    document.querySelectorAll("pre.mermaid").forEach(function (pre, i) {
      var drawing = pre.parentNode.classList.contains("mermaid-diagram") ? pre.nextElementSibling : null;
      if (!drawing) { window.mermaid.run({ nodes: [pre] }); return; }
      /* drawn at publish: redraw live (theme, links) in place of the static drawing */
      window.mermaid.render("mermaid-live-" + i, pre.textContent).then(function (r) {
        drawing.innerHTML = r.svg;
        if (r.bindFunctions) { r.bindFunctions(drawing); }
      }, function () { /* the static drawing stays */ });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setupTabsets(); drawMermaid(); });
})();
