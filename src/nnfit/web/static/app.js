// The playground page: a thin client of the JSON API in nnfit/web/app.py. The recipe form is
// built from /api/schema, so a new field of the library's tables appears here without an edit.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { schema: null, job: null, source: null, live: null, run: null, variables: [], drawPending: false };
// read by the browser tests: how often the live plots redrew, how many fits ended, which run is shown
window.nnfitLive = { updates: 0, chunks: 0, probes: 0, fallbacks: 0, begins: 0, rivals: 0, ended: 0, lastRun: null, shown: null };
const PLOT_CONFIG = { displaylogo: false, responsive: true };
const SKIPPED = new Set(["target", "domain", "query", "inputs", "outputs"]); // fields set outside the form

async function api(method, path, body, raw) {
  const options = { method, headers: {} };
  if (raw !== undefined) {
    options.body = raw;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const answer = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok) throw new Error(answer.error || `the server answered ${response.status}`);
  return answer;
}

function say(text) { $("message").textContent = text || ""; }

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value; else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function number(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value !== "number") return String(value);
  return Math.abs(value) >= 1e5 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : String(+value.toPrecision(4));
}

// ---- the form -------------------------------------------------------------------------------

function buildForm(schema) {
  const box = $("recipe-fields");
  for (const field of [...schema.task, ...schema.recipe]) {
    if (SKIPPED.has(field.name)) continue;
    const id = `field-${field.name}`;
    let input;
    if (field.kind === "choice" || field.kind === "bool") {
      const options = field.kind === "bool" ? ["true", "false"] : field.choices;
      input = element("select", { id, "data-field": field.name }, element("option", { value: "", text: `default (${shownValue(field.default)})` }));
      for (const option of options) input.append(element("option", { value: option, text: option }));
    } else {
      input = element("input", { id, type: "text", "data-field": field.name, placeholder: shownValue(field.default), autocomplete: "off" });
    }
    box.append(element("label", { for: id, title: field.help, text: field.name.replaceAll("_", " ") }), input);
  }
}

function shownValue(value) {
  if (value === null || value === undefined) return "auto";
  return Array.isArray(value) ? value.join(",") : String(value);
}

function setField(name, value) {
  if (name === "target") { $("target").value = value; checkTarget(); return; }
  if (name === "domain") { setDomain(String(value)); return; }
  if (name === "query") { $("query").value = value ?? ""; return; }
  if (name === "inputs") { state.inputs = Array.isArray(value) ? value : String(value).split(","); return; }
  if (name === "outputs") { state.pendingOutput = Array.isArray(value) ? value[0] : String(value); return; }
  const input = $(`field-${name}`);
  if (!input) throw new Error(`the page has no field ${name}`);
  input.value = value === null || value === undefined ? "" : shownValue(value);
}

function clearForm() {
  for (const input of document.querySelectorAll("[data-field]")) input.value = "";
  $("query").value = "";
  state.inputs = null;
  state.pendingOutput = null;
}

function applyPreset(name) {
  const preset = state.schema.presets.find((p) => p.name === name);
  clearForm();
  $("preset-about").textContent = preset.about;
  const settings = preset.settings;
  if (settings.domain) state.pendingDomain = String(settings.domain);
  for (const [key, value] of Object.entries(settings)) if (key !== "domain") setField(key, value);
  if (!settings.target) checkTarget();
}

// ---- the target and its domain -----------------------------------------------------------

let checkTimer = null;
function checkTarget() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, 200);
}

async function runCheck() {
  const text = $("target").value.trim();
  const status = $("target-status");
  if (!text) { status.textContent = ""; status.className = "status"; return; }
  try {
    const answer = await api("POST", "/api/check", { target: text });
    status.className = "status ok";
    if (answer.kind === "formula") {
      status.textContent = answer.formula;
      // inputs a recipe declares come first and may include some the formula does not use
      showDomain(state.inputs ? [...state.inputs, ...answer.variables.filter((v) => !state.inputs.includes(v))] : answer.variables);
      $("columns").hidden = true;
    } else {
      status.textContent = `data file with columns ${answer.columns.join(", ")}`;
      showColumns(answer.columns);
      $("domain").hidden = true;
    }
  } catch (error) {
    status.className = "status bad";
    status.textContent = error.message;
  }
}

