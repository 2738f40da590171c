// @ts-check
// Charts for calculator series outputs, drawn with the site's own copy of uPlot.
// Generic: each series output carries its chart description (x column, y columns, kind,
// marks = scalar outputs drawn as vertical lines) in the form's embedded spec, and its
// data in the <output>'s data-value. No chart logic lives in any page.

import uPlot from "../vendor/uplot/uPlot.esm.js";

/**
 * A series output's chart as the spec describes it (perpcalc's Output.chart_spec, defaults filled in).
 * @typedef {{x: string, y: string[], kind: string, labels: Record<string, string>, title: string,
 *   marks?: string[], time?: string, x_label?: string, y_label?: string, x_names?: string}} Chart
 */
/** @typedef {Record<string, unknown>} Row */
/** @typedef {{value: unknown, label: string}} MarkValue */
/** @typedef {{value: unknown, label: string, color: string}} Mark */

const PALETTE = ["#3f51b5", "#e65100", "#2e7d32", "#ad1457", "#00838f", "#6d4c41"];
const PALETTE_DARK = ["#8c9eff", "#ffab40", "#81c784", "#f48fb1", "#4dd0e1", "#bcaaa4"];

function dark() {
  return document.body.getAttribute("data-md-color-scheme") === "slate";
}

/**
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
function cssVar(name, fallback) {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

/**
 * One column of the rows as numbers, a gap (null) where a row has none.
 * @param {Row[]} rows
 * @param {string} key
 * @returns {(number | null)[]}
 */
export function numeric(rows, key) {
  return rows.map((row) => {
    const value = row[key];
    return typeof value === "number" ? value : null;
  });
}

/**
 * The x values: every row's time in seconds when every row has one (the axis shows UTC
 * dates), else the x column; null when some row has no number there (nothing can be drawn
 * along an axis with a hole in it).
 * @param {Row[]} rows
 * @param {Chart} chart
 * @returns {{xs: number[], dated: boolean} | null}
 */
export function xValues(rows, chart) {
  const time = chart.time;
  if (time) {
    const times = rows.map((row) => {
      const value = row[time];
      return typeof value === "string" ? Date.parse(value) : NaN;
    });
    if (times.length > 0 && times.every(Number.isFinite)) return { xs: times.map((ms) => ms / 1000), dated: true };
  }
  const xs = numeric(rows, chart.x);
  return xs.every((x) => x !== null && Number.isFinite(x)) ? { xs: /** @type {number[]} */ (xs), dated: false } : null;
}

/**
 * The unit every y series shares (each label reads "Name (unit)"), "" when they differ or
 * have none.
 * @param {Chart} chart
 * @returns {string}
 */
export function sharedUnit(chart) {
  const units = new Set(chart.y.map((key) => /\(([^()]*)\)$/.exec(chart.labels[key] || "")?.[1] || ""));
  return units.size === 1 ? [...units][0] : "";
}

/**
 * A name broken into lines of at most `room` characters at its spaces (a longer word keeps a
 * line of its own).
 * @param {string} name
 * @param {number} room
 * @returns {string[]}
 */
export function wrapName(name, room) {
  return name.split(" ").reduce((/** @type {string[]} */ lines, word) => {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= room) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
    return lines;
  }, []);
}

/**
 * Characters per line of a named tick at 10 px, for `count` ticks across `width` pixels
 * (90 of them are the y axis and the margins); never fewer than 5.
 * @param {number} width
 * @param {number} count
 * @returns {number}
 */
export function tickRoom(width, count) {
  return Math.max(5, Math.floor((width - 90) / count / 6.2));
}

/**
 * The x range of a bar chart: half a bar's spacing beyond the first and last x, so that both
 * bars are whole (xs ascending, at least two).
 * @param {number[]} xs
 * @returns {[number, number]}
 */
export function barRange(xs) {
  const half = (xs[xs.length - 1] - xs[0]) / (xs.length - 1) / 2;
  return [xs[0] - half, xs[xs.length - 1] + half];
}

/**
 * Draws the marks (scalar outputs or the reader's inputs) as dashed vertical lines, each
 * labelled beside its line.
 * @param {Mark[]} marks
 * @returns {uPlot.Plugin}
 */
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

/**
 * An axis label may name a form value in braces: "{interval_hours}" is that input's value,
 * "{currency_label}" that output's text, so axes say "Settlement (8 h each)" or "Price (USDT)".
 * @param {HTMLElement} box
 * @param {string} text
 * @param {Record<string, string>} inputs the inputs of the results charted (not the fields' values of the moment)
 * @returns {string}
 */
function axisLabel(box, text, inputs) {
  const form = box.closest("form.perpcalc");
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => {
    const out = form?.querySelector(`output[name="${name}"]`);
    if (out) return (out.textContent || "").trim();
    return Object.hasOwn(inputs, name) ? inputs[name].trim() : whole;
  });
}

/**
 * A series label's money unit as the form names it: "Liquidation price (quote)" → "… (USDT)",
 * the same currency the axis and the results show.
 * @param {HTMLElement} box
 * @param {string} text
 * @returns {string}
 */
function unitLabel(box, text) {
  const form = box.closest("form.perpcalc");
  return String(text).replace(/\((quote|settlement currency)\)$/, (whole, unit) => {
    const names = unit === "quote" ? ["quote_label", "currency_label"] : ["currency_label"];
    const out = names.map((n) => form?.querySelector(`output[name="${n}"]`)).find(Boolean);
    const named = (out?.textContent || "").trim();
    return named ? `(${named})` : whole;
  });
}

