// @ts-nocheck -- not typed yet; tsc reaches it through perpcalc.js's import() (tsconfig.json)
// Charts for calculator series outputs, drawn with the site's own copy of uPlot.
// Generic: each series output carries its chart description (x column, y columns, kind,
// marks = scalar outputs drawn as vertical lines) in the form's embedded spec, and its
// data in the <output>'s data-value. No chart logic lives in any page.

import uPlot from "../vendor/uplot/uPlot.esm.js";

const PALETTE = ["#3f51b5", "#e65100", "#2e7d32", "#ad1457", "#00838f", "#6d4c41"];
const PALETTE_DARK = ["#8c9eff", "#ffab40", "#81c784", "#f48fb1", "#4dd0e1", "#bcaaa4"];

function dark() {
  return document.body.getAttribute("data-md-color-scheme") === "slate";
}

function cssVar(name, fallback) {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

function numeric(rows, key) {
  return rows.map((row) => (typeof row[key] === "number" ? row[key] : null));
}

function marksPlugin(marks) {
  return {
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.font = `${11 * devicePixelRatio}px sans-serif`;
          ctx.textBaseline = "alphabetic";
          const right = u.bbox.left + u.bbox.width;
          marks.forEach((mark, i) => {
            if (typeof mark.value !== "number") return;
            const x = u.valToPos(mark.value, "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.strokeStyle = mark.color;
            ctx.fillStyle = mark.color;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            // Label beside its line, on whichever side has room (uPlot leaves textAlign as the axes set it).
            const gap = 4 * devicePixelRatio;
            const fits = x + gap + ctx.measureText(mark.label).width <= right;
            ctx.textAlign = fits ? "left" : "right";
            ctx.fillText(mark.label, fits ? x + gap : x - gap, u.bbox.top + (12 + 13 * i) * devicePixelRatio);
          });
          ctx.restore();
        },
      ],
    },
  };
}

// An axis label may name a form value in braces: "{interval_hours}" is that input's value,
// "{currency_label}" that output's text, so axes say "Settlement (8 h each)" or "Price (USDT)".
function axisLabel(box, text) {
  const form = box.closest("form.perpcalc");
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => {
    const out = form?.querySelector(`output[name="${name}"]`);
    if (out) return out.textContent.trim();
    const control = form?.querySelector(`:is(input, select)[name="${name}"]`);
    return control ? control.value.trim() : whole;
  });
}

// A series label's money unit as the form names it: "Liquidation price (quote)" → "… (USDT)",
// the same currency the axis and the results show.
function unitLabel(box, text) {
  const form = box.closest("form.perpcalc");
  return String(text).replace(/\((quote|settlement currency)\)$/, (whole, unit) => {
    const names = unit === "quote" ? ["quote_label", "currency_label"] : ["currency_label"];
    const out = names.map((n) => form?.querySelector(`output[name="${n}"]`)).find(Boolean);
    return out && out.textContent.trim() ? `(${out.textContent.trim()})` : whole;
  });
}

// An x axis whose values are named (the waterfall's steps): one tick per point, labelled with
// its name wrapped to the room each point has, in a smaller type, instead of 1, 1.5, 2.
function nameTicks(opts, xs, names) {
  const room = Math.max(5, Math.floor((opts.width - 90) / xs.length / 6.2)); // characters per line at 10 px
  const wrap = (name) => name.split(" ").reduce((lines, word) => {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= room) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
    return lines;
  }, []);
  const byX = new Map(xs.map((x, i) => [x, wrap(names[i])]));
  const lines = Math.max(...[...byX.values()].map((l) => l.length));
  opts.axes[0] = {
    ...opts.axes[0],
    font: "10px sans-serif",
    splits: () => xs,
    values: (u, splits) => splits.map((x) => (byX.get(x) || []).join("\n")),
    size: 24 + 14 * lines,
  };
}

