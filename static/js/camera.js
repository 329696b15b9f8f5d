// Badge QR codes read by the phone's camera, shared by the check-in scanner (checkin.js) and
// the partnering desk (partnering_desk.js). It drives the camera block of
// templates/macros/scanner.html: the toggle button, the video, the canvas jsQR reads
// (BarcodeDetector is used instead where the browser has it) and the error line.
//
// Quiet time: a badge held in front of the camera is read again and again; the same code
// seen again within the quiet time (counted from when it was last seen) is the same badge
// still held up and is not passed on. (A USB scanner reads a badge once per trigger pull:
// every pull is a scan, so the pages' code fields do not go through here.)
(function () {
  "use strict";

  // options: texts {cameraOn, cameraOff, cameraError with "{error}"}, quietMs,
  // onCode(code) for each new code (trimmed, upper case), onStop() when the camera stops.
  window.badgeCamera = function (options) {
    var el = function (id) { return document.getElementById(id); };
    var texts = options.texts;
    var video = el("camera-video"), canvas = el("camera-canvas"), toggle = el("camera-toggle");
    var errorLine = el("camera-error");
    var stream = null, detector = null, busy = false;
    var lastSeen = { code: "", at: 0 };

    function seen(text) {
      var code = String(text || "").trim().toUpperCase();
      var now = Date.now();
      if (!code) { return; }
      var quiet = code === lastSeen.code && now - lastSeen.at < options.quietMs;
      lastSeen = { code: code, at: now };
      if (quiet) { return; }
      options.onCode(code);
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
      var width = video.videoWidth, height = video.videoHeight;
      var scale = Math.min(1, 640 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var result = window.jsQR ? window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" }) : null;
      if (result) { seen(result.data); }
      done();
    }

    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null;
      video.hidden = true;
      toggle.textContent = texts.cameraOff;
      toggle.setAttribute("aria-pressed", "false");
      options.onStop();
    }

    function start() {
      errorLine.hidden = true;
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
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
          var reason = error.name || String(error);
          errorLine.hidden = false;
          errorLine.textContent = texts.cameraError.replace(/\{error\}/g, function () { return reason; });
          stop();
        });
    }

    toggle.addEventListener("click", function () {
      if (stream) { stop(); } else { start(); }
    });
    return { start: start, stop: stop };
  };
})();
