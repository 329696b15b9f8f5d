// Check-in dashboard: fetch the numbers part again every 10 seconds (server-rendered HTML).
(function () {
  "use strict";
  var live = document.getElementById("checkin-live");
  if (!live) { return; }
  var url = live.getAttribute("data-live-url");
  function refresh() {
    // Do not replace the table while someone is about to press an Undo button in it.
    if (live.contains(document.activeElement) && document.activeElement.tagName === "BUTTON") { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { live.innerHTML = html; } })
      .catch(function () { /* try again next time */ });
  }
  setInterval(refresh, 10000);
})();
