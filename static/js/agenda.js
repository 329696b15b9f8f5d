// Hall screens: reload the "now and next" page every data-refresh-seconds (no inline script: CSP).
(function () {
  "use strict";
  var screen = document.querySelector("[data-refresh-seconds]");
  if (!screen) { return; }
  var seconds = parseInt(screen.getAttribute("data-refresh-seconds"), 10) || 60;
  window.setTimeout(function () { window.location.reload(); }, Math.max(seconds, 10) * 1000);
})();