function parseDomain(text) {
  const ranges = {};
  for (const part of text.split(",")) {
    const [name, range] = part.split("=").map((s) => (s || "").trim());
    if (!name || !range) continue;
    const [lo, hi, kind] = range.split(":").map((s) => s.trim());
    ranges[name] = { lo, hi, integer: kind === "int" };
  }
  return ranges;
}

function setDomain(text) {
  state.pendingDomain = text;
  fillDomain(parseDomain(text));
}

function showDomain(variables) {
  const known = readDomain();
  if (state.pendingDomain) Object.assign(known, parseDomain(state.pendingDomain));
  state.variables = variables;
  const body = $("domain-fields").querySelector("tbody");
  body.replaceChildren();
  for (const name of variables) {
    const range = known[name] || { lo: "0", hi: "1", integer: false };
    const row = element(
      "tr", { "data-input": name },
      element("td", { text: name }),
      element("td", {}, element("input", { type: "text", class: "lo", value: range.lo, "aria-label": `${name} from` })),
      element("td", {}, element("input", { type: "text", class: "hi", value: range.hi, "aria-label": `${name} to` })),
      element("td", {}, element("input", { type: "checkbox", class: "int", "aria-label": `${name} integers` })),
    );
    row.querySelector(".int").checked = range.integer;
    body.append(row);
  }
  $("domain").hidden = variables.length === 0;
}

function fillDomain(ranges) {
  for (const row of $("domain-fields").querySelectorAll("tr[data-input]")) {
    const range = ranges[row.dataset.input];
    if (!range) continue;
    row.querySelector(".lo").value = range.lo;
    row.querySelector(".hi").value = range.hi;
    row.querySelector(".int").checked = range.integer;
  }
}

function readDomain() {
  const ranges = {};
  for (const row of $("domain-fields").querySelectorAll("tr[data-input]")) {
    ranges[row.dataset.input] = { lo: row.querySelector(".lo").value.trim(), hi: row.querySelector(".hi").value.trim(), integer: row.querySelector(".int").checked };
  }
  return ranges;
}

function showColumns(columns) {
  const output = $("output-column");
  output.replaceChildren(...columns.map((c) => element("option", { value: c, text: c })));
  output.value = state.pendingOutput && columns.includes(state.pendingOutput) ? state.pendingOutput : columns[columns.length - 1];
  const inputs = $("input-columns");
  inputs.replaceChildren();
  for (const column of columns) {
    const box = element("input", { type: "checkbox", value: column, "aria-label": `input ${column}` });
    box.checked = column !== output.value;
    inputs.append(element("label", { class: "check" }, box, column));
  }
  output.onchange = () => { for (const box of inputs.querySelectorAll("input")) box.checked = box.value !== output.value; };
  $("columns").hidden = false;
}

async function upload(file) {
  say("");
  try {
    const answer = await api("POST", `/api/upload?name=${encodeURIComponent(file.name)}`, undefined, file);
    $("target").value = answer.target;
    $("target-status").className = "status ok";
    $("target-status").textContent = `data file with columns ${answer.columns.join(", ")}`;
    showColumns(answer.columns);
    $("domain").hidden = true;
  } catch (error) {
    say(error.message);
  }
}

