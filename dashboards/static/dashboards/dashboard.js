/* The dashboard's charts, drawn by the vendored Apache ECharts from the same JSON the
   tables under them show (json_script "dashboard-data"). Aria descriptions and decal
   patterns are on, for screen readers and colour-blind readers. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var base = { aria: { enabled: true, decal: { show: true } }, tooltip: {}, grid: { containLabel: true, left: 8, right: 24, top: 24, bottom: 8 } };

  function bars(labels, values, extra) {
    var option = Object.assign({}, base, {
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [Object.assign({ type: "bar", data: values, label: { show: true, position: "top" } }, extra || {})]
    });
    return option;
  }

  function ceiling(name, value) {
    return { silent: true, symbol: "none", label: { formatter: name + " " + value }, data: [{ yAxis: value }] };
  }

  var options = {
    "funnel": bars(data.funnel.labels, data.funnel.values),
    "pass-rate": Object.assign(bars([data.pass_rate.label], [data.pass_rate.value], {
      markLine: ceiling(data.pass_rate.ceiling_label, data.pass_rate.ceiling)
    }), { yAxis: { type: "value", min: 0, max: 100 } }),
    "cycle-time": bars([data.cycle_time.label], [data.cycle_time.value], {
      markLine: ceiling(data.cycle_time.target_label, data.cycle_time.target)
    }),
    "complaints": Object.assign(bars(data.complaints.labels, data.complaints.values), {
      yAxis: { type: "value", min: 0, max: 100 }
    }),
    "rate-requests": bars(data.rate_requests.labels, data.rate_requests.values),
    "churn": bars(data.churn.labels, data.churn.values)
  };

  var planSource = document.getElementById("plan-data");
  var plan = planSource ? JSON.parse(planSource.textContent) : null;

  function targetAgainstSigned(figures) {
    return Object.assign({}, base, {
      legend: { top: 0 },
      xAxis: { type: "category", data: figures.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: figures.target_label, data: figures.target },
        { type: "bar", name: figures.signed_label, data: figures.signed, label: { show: true, position: "top" } }
      ]
    });
  }

  if (plan) {
    options["plan-progress"] = targetAgainstSigned(plan.progress);
    options["coverage"] = targetAgainstSigned(plan.coverage);
    options["burn-up"] = Object.assign({}, base, {
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: plan.burn_up.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", name: plan.burn_up.cumulative_label, data: plan.burn_up.cumulative, areaStyle: {} }].concat(
        plan.burn_up.lines.map(function (line) {
          return { type: "line", step: "start", name: line.name, data: line.values, symbol: "none", lineStyle: { type: "dashed" } };
        })
      )
    });
  }
  if (data.leaderboard) {
    options["leaderboard"] = Object.assign({}, base, {
      legend: { top: 0 },
      xAxis: { type: "category", data: data.leaderboard.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value" }],
      series: [
        { type: "bar", name: data.leaderboard.signings_label, data: data.leaderboard.signings },
        { type: "bar", name: data.leaderboard.points_label, data: data.leaderboard.points, yAxisIndex: 1 }
      ]
    });
  }

  if (data.alliance) {
    // Per district, the three rates side by side, each series with its own target line.
    options["alliance"] = Object.assign({}, base, {
      // Room for the legend above and the target lines' labels on the right.
      grid: { containLabel: true, left: 8, right: 64, top: 40, bottom: 8 },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.alliance.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", min: 0, max: 100 },
      series: data.alliance.series.map(function (series) {
        return {
          type: "bar",
          name: series.name,
          data: series.values,
          label: { show: true, position: "top" },
          markLine: ceiling(series.target_label, series.target)
        };
      })
    });
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var option = options[element.dataset.chart];
    if (!option) {
      return;
    }
    var chart = echarts.init(element);
    chart.setOption(option);
    element.dataset.rendered = "true";
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
