// The triage desk follows a retraining as it runs: the bar and the step update every two seconds; once it has
// ended the page reloads, to offer "Retrain now" again. Without JavaScript, the "Refresh" link does the same.
(function () {
  "use strict";
  var box = document.getElementById("training-progress");
  if (!box || !box.dataset.poll) { return; }
  var bar = document.getElementById("training-bar");
  var text = document.getElementById("training-text");
  function poll() {
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (!run) { return; }
        bar.value = run.fraction;
        bar.textContent = Math.round(run.fraction * 100) + "%";
        if (text.textContent !== run.text) { text.textContent = run.text; }
        if (run.under_way) { window.setTimeout(poll, 2000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