function settings() {
  const target = $("target").value.trim();
  const chosen = { target };
  if (!$("domain").hidden && state.variables.length) {
    const ranges = readDomain();
    if (state.inputs) chosen.inputs = state.variables.join(",");
    chosen.domain = state.variables.map((n) => `${n}=${ranges[n].lo}:${ranges[n].hi}${ranges[n].integer ? ":int" : ""}`).join(", ");
  }
  if (!$("columns").hidden) {
    chosen.outputs = $("output-column").value;
    chosen.inputs = [...$("input-columns").querySelectorAll("input:checked")].map((box) => box.value).join(",");
  }
  if ($("query").value.trim()) chosen.query = $("query").value.trim();
  for (const input of document.querySelectorAll("[data-field]")) if (input.value !== "") chosen[input.dataset.field] = input.value;
  return chosen;
}

// ---- a fit, live --------------------------------------------------------------------------

async function fit() {
  say("");
  const body = { ...settings(), try_fixes: $("try-fixes").checked };
  try {
    const job = await api("POST", "/api/fit", body);
    follow(job.id);
  } catch (error) {
    say(error.message);
  }
}

function follow(jobId) {
  if (state.source) state.source.close();
  state.job = jobId;
  state.live = { steps: [], train: [], val: [], rrmse: [], lr: [], begin: null, fit: null, progress: 0, rival: null };
  $("live-findings").replaceChildren();
  $("stop").disabled = false;
  const source = new EventSource(`/api/jobs/${jobId}/events`);
  state.source = source;
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
  pollQueue();
}

function onEvent(event) {
  const live = state.live;
  if (event.type === "state") {
    $("live-status").textContent = event.state === "queued" ? `waiting: fit #${state.job}, place ${event.position} in the queue` : "choosing the recipe and preparing the data…";
  } else if (event.type === "probe") {  // a candidate of the automatic recipe ended its short training
    window.nnfitLive.probes += 1;
    $("live-status").textContent = `choosing the recipe: ${event.probed} probed; ${event.label}: validation rRMSE ${number(event.val_rrmse)}`;
  } else if (event.type === "begin") {
    Object.assign(live, { steps: [], train: [], val: [], rrmse: [], lr: [], begin: event, fit: null, fallback: false });
    window.nnfitLive.begins += 1;
    $("live-status").textContent = `training: ${event.recipe}`;
  } else if (event.type === "fallback") {  // the network lost to the linear baseline: its curves stay
    live.fallback = true;
    window.nnfitLive.fallbacks += 1;
    $("live-status").textContent = `the linear baseline beat the network on the validation rows: fitting it instead (${event.recipe})`;
  } else if (event.type === "chunk") {
    const latest = event.records[event.records.length - 1];
    live.fit = event.fit || live.fit;
    if (!live.fallback) {  // the linear model's own steps would start the curves again
      for (const record of event.records) {
        window.nnfitLive.chunks += 1;
        live.steps.push(record.step); live.train.push(record.train_loss); live.val.push(record.val_loss);
        live.rrmse.push(record.val_rrmse); live.lr.push(record.lr);
      }
      live.progress = latest.progress;
      const rrmse = latest.val_rrmse === null ? "" : `, validation rRMSE ${number(latest.val_rrmse)}`;
      const rivalled = live.rival?.rrmse.length ? `; the rival beside it: ${number(live.rival.rrmse[live.rival.rrmse.length - 1])}` : "";
      $("live-status").textContent = `step ${latest.step}${latest.total_steps ? ` of ${latest.total_steps}` : ""}: loss ${number(latest.train_loss)}${rrmse}${rivalled}, ${number(latest.elapsed)} s`;
    }
    for (const finding of event.findings) $("live-findings").append(findingItem(finding, false));
    scheduleDraw();
  } else if (event.type === "rival-begin") {  // the choice's default side, trained beside the chosen network
    live.rival = { recipe: event.recipe, steps: [], rrmse: [], fit: null };
  } else if (event.type === "rival" && live.rival) {
    for (const record of event.records) {
      window.nnfitLive.rivals += 1;
      live.rival.steps.push(record.step); live.rival.rrmse.push(record.val_rrmse);
    }
    live.rival.fit = event.fit || live.rival.fit;
    scheduleDraw();
  } else if (event.type === "end") {
    window.nnfitLive.lastRun = event.run;
    window.nnfitLive.ended += 1;
    state.source.close();
    state.source = null;
    $("stop").disabled = true;
    $("progress-bar").style.width = "100%";
    scheduleDraw();
    if (event.error) { say(event.error); $("live-status").textContent = "failed"; }
    else $("live-status").textContent = event.state === "stopped" ? "stopped: the best weights so far are kept" : "done";
    refreshRuns();
    if (event.run) openRun(event.run);
    pollQueue();
  }
}

