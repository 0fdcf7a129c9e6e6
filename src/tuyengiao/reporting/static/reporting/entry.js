// Data entry: keyboard moves like a spreadsheet; a file so the CSP needs no inline script.
// Enter moves to the next figure, as in a spreadsheet; the change event saves the one left.
document.addEventListener("keydown", function (event) {
  var input = event.target;
  if (event.key !== "Enter" || !input.matches(".field input[name=value]")) return;
  event.preventDefault();
  var all = Array.prototype.slice.call(document.querySelectorAll(".field [name=value]:not([disabled])"));
  var next = all[all.indexOf(input) + 1];
  if (next) { next.focus(); next.select(); } else { input.blur(); }
});
