// Partnering desk: the first badge scanned shows that person's meeting now and waits for
// the partner's badge; the partner's badge marks the meeting held. Badges come from a USB
// or Bluetooth scanner typing into the code field, or from the camera (BarcodeDetector or
// jsQR, in camera.js), as on the check-in scanner. The server keeps no state between the
// two scans: the page sends the first badge's code with the second.
(function () {
  "use strict";
  var root = document.getElementById("partnering-desk");
  if (!root) { return; }
  var config = JSON.parse(root.getAttribute("data-config"));
  var csrf = root.getAttribute("data-csrf");
  var texts = config.texts;
  var QUIET_MS = Math.max(0, Number(config.quietSeconds) || 0) * 1000;
  var el = function (id) { return document.getElementById(id); };
  var codeInput = el("code");
  var firstCode = null;

  function focusCode() { codeInput.focus({ preventScroll: true }); }

  function show(level, code, title, detail) {
    var box = el("verdict");
    box.setAttribute("data-level", level);
    box.setAttribute("data-code", code);
    el("verdict-title").textContent = title;
    el("verdict-detail").textContent = detail || "";
    el("restart").hidden = !firstCode;
    root.setAttribute("data-state", firstCode ? "waiting" : "ready");
    focusCode();
  }

  function scan(raw) {
    var code = String(raw || "").trim().toUpperCase();
    if (!code) { return Promise.resolve(); }
    var body = { code: code, first_code: firstCode };
    return fetch(config.scanUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      if (data.status === "ok") {
        firstCode = data.result === "waiting" ? code : null;
        show(data.result === "waiting" ? "warn" : "ok", data.result, data.message, data.detail);
      } else {
        if (data.reason === "not_partners" || !firstCode) { firstCode = null; }
        show("bad", data.reason, data.message, data.detail);
      }
    }).catch(function () {
      show("bad", "offline", texts.offline, "");
    });
  }

  el("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeInput.value;
    codeInput.value = "";
    scan(code);
  });
  el("restart").addEventListener("click", function () {
    firstCode = null;
    show("idle", "ready", texts.ready, "");
  });

  // ---- Camera (camera.js, as on the check-in scanner): the same code seen again within the
  // quiet time is the same badge still held up, not a new scan.
  if (window.badgeCamera) {
    window.badgeCamera({ texts: texts, quietMs: QUIET_MS, onCode: scan, onStop: focusCode });
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("input, button, a, select, textarea, video")) { focusCode(); }
  });
  root.setAttribute("data-state", "ready");
  focusCode();
})();