// Redraws at most every DRAW_MS: a run checked every step sends thousands of chunks a minute,
// and drawing each would take the cores training needs.
const DRAW_MS = 150;
function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  const wait = Math.max(0, DRAW_MS - (performance.now() - (state.drawnAt || 0)));
  setTimeout(() => { state.drawPending = false; state.drawnAt = performance.now(); drawLive(); }, wait);
}

function drawLive() {
  const live = state.live;
  $("progress-bar").style.width = `${Math.round(100 * live.progress)}%`;
  // copies: Plotly keeps the arrays it is given, and these grow in place
  const steps = live.steps.slice();
  const traces = [
    { x: steps, y: live.train.slice(), name: "train loss", mode: "lines" },
    { x: steps, y: live.val.slice(), name: "validation loss", mode: "lines" },
    { x: steps, y: live.rrmse.slice(), name: "validation rRMSE", mode: "lines" },
    { x: steps, y: live.lr.slice(), name: "learning rate", mode: "lines", yaxis: "y2", line: { dash: "dot" } },
  ];
  if (live.rival) {  // the better of the two on validation is kept
    traces.push({ x: live.rival.steps.slice(), y: live.rival.rrmse.slice(), name: `rival's validation rRMSE (${live.rival.recipe})`, mode: "lines", line: { color: "#b3592f" } });
  }
  Plotly.react("loss-plot", traces, {
    margin: { t: 30, r: 60, b: 40, l: 60 }, title: { text: "loss (scaled units) and validation rRMSE", font: { size: 13 } },
    xaxis: { title: { text: "step" }, type: "linear", autorange: true },
    yaxis: { type: "log", autorange: true, exponentformat: "power", nticks: 8 },
    yaxis2: { type: "log", autorange: true, overlaying: "y", side: "right", title: { text: "learning rate" }, showgrid: false, exponentformat: "power", dtick: 1 },
    legend: { orientation: "h", y: -0.25 },
  }, PLOT_CONFIG);
  if (live.begin && live.begin.axes && live.fit) drawFit("fit-plot", live.begin, live.fit, live.begin.truth, live.rival?.fit);
  window.nnfitLive.updates += 1;
  $("fit-plot").dataset.updates = String(window.nnfitLive.updates);
}

function domainBox(domain, two) {
  const [x0, x1] = domain[0];
  const box = { type: "rect", x0, x1, line: { color: "#17703a", dash: "dash" }, fillcolor: "rgba(23,112,58,0.08)" };
  return two ? { ...box, y0: domain[1][0], y1: domain[1][1] } : { ...box, yref: "paper", y0: 0, y1: 1 };
}

