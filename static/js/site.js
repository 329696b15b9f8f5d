// Small progressive enhancements shared by every page (no inline scripts: CSP forbids them).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // The language switch submits as soon as a language is picked.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Buttons with data-confirm ask before submitting (the server still checks everything).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
