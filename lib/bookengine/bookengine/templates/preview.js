(function () {
  // The status address answers at once without `seq`, and with it as soon as `seq` changes.
  var seen = null;
  var here = location.pathname.replace(/^\//, "");
  if (here === "" || /\/$/.test(here)) { here += "index.html"; }
  function banner(text) {
    var b = document.getElementById("preview-error");
    if (!text) { if (b) { b.remove(); } return; }
    if (!b) { b = document.createElement("pre"); b.id = "preview-error"; b.setAttribute("role", "alert");
      b.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;margin:0;" +
        "padding:1rem;background:#7a1212;color:#fff;font:13px/1.4 monospace;z-index:1000;white-space:pre-wrap";
      document.body.appendChild(b); }
    b.textContent = "Rebuild failed; showing the last good build.\n\n" + text;
  }
  function touches(s) {
    if (s.seq > seen + 1) { return true; }  // a change missed: reload to be sure
    if (s.same.indexOf(here) >= 0) { return false; }
    return s.pages === null || s.pages.indexOf(here) >= 0;
  }
  function poll() {
    var url = "__STATUS__" + (seen === null ? "" : "?seq=" + seen);
    fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.seq !== seen && touches(s)) { location.reload(); return; }
      seen = s.seq; banner(s.error); poll();
    }).catch(function () { setTimeout(poll, 700); });
  }
  poll();
})();