function drawFit(div, begin, fitValues, truth, rivalValues) {
  const axes = begin.axes;
  const inputs = begin.inputs || state.run?.inputs || ["x"];
  const outputs = begin.outputs || state.run?.outputs || ["y"];
  if (axes.length === 1) {
    const traces = [];
    if (truth) traces.push({ x: axes[0], y: truth, name: "truth", mode: "lines", line: { color: "black" } });
    if (begin.points) traces.push({ x: begin.points.X.map((r) => r[0]), y: begin.points.y, name: "data", mode: "markers", marker: { size: 4, color: "#8893a8" } });
    if (begin.lower && begin.upper) {  // the finished fit's intervals, open beyond the reach they were calibrated to
      traces.push({ x: axes[0], y: begin.lower, mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" });
      traces.push({ x: axes[0], y: begin.upper, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(47, 95, 179, 0.18)", name: `${+(100 * begin.coverage).toPrecision(4)}% interval` });
    }
    traces.push({ x: axes[0], y: fitValues, name: "network", mode: "lines", line: { color: "#2f5fb3", dash: "dash" } });
    if (rivalValues) traces.push({ x: axes[0], y: rivalValues, name: "rival network", mode: "lines", line: { color: "#b3592f", dash: "dashdot" } });
    if (begin.law) traces.push({ x: axes[0], y: begin.law.values, name: `law: ${begin.law.name}`, mode: "lines", line: { color: "#b3592f", dash: "dot" } });
    Plotly.react(div, traces, {
      margin: { t: 30, r: 20, b: 40, l: 60 }, title: { text: "the fit over twice the domain (training domain shaded)", font: { size: 13 } },
      xaxis: { title: { text: inputs[0] } }, yaxis: { title: { text: outputs[0] } }, shapes: [domainBox(begin.domain, false)],
      legend: { orientation: "h", y: -0.25 },
    }, PLOT_CONFIG);
  } else {
    const side = axes[0].length;
    const z = [];
    for (let row = 0; row < axes[1].length; row++) z.push(fitValues.slice(row * side, (row + 1) * side));
    const traces = [{ type: "heatmap", x: axes[0], y: axes[1], z, colorscale: "Viridis", colorbar: { title: { text: outputs[0] } }, name: "network" }];
    if (begin.law) {  // the claimed law's contours over the network's colours
      const lawZ = [];
      for (let row = 0; row < axes[1].length; row++) lawZ.push(begin.law.values.slice(row * side, (row + 1) * side));
      traces.push({ type: "contour", x: axes[0], y: axes[1], z: lawZ, name: `law: ${begin.law.name}`, showscale: false, contours: { coloring: "none" }, line: { color: "white", dash: "dot" } });
    }
    Plotly.react(div, traces, {
      margin: { t: 30, r: 20, b: 40, l: 60 }, title: { text: "the network over twice the domain (training domain dashed)", font: { size: 13 } },
      xaxis: { title: { text: inputs[0] } }, yaxis: { title: { text: inputs[1] } }, shapes: [domainBox(begin.domain, true)],
    }, PLOT_CONFIG);
  }
}

async function stop() {
  if (state.job === null) return;
  try { await api("POST", `/api/jobs/${state.job}/stop`); } catch (error) { say(error.message); }
}

let queueTimer = null;
async function pollQueue() {
  clearTimeout(queueTimer);
  try {
    const jobs = await api("GET", "/api/jobs");
    $("queue").textContent = jobs.length
      ? jobs.map((j) => `#${j.id} ${j.state}: ${j.target}`).join(" · ")
      : "";
    if (jobs.length) queueTimer = setTimeout(pollQueue, 1000);
  } catch (error) {
    $("queue").textContent = "";
  }
}

// ---- a finished run -----------------------------------------------------------------------

function findingItem(finding, applicable) {
  const item = element("li", { "data-code": finding.code },
    element("span", { class: finding.severity, text: `${finding.severity} ${finding.code}` }),
    `${finding.step !== null && finding.step !== undefined ? ` (step ${finding.step})` : ""}: ${finding.seen} — fix: ${finding.fix} `);
  if (applicable) {
    for (const change of finding.changes) {
      const words = Object.entries(change).map(([k, v]) => `${k} = ${shownValue(v)}`).join(", ");
      const button = element("button", { type: "button", class: "apply", text: `apply ${words}` });
      button.onclick = () => { for (const [k, v] of Object.entries(change)) setField(k, v); fit(); };
      item.append(button, " ");
    }
  }
  for (const line of finding.tried || []) item.append(element("div", { class: "tried", text: `tried ${line}` }));
  return item;
}

function table(node, header, rows) {
  node.replaceChildren(element("tr", {}, ...header.map((h) => element("th", { text: h }))));
  for (const row of rows) node.append(element("tr", {}, ...row.map((cell) => element("td", { text: number(cell) }))));
}

function showQueries(run, queries) {
  const header = [...run.inputs, ...run.outputs.map((o) => `${o} predicted`)];
  const known = queries.some((q) => q.truth);
  if (known) header.push(...run.outputs.map((o) => `${o} true`));
  header.push("interval", "inside the domain");
  // the interval per output, or how far out a point lies beyond the reach the intervals were calibrated to
  const interval = (q) => q.lower ? q.lower.map((lo, k) => `[${number(lo)}, ${number(q.upper[k])}]`).join(", ")
    : (q.reach === null || q.reach === undefined ? "—" : `beyond (${number(q.reach)}×)`);
  table($("queries"), header, queries.map((q) => [...q.point, ...q.prediction, ...(known ? q.truth || [] : []), interval(q), q.inside ? "yes" : "no"]));
}

function showLaws(laws) {
  if (!laws.length) {
    $("laws").replaceChildren(element("p", { class: "hint", text: "not searched: set discover to true and fit again to look for a law behind the data" }));
    return;
  }
  $("laws").replaceChildren(...laws.flatMap((law) => {
    const shown = element("p", { class: "law" }, element("b", { text: `${law.output} = ${law.expression ?? "no closed form found"}` }), element("br"), law.evidence);
    if (!law.versus.length) return [shown];
    const beside = element("table", { class: "numbers" });
    table(beside, ["set", "network rRMSE", "law rRMSE", "network max |error|", "law max |error|"],
      law.versus.map((r) => [r.set, r["network rRMSE"], r["law rRMSE"], r["network max |err|"], r["law max |err|"]]));
    return [shown, beside];
  }));
}

async function openRun(name) {
  try {
    const run = await api("GET", `/api/runs/${encodeURIComponent(name)}`);
    state.run = run;
    $("results").hidden = false;
    $("result-name").textContent = `${run.name}: ${run.target} over ${run.domain}`;
    const sets = Object.entries(run.evaluation);
    table($("metrics"), ["set", "rRMSE", "R²", "max |error|", "points"], sets.map(([set, m]) => [set === "test" ? "test (inside)" : `${set} (outside)`, m.rrmse, m.r2, m.max_abs_error, m.n]));
    showLaws(run.laws);
    showQueries(run, run.queries);
    $("findings").replaceChildren(...(run.findings.length ? run.findings.map((f) => findingItem(f, true)) : [element("li", { text: "nothing wrong found" })]));
    $("command").textContent = run.command;
    const base = `/runs/${encodeURIComponent(run.name)}/`;
    const links = ["report.html", "recipe.yaml", "metrics.json", "history.json", "model.safetensors"]
      .filter((f) => run.files.includes(f)).map((f) => element("a", { href: base + f, download: f === "report.html" ? "" : f, text: f }));
    $("downloads").replaceChildren(...links);
    for (const [format, label] of [["onnx", "ONNX"], ["numpy", "NumPy"], ["json", "JSON"]]) {
      const button = element("button", { type: "button", class: "apply", text: `export ${label}` });
      button.onclick = async () => {
        try {
          const answer = await api("POST", `/api/runs/${encodeURIComponent(run.name)}/export/${format}`);
          button.replaceWith(...answer.files.map((f) => element("a", { href: base + f, download: f, text: f })));
        } catch (error) { say(error.message); }
      };
      $("downloads").append(button);
    }
    $("figures").replaceChildren(...run.figures.map((f) => element("img", { src: base + f, alt: f, loading: "lazy" })));
    if (run.live && !state.source) drawFit("fit-plot", { ...run.live, inputs: run.inputs, outputs: run.outputs }, run.live.fit, run.live.truth);
    window.nnfitLive.shown = run.name;
  } catch (error) {
    say(error.message);
  }
}

async function addPoint() {
  if (!state.run) return;
  const point = $("new-point").value.trim();
  if (!point) return;
  try {
    const known = state.run.queries.map((q) => q.point.join(",")).join("; ");
    const queries = await api("POST", `/api/runs/${encodeURIComponent(state.run.name)}/query`, { points: known ? `${known}; ${point}` : point });
    state.run.queries = queries;
    showQueries(state.run, queries);
    $("new-point").value = "";
  } catch (error) {
    say(error.message);
  }
}

// ---- runs and comparisons -----------------------------------------------------------------

async function refreshRuns() {
  const runs = await api("GET", "/api/runs");
  const list = $("run-list");
  // The list is redrawn whenever a fit ends: the runs the user has ticked stay ticked.
  const ticked = new Set([...list.querySelectorAll("input:checked")].map((box) => box.value));
  const updateCompare = () => { $("compare").disabled = list.querySelectorAll("input:checked").length < 2; };
  list.replaceChildren(element("tr", {}, ...["", "run", "target", "status", "test rRMSE", "seconds"].map((h) => element("th", { text: h }))));
  for (const run of runs) {
    const box = element("input", { type: "checkbox", value: run.name, "aria-label": `select ${run.name}` });
    box.disabled = run.status !== "complete";
    box.checked = !box.disabled && ticked.has(run.name);
    box.onchange = updateCompare;
    const open = element("button", { type: "button", class: "apply", text: run.name });
    open.disabled = run.status !== "complete";
    open.onclick = () => openRun(run.name);
    list.append(element("tr", { "data-run": run.name },
      element("td", {}, box), element("td", {}, open), element("td", { text: run.target ?? "—" }),
      element("td", { text: run.status }), element("td", { text: number(run.test_rrmse) }), element("td", { text: number(run.seconds) })));
  }
  updateCompare();
}

async function compare() {
  const names = [...$("run-list").querySelectorAll("input:checked")].map((box) => box.value);
  try {
    const answer = await api("POST", "/api/compare", { runs: names });
    const columns = [...new Set(answer.rows.flatMap((row) => Object.keys(row)))];
    table($("compare-table"), columns, answer.rows.map((row) => columns.map((c) => row[c])));
    $("compare-plot").hidden = false;
    const traces = Object.entries(answer.curves).map(([name, c]) => ({ x: c.elapsed, y: c.val_rrmse, name, mode: "lines" }));
    Plotly.react("compare-plot", traces, {
      margin: { t: 30, r: 20, b: 40, l: 60 }, title: { text: "validation rRMSE against training time", font: { size: 13 } },
      xaxis: { title: { text: "seconds" } }, yaxis: { type: "log", title: { text: "validation rRMSE" } }, legend: { orientation: "h", y: -0.25 },
    }, PLOT_CONFIG);
  } catch (error) {
    say(error.message);
  }
}

// ---- start ----------------------------------------------------------------------------------

async function start() {
  state.schema = await api("GET", "/api/schema");
  buildForm(state.schema);
  const presets = $("preset");
  for (const preset of state.schema.presets) presets.append(element("option", { value: preset.name, text: preset.name }));
  presets.onchange = () => applyPreset(presets.value);
  $("target").addEventListener("input", () => { state.pendingDomain = null; state.inputs = null; checkTarget(); });
  $("upload").onchange = () => { if ($("upload").files.length) upload($("upload").files[0]); };
  $("fit").onclick = fit;
  $("stop").onclick = stop;
  $("add-point").onclick = addPoint;
  $("compare").onclick = compare;
  await refreshRuns();
  pollQueue();
  document.body.dataset.ready = "true";
}

start().catch((error) => say(error.message));
