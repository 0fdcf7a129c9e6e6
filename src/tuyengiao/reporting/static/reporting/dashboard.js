// Dashboard charts (ECharts) and the sortable children table; a file so the CSP needs no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("chart-data");
  if (!el || !window.echarts) return;
  var d = JSON.parse(el.textContent);
  var fmt = function (v) { return v == null ? "—" : Number(v).toLocaleString("vi-VN"); };
  var trend = document.getElementById("trend-chart");
  if (trend) echarts.init(trend).setOption({
    tooltip: {trigger: "axis", renderMode: "richText", valueFormatter: fmt}, legend: {top: 0, orient: "vertical", left: 0},
    grid: {left: 50, right: 10, top: 24 + 22 * d.series.length, bottom: 50}, xAxis: {type: "category", data: d.periods, axisLabel: {rotate: 20}},
    yAxis: {type: "value"}, series: d.series.map(function (s) { return {name: s.name, type: "line", data: s.data, connectNulls: true}; })
  });
  // Sort the children table by a column: names in Vietnamese order, figures as numbers.
  var collator = new Intl.Collator("vi");
  document.querySelectorAll("table.sortable button.sort").forEach(function (button) {
    button.addEventListener("click", function () {
      var table = button.closest("table"), body = table.tBodies[0], col = +button.dataset.col;
      var numeric = button.dataset.numeric === "1", desc = button.dataset.desc !== "1";
      button.dataset.desc = desc ? "1" : "0";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.value || "", y = b.cells[col].dataset.value || "";
        var r = numeric ? (parseFloat(x || "-Infinity") - parseFloat(y || "-Infinity")) : collator.compare(x, y);
        return desc ? -r : r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  // Units below: one horizontal bar each, names on the left in full (cut with … when too long),
  // the chart as tall as the list so 37 cells get 37 readable bars.
  var kids = document.getElementById("children-chart");
  if (kids && d.children.length) {
    var narrow = kids.clientWidth < 600, each = narrow ? 26 : 24;
    kids.style.height = Math.max(240, 70 + each * d.children.length) + "px";
    var show = function (v) { return v == null ? "—" : Number(v).toLocaleString("vi-VN") + (d.percent ? "%" : ""); };
    echarts.init(kids).setOption({
      tooltip: {trigger: "axis", renderMode: "richText", axisPointer: {type: "shadow"}, valueFormatter: show},
      title: {text: d.childLabel, textStyle: {fontSize: 13, width: kids.clientWidth - 10, overflow: "break"}},
      grid: {left: 8, right: narrow ? 40 : 60, top: 40, bottom: 10, containLabel: true},
      yAxis: {type: "category", data: d.children, inverse: true,
              axisLabel: {width: narrow ? 120 : 260, overflow: "truncate", interval: 0}},
      xAxis: {type: "value", axisLabel: {hideOverlap: true}},
      series: [{type: "bar", data: d.childValues, barMaxWidth: 18,
                label: {show: true, position: "right", formatter: function (p) { return show(p.value); }}}]
    });
  }
});
