// The intake proof of work (portal/complaints/antispam.py): before the form is sent, find a nonce whose
// SHA-256 with the page's challenge starts with the required number of zero bits. Runs only when the portal
// asks for it (data-pow-bits on the form); the page works without JavaScript otherwise.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow-bits]");
  if (!form || !window.crypto || !window.crypto.subtle) { return; }
  var bits = parseInt(form.getAttribute("data-pow-bits"), 10);
  var challenge = form.querySelector("input[name=pow_challenge]");
  var nonce = form.querySelector("input[name=pow_nonce]");
  var encoder = new TextEncoder();

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      var value = bytes[i];
      while ((value & 0x80) === 0) { count += 1; value <<= 1; }
      return count;
    }
    return count;
  }

  async function solve() {
    for (var candidate = 0; ; candidate++) {
      var digest = await window.crypto.subtle.digest("SHA-256", encoder.encode(challenge.value + ":" + candidate));
      if (zeroBits(new Uint8Array(digest)) >= bits) { return String(candidate); }
    }
  }

  form.addEventListener("submit", function (event) {
    if (nonce.value) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    solve().then(function (found) {
      nonce.value = found;
      if (button) { button.disabled = false; }
      form.submit();
    });
  });
})();