/**
 * An x axis whose values are named (the waterfall's steps): one tick per point, labelled with
 * its name wrapped to the room each point has, in a smaller type, instead of 1, 1.5, 2.
 * @param {uPlot.Options} opts
 * @param {number[]} xs
 * @param {string[]} names
 */
function nameTicks(opts, xs, names) {
  const room = tickRoom(opts.width, xs.length);
  const byX = new Map(xs.map((x, i) => [x, wrapName(names[i], room)]));
  const lines = Math.max(...[...byX.values()].map((l) => l.length));
  const axes = opts.axes || [];
  axes[0] = {
    ...axes[0],
    font: "10px sans-serif",
    splits: () => xs,
    values: (u, splits) => splits.map((x) => (byX.get(x) || []).join("\n")),
    size: 24 + 14 * lines,
  };
  opts.axes = axes;
}

/**
 * Draws one series output's chart into its box (hidden when there are fewer than two points,
 * or an x value is missing: the table below it still shows the numbers).
 * @param {HTMLElement} box
 * @param {Chart} chart
 * @param {unknown} rows the output's value: a list of rows
 * @param {Record<string, MarkValue>} markValues each mark's value and label
 * @param {Record<string, string>} [inputs] the text of each input an axis label names, as the rows were computed from
 * @returns {uPlot | null}
 */
export function drawChart(box, chart, rows, markValues, inputs = {}) {
  box.replaceChildren();
  const points = Array.isArray(rows) && rows.length >= 2 ? /** @type {Row[]} */ (rows) : null;
  const along = points && xValues(points, chart);
  if (!points || !along) {
    box.hidden = true;
    return null;
  }
  box.hidden = false;
  const colors = dark() ? PALETTE_DARK : PALETTE;
  const fg = cssVar("--md-default-fg-color--light", dark() ? "#bbb" : "#555");
  const grid = cssVar("--md-default-fg-color--lightest", "#ddd");
  // With a time for every point (the rates came with dates: a file, or a start time), the x
  // axis shows UTC dates; otherwise it counts what chart.x counts, with its unit in the label.
  const { xs, dated } = along;
  const xLabel = dated ? "Time (UTC)" : chart.x_label ? axisLabel(box, chart.x_label, inputs) : chart.labels[chart.x] || chart.x;
  /** @type {uPlot.AlignedData} */
  const data = [xs, ...chart.y.map((key) => numeric(points, key))];
  const bars = chart.kind === "bar" && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined;
  /** @type {uPlot.Series[]} */
  const series = [
    { label: xLabel },
    ...chart.y.map((key, i) => ({
      label: unitLabel(box, chart.labels[key] || key),
      stroke: colors[i % colors.length],
      fill: chart.kind === "bar" ? colors[i % colors.length] + "99" : undefined,
      width: 2,
      paths: bars,
      points: { show: points.length <= 40 },
    })),
  ];
  const marks = (chart.marks || []).map((name, i) => ({
    // the output's label up to its first parenthesis: "Liquidation price (…)" → "Liquidation price"
    label: (markValues[name]?.label || name).split(" (")[0],
    value: markValues[name]?.value,
    color: i % 2 ? "#c62828" : "#ef6c00",
  }));
  const width = Math.max(240, Math.floor(box.getBoundingClientRect().width || box.parentElement?.clientWidth || 320));
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  // The y axis is labelled with the unit its series share (every label is "Name (unit)").
  const unit = sharedUnit(chart);
  const yLabel = chart.y_label
    ? axisLabel(box, chart.y_label, inputs)
    : unit ? unitLabel(box, `(${unit})`).slice(1, -1)
    : chart.y.length === 1 ? unitLabel(box, chart.labels[chart.y[0]] || chart.y[0]) : "";
  const boxHeight = box.clientHeight || 300;
  // The box has a fixed height (perpcalc.css), so drawing never moves the page: once uPlot has
  // laid out its title and legend (every series is listed), fit the plot into what is left.
  const fit = (/** @type {uPlot} */ u) => {
    const extra = [".u-title", ".u-legend"].reduce(
      (n, sel) => n + (/** @type {HTMLElement | null} */ (u.root.querySelector(sel))?.offsetHeight || 0), 0);
    const fitted = Math.max(120, boxHeight - extra - 4);
    if (fitted !== u.height) u.setSize({ width, height: fitted });
  };
  /** @type {uPlot.Scale} */
  const xScale = { time: dated };
  // half a bar's spacing either side, so the first and last bars are whole
  if (chart.kind === "bar") xScale.range = () => barRange(xs);
  /** @type {uPlot.Options} */
  const opts = {
    width,
    height: Math.max(120, boxHeight - 70),
    title: chart.title,
    scales: { x: xScale },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
    series,
    axes: [{ ...axis, label: xLabel }, { ...axis, size: 64, label: yLabel, labelSize: 20 }],
    legend: { live: false },
    plugins: [marksPlugin(marks)],
    hooks: { ready: [fit] },
  };
  if (chart.x_names) {
    const key = chart.x_names;
    nameTicks(opts, xs, points.map((row) => String(row[key] ?? "")));
  }
  const plot = new uPlot(opts, data, box);
  box.setAttribute("role", "img");
  box.dataset.xAxis = dated ? "time" : chart.x;
  return plot;
}
