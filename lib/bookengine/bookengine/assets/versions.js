/* Old versions say so: a page served from v/<version>/ reads the site's versions.json and shows
   what the latest version changed on this page, with a link to the same place in the latest. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.URL) { return; }
  // This script lives in <version root>/assets/, so its own address gives the page's root.
  var root = new URL("..", new URL(".", script.src));
  var match = root.pathname.match(/^(.*\/)v\/([^\/]+)\/$/);
  if (!match) { return; }
  var id = decodeURIComponent(match[2]);
  var siteRoot = new URL(match[1], root);
  var rel = window.location.pathname.slice(root.pathname.length) || "index.html";
  if (/\/$/.test(rel)) { rel += "index.html"; }

  function describe(change) {
    if (change.kind === "value") { return "“" + change.where + "”: " + change.old + " → " + change.new; }
    if (change.kind === "figure") { return change.where + ": data version " + change.old + " → " + change.new; }
    if (change.kind === "text") { return "its wording was revised; no value, figure or section changed"; }
    return "section #" + change.where + (change.new ? " added" : " removed");
  }

  function show(data) {
    if (!data || !Array.isArray(data.versions) || data.latest === id) { return; }
    var entry = data.versions.filter(function (v) { return v.id === id; })[0];
    if (!entry) { return; }
    var changes = (entry.changes || {})[rel] || [];
    var banner = document.createElement("aside");
    banner.className = "old-version-banner";
    banner.setAttribute("role", "note");
    banner.setAttribute("aria-label", "Older version");
    var lead = document.createElement("p");
    lead.textContent = "You are reading the version of " + entry.date + ". " + (changes.length
      ? "The latest version differs:" : "The latest version differs elsewhere; nothing on this page changed.");
    banner.appendChild(lead);
    if (changes.length) {
      var list = document.createElement("ul");
      changes.forEach(function (c) {
        var li = document.createElement("li");
        li.textContent = describe(c);
        list.appendChild(li);
      });
      banner.appendChild(list);
    }
    var link = document.createElement("a");
    link.className = "latest-link";
    link.href = new URL(rel, siteRoot).href + window.location.hash;
    link.textContent = "Read this page in the latest version";
    var p = document.createElement("p");
    p.appendChild(link);
    var all = document.createElement("a");
    all.className = "versions-link";
    all.href = new URL("versions.html", siteRoot).href + "#v-" + encodeURIComponent(id);
    all.textContent = "every version and what each changed";
    p.appendChild(document.createTextNode(" · "));
    p.appendChild(all);
    banner.appendChild(p);
    var main = document.getElementById("main");
    if (main) { main.insertBefore(banner, main.firstChild); }
  }

  fetch(new URL("versions.json", siteRoot).href)
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(show, function () { /* no versions.json: nothing to say */ });
})();
