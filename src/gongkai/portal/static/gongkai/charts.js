/*
 * Gongkai charts: renders every element carrying data-chart="<id of a JSON script>" with the vendored ECharts.
 * The option object lives in <script type="application/json" id="..."> (Django's json_script filter), so pages need
 * no inline script and work under a CSP without 'unsafe-inline'. The table next to each chart stays the accessible
 * source of the figures; the chart is decoration for sighted readers.
 */
(function () {
  "use strict";
  function render() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var nodes = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var source = document.getElementById(node.getAttribute("data-chart"));
      if (!source) {
        continue;
      }
      var option;
      try {
        option = JSON.parse(source.textContent);
      } catch (e) {
        continue;
      }
      var chart = window.echarts.init(node, null, { renderer: "svg" });
      chart.setOption(option);
      node.setAttribute("data-chart-ready", "1");
      window.addEventListener("resize", chart.resize);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
