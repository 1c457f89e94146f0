/* The dashboard's charts (Apache ECharts, static/vendor/echarts-6.1.0.min.js).
 *
 * The figures arrive as JSON in <script type="application/json" id="dashboard-charts">
 * (Django's json_script); each spec names its container, kind, categories and series, and
 * every data point carries the address of the list behind it: a click on a bar, a slice or
 * a point opens that list. Nothing here is evaluated: the CSP allows scripts from our static
 * files only. Tooltips render on the canvas (renderMode "richText"): ECharts' HTML tooltips
 * would write style="" attributes, which style-src 'self' refuses. The big screen swaps its
 * figures in by htmx polling; the charts are drawn again after each swap.
 */
(function () {
  "use strict";

  var drawn = [];
  var chinese = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  var dark = document.body.classList.contains("screen");

  function specs() {
    var node = document.getElementById("dashboard-charts");
    if (!node) return [];
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return [];
    }
  }

  function points(series) {
    return series.values.map(function (value, i) {
      return { value: value, url: series.urls[i] };
    });
  }

  function option(spec, width) {
    var toolbox = {
      feature: {
        dataView: { readOnly: true },
        saveAsImage: { title: chinese ? "保存为图片" : "Save as image" }
      },
      right: 8
    };
    var base = {
      aria: { enabled: true },
      animation: !dark,
      backgroundColor: "transparent",
      toolbox: dark ? undefined : toolbox,
      textStyle: dark ? { fontSize: 16 } : undefined
    };
    if (spec.kind === "pie") {
      var series = spec.series[0];
      return Object.assign(base, {
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          name: series.name,
          type: "pie",
          radius: ["35%", "65%"],
          label: { show: width > 480 },  // on a phone the legend names the slices
          data: spec.categories.map(function (name, i) {
            return { name: name, value: series.values[i], url: series.urls[i] };
          })
        }]
      });
    }
    var many = spec.categories.length > 8;
    var twoAxes = spec.axes && spec.axes.length > 1;  // their names sit above the grid, under the legend
    return Object.assign(base, {
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: spec.series.length > 1 ? { top: 0, type: "scroll", left: 0, right: 90 } : undefined,
      grid: { left: 8, right: 16, top: twoAxes ? 64 : (spec.series.length > 1 ? 40 : 30), bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories,
               axisLabel: { rotate: many ? 40 : 0, interval: 0, fontSize: dark ? 14 : 12 } },
      // A second axis on the right when two series differ in size (events in tens beside
      // audiences in tens of thousands): each series names its axis (0 left, 1 right).
      yAxis: (spec.axes && spec.axes.length ? spec.axes : [spec.unit || ""]).map(function (name, i) {
        return { type: "value", name: name, position: i ? "right" : "left", splitLine: { show: i === 0 },
                 axisLabel: { fontSize: dark ? 14 : 12 } };
      }),
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          stack: spec.kind === "stacked_bar" ? "total" : undefined,
          yAxisIndex: s.axis || 0,
          data: points(s)
        };
      })
    });
  }

  function draw() {
    drawn.forEach(function (chart) { chart.dispose(); });
    drawn = [];
    if (typeof echarts === "undefined") return;
    specs().forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (!el) return;
      var chart = echarts.init(el, dark ? "dark" : null, { renderer: "canvas", locale: chinese ? "ZH" : "EN" });
      chart.setOption(option(spec, el.clientWidth));
      chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) window.location.assign(url);
      });
      el.setAttribute("data-drawn", "1");
      drawn.push(chart);
    });
  }

  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "screen-body") draw();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
    if (event.target.closest("[data-fullscreen]") && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  });
  // On paper the toolbox (data view, save as image) is no use: hidden while printing.
  window.addEventListener("beforeprint", function () {
    drawn.forEach(function (chart) { chart.setOption({ toolbox: { show: false } }); chart.resize(); });
  });
  window.addEventListener("afterprint", function () {
    drawn.forEach(function (chart) { chart.setOption({ toolbox: { show: true } }); chart.resize(); });
  });
  draw();
})();
