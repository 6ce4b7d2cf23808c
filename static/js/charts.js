/* Renders the Plotly figures the server built (reports/charts.py) with the vendored
   plotly.min.js. Each chart is <div data-chart="ID"> beside a json_script named ID. */
(function () {
  function render() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || !window.Plotly) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout, {
        displayModeBar: false, responsive: true
      }).then(function () { el.setAttribute("data-rendered", "true"); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
