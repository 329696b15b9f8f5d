// Partnering desk: the first badge scanned shows that person's meeting now and waits for
// the partner's badge; the partner's badge marks the meeting held. Badges come from a USB
// or Bluetooth scanner typing into the code field, or from the camera (BarcodeDetector or
// jsQR), as on the check-in scanner (checkin.js). The server keeps no state between the
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
  var lastSeen = { code: "", at: 0 };

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

  // ---- Camera (as in checkin.js): the same code seen again within the quiet time is
  // the same badge still held up, not a new scan.
  var stream = null, detector = null, busy = false;
  var video = el("camera-video"), canvas = el("camera-canvas"), toggle = el("camera-toggle");

  function seen(text) {
    var code = String(text || "").trim().toUpperCase();
    var now = Date.now();
    if (!code || (code === lastSeen.code && now - lastSeen.at < QUIET_MS)) { lastSeen.at = now; return; }
    lastSeen = { code: code, at: now };
    scan(code);
  }

  function tick() {
    if (!stream) { return; }
    if (busy || video.readyState < 2) { requestAnimationFrame(tick); return; }
    busy = true;
    var done = function () { busy = false; setTimeout(function () { requestAnimationFrame(tick); }, 120); };
    if (detector) {
      detector.detect(video).then(function (codes) {
        if (codes.length) { seen(codes[0].rawValue); }
      }).catch(function () { detector = null; }).then(done);
      return;
    }
    var scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var result = window.jsQR ? window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" }) : null;
    if (result) { seen(result.data); }
    done();
  }

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
    toggle.textContent = texts.cameraOff;
    toggle.setAttribute("aria-pressed", "false");
    focusCode();
  }

  function startCamera() {
    el("camera-error").hidden = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        toggle.textContent = texts.cameraOn;
        toggle.setAttribute("aria-pressed", "true");
        if ("BarcodeDetector" in window) {
          try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
        }
        return video.play();
      })
      .then(function () { requestAnimationFrame(tick); })
      .catch(function (error) {
        el("camera-error").hidden = false;
        el("camera-error").textContent = texts.cameraError.replace("{error}", error.name || String(error));
        stopCamera();
      });
  }

  toggle.addEventListener("click", function () { if (stream) { stopCamera(); } else { startCamera(); } });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("input, button, a, select, textarea, video")) { focusCode(); }
  });
  root.setAttribute("data-state", "ready");
  focusCode();
})();
