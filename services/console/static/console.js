// Progressive enhancement only: every form works without this file.
// A form with data-progress="<id>" is sent with XMLHttpRequest so the element <id>
// can show the upload's progress; the answer then replaces the page, as a plain
// submission would have.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var progressId = form.getAttribute && form.getAttribute("data-progress");
    if (!progressId || !window.FormData || !window.XMLHttpRequest) { return; }
    var box = document.getElementById(progressId);
    var bar = box && box.querySelector("progress");
    if (!bar) { return; }
    event.preventDefault();
    // "Save as draft" posts the same form elsewhere (its button's formaction).
    var submitter = event.submitter;
    var action = (submitter && submitter.hasAttribute("formaction")) ? submitter.formAction : form.action;
    var request = new XMLHttpRequest();
    request.open("POST", action);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.addEventListener("load", function () {
      if (request.responseURL && request.responseURL !== action) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () { form.submit(); });
    box.hidden = false;
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    request.send(new FormData(form));
  });
}());
