/* The Today page's charts: data from the page's JSON block, drawn with the vendored ECharts. No text is built into
   script: labels and numbers come as JSON and ECharts draws them on a canvas. */
(function () {
  "use strict";
  var COLOURS = ["#c23531", "#e98f36", "#2f6fb7", "#61a0a8", "#91c7ae", "#749f83", "#ca8622"];
  var ROW = 26; // px per category when the bars lie down (many villages)

  function lying(data) { return data.labels.length > 7 && !data.upright; }

  function option(data) {
    var many = lying(data);
    var category = { type: "category", data: data.labels, axisLabel: { interval: 0, fontSize: 11 } };
    var value = { type: "value", minInterval: 1, max: data.percent ? 100 : null };
    if (!many) { category.axisLabel.rotate = data.labels.length > 4 ? 30 : 0; }
    return {
      color: data.colours || COLOURS,
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 4, right: 12, top: 32, bottom: 4, containLabel: true },
      xAxis: many ? value : category,
      yAxis: many ? Object.assign(category, { inverse: true }) : value,
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: data.percent ? null : "all", data: s.data, barMaxWidth: 28 };
      })
    };
  }

  function draw() {
    var block = document.getElementById("today-charts");
    if (!block || typeof echarts === "undefined") { return; }
    var all = JSON.parse(block.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = all[el.getAttribute("data-chart")];
      if (!data || !data.labels.length) { el.hidden = true; return; }
      var many = lying(data);
      el.style.height = (many ? Math.max(220, 60 + ROW * data.labels.length * (data.percent ? data.series.length : 1)) : 260) + "px";
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(data));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
