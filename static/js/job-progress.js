// Job page: poll the job's JSON status once a second and show its progress; reload the
// page when the job ends (to show the download link or the reason it failed). Without
// JavaScript the page's refresh link does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var state = box.querySelector("[data-job-state]");
  var text = box.querySelector("[data-job-progress]");

  function show(status) {
    bar.max = status.total || 1;
    bar.value = status.total ? status.done : 0;
    bar.textContent = status.percent + "%";
    state.textContent = status.state_label;
    text.textContent = status.progress_label;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status) {
          show(status);
          if (status.state === "done" || status.state === "failed") {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 1000);
}());
