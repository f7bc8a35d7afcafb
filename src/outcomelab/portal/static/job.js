// Follows a running job: asks the portal for its status every two seconds and reloads the page
// when it has finished (the page itself refreshes every five seconds when JavaScript is off).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "yes") { return; }
  var url = box.dataset.statusUrl;
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        document.getElementById("job-status").textContent = s.status_text;
        document.getElementById("job-stage").textContent = s.stage;
        var bar = document.getElementById("job-progress");
        bar.value = Math.round(100 * s.progress);
        bar.textContent = Math.round(100 * s.progress) + " %";
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
        window.setTimeout(tick, 2000);
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 1000);
})();
