// Progressive enhancement only: the declaration page works without this file.
// Checks in the browser, with Web Crypto, that the declaration's current version is in
// the register's transparency log: the log entry names the record hash shown on the
// page; its leaf hash and RFC 9162 inclusion proof give the root of the signed
// checkpoint; the checkpoint's Ed25519 signature verifies with the log's public key
// (where the browser supports Ed25519; otherwise it says the signature was not checked).
(function () {
  "use strict";
  var box = document.getElementById("log-check");
  if (!box || !window.crypto || !window.crypto.subtle || !window.fetch) { return; }
  var subtle = window.crypto.subtle;
  var button = box.querySelector("button");
  var status = box.querySelector("[role=status]");
  box.hidden = false;

  function say(key, date) {
    status.textContent = (box.getAttribute("data-msg-" + key) || key).replace("{date}", date || "");
    status.className = key === "ok" || key === "ok-unsigned" ? "notice" : "error-message";
    box.setAttribute("data-state", key);
  }
  function bytes(b64) {
    var text = atob(b64), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }
  function join(parts) {
    var size = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function sha256(data) {
    return subtle.digest("SHA-256", data).then(function (d) { return new Uint8Array(d); });
  }
  function equal(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  // RFC 9162 section 2.1.3.2: the root an inclusion proof gives, or null.
  function rootFromProof(index, size, leaf, path) {
    if (index >= size) { return Promise.resolve(null); }
    var fn = index, sn = size - 1, r = Promise.resolve(leaf), step = Promise.resolve();
    path.forEach(function (b64) {
      var p = bytes(b64);
      step = step.then(function () {
        if (sn === 0) { throw new Error("proof too long"); }
        if ((fn & 1) === 1 || fn === sn) {
          r = r.then(function (h) { return sha256(join([new Uint8Array([1]), p, h])); });
          if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
        } else {
          r = r.then(function (h) { return sha256(join([new Uint8Array([1]), h, p])); });
        }
        fn >>= 1; sn >>= 1;
        return r;
      });
    });
    return step.then(function () { return sn === 0 ? r : null; }, function () { return null; });
  }
  // The checkpoint's Ed25519 signature (C2SP signed note): true, false, or null when
  // this browser cannot verify Ed25519.
  function signatureValid(note, verifierKey) {
    // name+keyhash+base64(0x01 || key): the base64 may itself hold "+".
    var first = verifierKey.indexOf("+"), second = verifierKey.indexOf("+", first + 1);
    var parts = [
      verifierKey.slice(0, first), verifierKey.slice(first + 1, second), verifierKey.slice(second + 1)
    ];
    var keyBytes = bytes(parts[2]);
    var blank = note.indexOf("\n\n");
    var body = new TextEncoder().encode(note.slice(0, blank + 1));
    var lines = note.slice(blank + 2).split("\n").filter(function (l) { return l; });
    var keyId = parts[1];
    var signature = null;
    lines.forEach(function (line) {
      var words = line.split(" ");
      if (words.length !== 3 || words[1] !== parts[0]) { return; }
      var sig = bytes(words[2]);
      var id = Array.prototype.map.call(sig.slice(0, 4), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      if (id === keyId) { signature = sig.slice(4); }
    });
    if (signature === null || keyBytes[0] !== 1) { return Promise.resolve(false); }
    return subtle.importKey("raw", keyBytes.slice(1), { name: "Ed25519" }, false, ["verify"])
      .then(function (key) { return subtle.verify({ name: "Ed25519" }, key, signature, body); },
        function () { return null; });
  }

  function check() {
    var expected = box.getAttribute("data-record-sha256");
    say("working");
    status.className = "";
    fetch(box.getAttribute("data-evidence"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("evidence " + response.status); }
        return response.json();
      })
      .then(function (evidence) {
        if (!evidence.leaf_input) { return say("no-entry"); }
        var leafInput = bytes(evidence.leaf_input);
        var entry = JSON.parse(new TextDecoder().decode(leafInput));
        if (entry.record_sha256 !== expected) { return say("other-record"); }
        var date = (entry.timestamp || "").slice(0, 10);
        var lines = evidence.checkpoint.split("\n");
        var size = parseInt(lines[1], 10), root = bytes(lines[2]);
        return sha256(join([new Uint8Array([0]), leafInput]))
          .then(function (leaf) {
            return rootFromProof(evidence.index, size, leaf, evidence.proof.hashes);
          })
          .then(function (computed) {
            if (computed === null || !equal(computed, root)) { return say("bad-proof"); }
            return signatureValid(evidence.checkpoint, evidence.public_key).then(function (ok) {
              if (ok === null) { return say("ok-unsigned", date); }
              return ok ? say("ok", date) : say("bad-signature");
            });
          });
      })
      .catch(function () { say("failed"); });
  }
  button.addEventListener("click", check);
}());
