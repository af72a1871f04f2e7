(function () {
  var seen = null;
  function banner(text) {
    var b = document.getElementById("preview-error");
    if (!text) { if (b) { b.remove(); } return; }
    if (!b) { b = document.createElement("pre"); b.id = "preview-error"; b.setAttribute("role", "alert");
      b.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;margin:0;" +
        "padding:1rem;background:#7a1212;color:#fff;font:13px/1.4 monospace;z-index:1000;white-space:pre-wrap";
      document.body.appendChild(b); }
    b.textContent = "Rebuild failed; showing the last good build.\n\n" + text;
  }
  function poll() {
    fetch("__STATUS__", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.build !== seen) { location.reload(); return; }
      seen = s.build; banner(s.error);
    }).catch(function () {}).then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
