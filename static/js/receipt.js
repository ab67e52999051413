// The print button needs a script; without one the browser's own print command does the same.
(function () {
  "use strict";
  var button = document.getElementById("print-receipt");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