export function drawChart(box, chart, rows, markValues) {
  box.replaceChildren();
  if (!Array.isArray(rows) || rows.length < 2) {
    box.hidden = true;
    return null;
  }
  box.hidden = false;
  const colors = dark() ? PALETTE_DARK : PALETTE;
  const fg = cssVar("--md-default-fg-color--light", dark() ? "#bbb" : "#555");
  const grid = cssVar("--md-default-fg-color--lightest", "#ddd");
  // With a time for every point (the rates came with dates: a file, or a start time), the x
  // axis shows UTC dates; otherwise it counts what chart.x counts, with its unit in the label.
  const times = chart.time ? rows.map((row) => (typeof row[chart.time] === "string" ? Date.parse(row[chart.time]) : NaN)) : [];
  const dated = times.length > 0 && times.every(Number.isFinite);
  const xs = dated ? times.map((ms) => ms / 1000) : numeric(rows, chart.x);
  const xLabel = dated ? "Time (UTC)" : chart.x_label ? axisLabel(box, chart.x_label) : chart.labels[chart.x] || chart.x;
  const data = [xs, ...chart.y.map((key) => numeric(rows, key))];
  const bars = chart.kind === "bar" ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined;
  const series = [
    { label: xLabel },
    ...chart.y.map((key, i) => ({
      label: unitLabel(box, chart.labels[key] || key),
      stroke: colors[i % colors.length],
      fill: chart.kind === "bar" ? colors[i % colors.length] + "99" : undefined,
      width: 2,
      paths: bars,
      points: { show: rows.length <= 40 },
    })),
  ];
  const marks = (chart.marks || []).map((name, i) => ({
    // the output's label up to its first parenthesis: "Liquidation price (…)" → "Liquidation price"
    label: (markValues[name]?.label || name).split(" (")[0],
    value: markValues[name]?.value,
    color: i % 2 ? "#c62828" : "#ef6c00",
  }));
  const width = Math.max(240, Math.floor(box.getBoundingClientRect().width || box.parentElement.clientWidth || 320));
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  // The y axis is labelled with the unit its series share (every label is "Name (unit)").
  const units = [...new Set(chart.y.map((key) => /\(([^()]*)\)$/.exec(chart.labels[key] || "")?.[1] || ""))];
  const yLabel = chart.y_label
    ? axisLabel(box, chart.y_label)
    : units.length === 1 && units[0] ? unitLabel(box, `(${units[0]})`).slice(1, -1)
    : chart.y.length === 1 ? unitLabel(box, chart.labels[chart.y[0]]) : "";
  const boxHeight = box.clientHeight || 300;
  const opts = {
    width,
    height: Math.max(120, boxHeight - 70),
    title: chart.title,
    scales: { x: { time: dated } },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
    series,
    axes: [{ ...axis, label: xLabel }, { ...axis, size: 64, label: yLabel, labelSize: 20 }],
    legend: { live: false },
    plugins: [marksPlugin(marks)],
  };
  // The box has a fixed height (perpcalc.css), so drawing never moves the page: once uPlot has
  // laid out its title and legend (every series is listed), fit the plot into what is left.
  const fit = (u) => {
    const extra = [".u-title", ".u-legend"].reduce((n, sel) => n + (u.root.querySelector(sel)?.offsetHeight || 0), 0);
    const fitted = Math.max(120, boxHeight - extra - 4);
    if (fitted !== u.height) u.setSize({ width, height: fitted });
  };
  opts.hooks = { ready: [fit] };
  if (chart.x_names) nameTicks(opts, xs, rows.map((row) => String(row[chart.x_names] ?? "")));
  if (chart.kind === "bar" && xs.length > 1) {
    // half a bar's spacing either side, so the first and last bars are whole
    const half = (xs[xs.length - 1] - xs[0]) / (xs.length - 1) / 2;
    opts.scales.x.range = () => [xs[0] - half, xs[xs.length - 1] + half];
  }
  const plot = new uPlot(opts, data, box);
  box.setAttribute("role", "img");
  box.dataset.xAxis = dated ? "time" : chart.x;
  return plot;
}
