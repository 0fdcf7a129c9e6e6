// Excel upload progress; a file so the CSP needs no inline script.
// The browser's own upload progress; the check itself is followed on the job page.
document.body.addEventListener("htmx:xhr:progress", function (evt) {
  var form = evt.target.closest ? evt.target.closest("#upload-form") : null;
  if (!form || !evt.detail.lengthComputable || !evt.detail.total) return;
  var box = form.querySelector(".upload-progress");
  box.hidden = false;
  var bar = box.querySelector("progress");
  bar.max = evt.detail.total;
  bar.value = evt.detail.loaded;
  box.querySelector(".upload-percent").textContent = Math.floor(100 * evt.detail.loaded / evt.detail.total) + "%";
});
