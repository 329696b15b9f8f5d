/* LifeScience Open Space registration widget for partner websites.
 *
 * Usage: <div data-lsos-widget="https://…/e/<slug>/widget"></div>
 *        <script src="https://…/static/js/widget.js" async></script>
 * Replaces each such element with a frame of the widget page (only URLs of this script's
 * own site are framed). No inline code: it works under a partner's strict CSP as long as
 * the script's and the frame's origin are allowed there.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src, document.baseURI).origin : null;

  function mount(element) {
    var url;
    try {
      url = new URL(element.getAttribute("data-lsos-widget"), document.baseURI);
    } catch (error) {
      return;
    }
    if (!origin || url.origin !== origin || !/\/e\/[^/]+\/widget$/.test(url.pathname)) {
      return;
    }
    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = element.getAttribute("data-title") || "Registration";
    frame.loading = "lazy";
    frame.width = "340";
    frame.height = element.getAttribute("data-height") || "260";
    frame.setAttribute("frameborder", "0");
    frame.className = "lsos-widget-frame";
    element.replaceWith(frame);
  }

  function mountAll() {
    var elements = document.querySelectorAll("[data-lsos-widget]");
    for (var i = 0; i < elements.length; i += 1) {
      mount(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
