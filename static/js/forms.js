// The error summary of a form that came back takes the focus, so keyboard and screen-reader users land on it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
