// Listing pages: categories, sorting, filtering and pages of items, in the browser.
// Without JavaScript every item is shown in the order the page was built with.
(function () {
  "use strict";
  function decode(b64) {
    try {
      return new TextDecoder().decode(Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }));
    } catch (e) { return ""; }
  }
  var state = { category: "" };
  var listings = Array.prototype.map.call(document.querySelectorAll(".quarto-listing"), function (el) {
    var list = el.querySelector(".list");
    return {
      el: el, list: list, page: 0, query: "",
      size: parseInt(el.getAttribute("data-page-size"), 10) || 25,
      items: list ? Array.prototype.slice.call(list.children) : []
    };
  });
  function matches(lst, item) {
    if (state.category) {
      var cats = decode(item.getAttribute("data-categories") || "").split(",");
      if (cats.indexOf(state.category) < 0) return false;
    }
    return !lst.query || item.textContent.toLowerCase().indexOf(lst.query) >= 0;
  }
  function show(lst) {
    var shown = lst.items.filter(function (item) { return matches(lst, item); });
    var pages = Math.max(1, Math.ceil(shown.length / lst.size));
    lst.page = Math.min(lst.page, pages - 1);
    lst.items.forEach(function (item) { item.hidden = true; });
    shown.slice(lst.page * lst.size, (lst.page + 1) * lst.size).forEach(function (item) { item.hidden = false; });
    var none = lst.el.querySelector(".listing-no-matching");
    if (none) none.hidden = shown.length > 0;
    var nav = lst.el.querySelector(".listing-pagination");
    if (pages < 2) { if (nav) nav.remove(); return; }
    if (!nav) {
      nav = document.createElement("nav");
      nav.className = "listing-pagination";
      nav.setAttribute("aria-label", "Page navigation");
      lst.el.appendChild(nav);
    }
    nav.textContent = "";
    for (var p = 0; p < pages; p++) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = String(p + 1);
      if (p === lst.page) b.setAttribute("aria-current", "page");
      b.addEventListener("click", (function (n) { return function () { lst.page = n; show(lst); }; })(p));
      nav.appendChild(b);
    }
  }
  function sortBy(lst, field, direction) {
    var key = field === "index" ? "data-index" : "data-" + field;
    var sorted = lst.items.slice().sort(function (a, b) {
      var x = a.getAttribute(key), y = b.getAttribute(key);
      if (x === null || y === null) return (x === null) - (y === null);
      var nx = Number(x), ny = Number(y);
      var c = (!isNaN(nx) && !isNaN(ny) && x !== "" && y !== "") ? nx - ny : x.localeCompare(y);
      return direction === "desc" ? -c : c;
    });
    sorted.forEach(function (item) { lst.list.appendChild(item); });
    lst.items = sorted;
    lst.page = 0;
    show(lst);
  }
  function setCategory(cat) {
    state.category = cat;
    document.querySelectorAll(".quarto-listing-category .category").forEach(function (el) {
      el.classList.toggle("active", decode(el.getAttribute("data-category") || "") === cat);
    });
    listings.forEach(function (lst) { lst.page = 0; show(lst); });
  }
  document.querySelectorAll(".quarto-listing-category .category, .listing-category").forEach(function (el) {
    el.setAttribute("role", "button");
    el.tabIndex = 0;
    function choose(ev) {
      ev.preventDefault();
      var cat = decode(el.getAttribute("data-category") || "");
      history.replaceState(null, "", cat ? "#category=" + encodeURIComponent(cat) : location.pathname + location.search);
      setCategory(cat);
    }
    el.addEventListener("click", choose);
    el.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") choose(ev); });
  });
  listings.forEach(function (lst) {
    var select = lst.el.querySelector(".quarto-listing-sort select");
    if (select) select.addEventListener("change", function () {
      var opt = select.options[select.selectedIndex];
      sortBy(lst, opt.value, opt.getAttribute("data-direction"));
    });
    lst.el.querySelectorAll("a.sort").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        var desc = a.classList.contains("sort-asc");
        a.classList.toggle("sort-asc", !desc);
        a.classList.toggle("sort-desc", desc);
        sortBy(lst, a.getAttribute("data-sort"), desc ? "desc" : "asc");
      });
    });
    var input = lst.el.querySelector(".quarto-listing-filter input");
    if (input) input.addEventListener("input", function () {
      lst.query = input.value.trim().toLowerCase();
      lst.page = 0;
      show(lst);
    });
  });
  var m = /^#category=(.*)$/.exec(location.hash);
  setCategory(m ? decodeURIComponent(m[1]) : "");
})();
