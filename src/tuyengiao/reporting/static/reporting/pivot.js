// The pivot's element picker; a file so the Content-Security-Policy needs no inline script.
// Filter the list of elements and indicators as one types, ignoring accents ("ty le" finds "Tỷ lệ").
document.addEventListener("DOMContentLoaded", function () {
  var fold = function (t) { return t.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase(); };
  document.querySelectorAll(".dx-picker").forEach(function (box) {
    var search = box.querySelector(".dx-search"), count = box.querySelector("[data-count]");
    var items = Array.prototype.slice.call(box.querySelectorAll(".dx-item"));
    search.addEventListener("input", function () {
      var q = fold(search.value.trim());
      items.forEach(function (item) { item.hidden = q && fold(item.dataset.search).indexOf(q) < 0; });
    });
    box.addEventListener("change", function () {
      count.textContent = "(" + box.querySelectorAll("input[type=checkbox]:checked").length + ")";
    });
  });
});
