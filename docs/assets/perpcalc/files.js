// @ts-nocheck -- not typed yet; tsc reaches it through perpcalc.js's import() (tsconfig.json)
// The reader's own files: a funding-history export or a positions CSV, chosen with the
// field's file button, dropped on the field or pasted into it, fills a calculator's list
// field. Generic: a field offers this when its spec says which files it accepts (the build
// renders the [data-file-for] box); nothing here knows any calculator or venue.
//
// The file goes to the calculators' worker as a File object (no copy is made here, the page
// never parses it): the worker reads it in slices and perpcalc.venue_files checks and
// converts it, the same code that reads these exports into pandas. Nothing is sent anywhere.
// Progress and errors show beside the field ([data-error-for=FIELD]), in plain words.
//
// A file whose times carry no zone (Binance's website export writes the zone the account
// displays) is read in the browser's time zone first; the box then shows a zone control
// ([data-file-zone], no form field: not an input of the calculator, not in the URL), and
// choosing another zone reads the same file again in it.

function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}

function columnsOf(control) {
  return (control.dataset.columns || "").split(",").map((c) => c.trim().toLowerCase());
}

// Pasted text that is a file rather than rows of the field's own columns: JSON, or CSV whose
// header names other columns (a venue's export).
function looksLikeFile(text, control) {
  const head = text.trimStart();
  if (head.startsWith("[") || head.startsWith("{")) return true;
  const first = head.split(/\r?\n/, 1)[0].toLowerCase().split(",").map((c) => c.trim());
  const columns = columnsOf(control);
  return first.length > 1 && !first.every((c) => columns.includes(c));
}

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

// UTC offsets as venues' websites offer them (Binance's "UTC+8"), then the zone names the
// browser knows.
const OFFSETS = [-12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 3.5, 4, 4.5, 5, 5.5, 5.75, 6, 6.5, 7, 8,
  9, 9.5, 10, 11, 12, 13, 14];

function offsetName(hours) {
  const h = Math.trunc(Math.abs(hours));
  const m = Math.round((Math.abs(hours) - h) * 60);
  return `UTC${hours < 0 ? "-" : "+"}${h}${m ? `:${String(m).padStart(2, "0")}` : ""}`;
}

function fillZones(select, current) {
  if (!select.options.length) {
    const add = (parent, value, text) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      parent.append(option);
    };
    const here = browserZone();
    add(select, here, `${here} (your browser's time zone)`);
    if (here !== "UTC") add(select, "UTC", "UTC");
    const offsets = document.createElement("optgroup");
    offsets.label = "UTC offsets";
    for (const hours of OFFSETS) add(offsets, offsetName(hours), offsetName(hours));
    const names = document.createElement("optgroup");
    names.label = "Time zones";
    let known = [];
    try {
      known = Intl.supportedValuesOf("timeZone");
    } catch {
      known = [];
    }
    for (const zone of known) if (zone !== here && zone !== "UTC") add(names, zone, zone);
    select.append(offsets, names);
  }
  select.value = current;
}

function showZone(box, result, zone) {
  const zoneBox = box.querySelector("[data-file-zone-box]");
  if (!zoneBox) return;
  zoneBox.hidden = !result.zoneless;
  if (!result.zoneless) return;
  fillZones(zoneBox.querySelector("[data-file-zone]"), zone);
  zoneBox.querySelector("[data-file-zone-note]").textContent = zone === browserZone()
    ? "Read in your browser's time zone: choose the zone the venue showed when you exported it."
    : `Read as ${result.timezone} time.`;
}

function showProgress(box, name, msg) {
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-file-status]");
  if (msg.phase === "reading") {
    bar.max = Math.max(1, msg.total);
    bar.value = msg.done;
    status.textContent = `Reading ${name} in your browser: ${mb(msg.done)} of ${mb(msg.total)} MB…`;
  } else if (msg.total > 1) {
    bar.max = Math.max(1, msg.total);
    bar.value = Math.min(msg.done, msg.total);
    status.textContent = `Checking ${name}: line ${msg.done.toLocaleString("en")} of about ${msg.total.toLocaleString("en")}…`;
  } else {
    bar.removeAttribute("value");
    status.textContent = `Checking ${name}…`;
  }
}

// A field shown only for some choices (pasted rates, not a simulated series): reading a file
// into it is the reader choosing it, so the choices it needs are made first, and the field,
// its rows and any error beside it come into view.
function makeApply(form, control, api) {
  const home = control.closest(".perpcalc__field");
  if (!home?.hidden || !home.dataset.when) return;
  for (const [name, allowed] of Object.entries(JSON.parse(home.dataset.when))) {
    const select = form.querySelector(`select[name="${CSS.escape(name)}"]`);
    if (!select || allowed.includes(select.value)) continue;
    select.value = allowed[0];
    api.touched(form).add(name);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

async function load(form, box, file, api) {
  const field = box.dataset.fileFor;
  const control = form.querySelector(`textarea[name="${CSS.escape(field)}"]`);
  makeApply(form, control, api);
  const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  const status = box.querySelector("[data-file-status]");
  const bar = box.querySelector("progress");
  const name = file.name || "the pasted text";
  box.dataset.state = "busy";
  slot.textContent = "";
  control.removeAttribute("aria-invalid");
  bar.hidden = false;
  bar.removeAttribute("value");
  status.textContent = `Reading ${name} in your browser…`;
  box._file = file;
  const zone = box.dataset.zone || browserZone();
  // a lone settlement takes the interval the reader set, else the venue's usual one
  const interval = form.querySelector('input[name="interval_hours"]');
  const typed = interval && api.touched(form).has("interval_hours") ? api.valueOf(interval) : null;
  const options = { timezone: zone, interval_hours: typed, filename: file.name || "" };
  const result = await api.readFile(form, field, file, (msg) => showProgress(box, name, msg), options);
  bar.hidden = true;
  box.dataset.zoneless = String(Boolean(result.ok && result.zoneless));
  if (result.ok) showZone(box, result, zone);
  if (!result.ok) {
    box.dataset.state = "error";
    slot.textContent = `${name}: ${result.error.message}`;
    control.setAttribute("aria-invalid", "true");
    status.textContent = `${name} was not read: see the message below.`;
    form.dispatchEvent(new CustomEvent("perpcalc:file", { detail: result }));
    return;
  }
  const changed = [];
  for (const [key, given] of Object.entries(result.values)) {
    const el = form.querySelector(`:is(input, select, textarea)[name="${CSS.escape(key)}"]`);
    if (!el) continue;
    const value = api.fromAPI(el, given); // the file's rates in the unit the reader types (percent)
    if (api.valueOf(el) === value) continue;
    api.setValue(el, value);
    api.touched(form).add(key);
    changed.push(el);
  }
  // selects first (a choice may show or hide fields), then one edit that recomputes
  for (const el of changed) if (el.tagName === "SELECT") el.dispatchEvent(new Event("change", { bubbles: true }));
  control.dispatchEvent(new Event("input", { bubbles: true }));
  box.dataset.state = "done";
  status.textContent = `Read ${name}: ${result.message}`;
  form.dispatchEvent(new CustomEvent("perpcalc:file", { detail: result }));
}

export function wireFiles(form, api) {
  for (const box of form.querySelectorAll("[data-file-for]")) {
    if (box.dataset.wired === "true") continue;
    box.dataset.wired = "true";
    const control = form.querySelector(`textarea[name="${CSS.escape(box.dataset.fileFor)}"]`);
    // drops land on the file button's block and on the field itself (they differ when the
    // field is shown only for some choices)
    const zones = new Set([box.closest(".perpcalc__field") || box, control.closest(".perpcalc__field")]);
    const input = box.querySelector('input[type="file"]');
    const take = (file) => {
      if (box.dataset.state !== "busy") load(form, box, file, api);
    };
    input.addEventListener("change", (event) => {
      event.stopPropagation(); // not an edit of the form's inputs
      if (input.files && input.files[0]) take(input.files[0]);
      input.value = "";
    });
    input.addEventListener("input", (event) => event.stopPropagation());
    const zone = box.querySelector("[data-file-zone]");
    if (zone) {
      zone.addEventListener("input", (event) => event.stopPropagation());
      zone.addEventListener("change", (event) => {
        event.stopPropagation(); // the file's zone, not an input of the calculator
        box.dataset.zone = zone.value;
        if (box._file) take(box._file);
      });
    }
    const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
    for (const field of zones) {
      field.addEventListener("dragover", (event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        field.classList.add("perpcalc__field--drop");
      });
      field.addEventListener("dragleave", () => field.classList.remove("perpcalc__field--drop"));
      field.addEventListener("drop", (event) => {
        field.classList.remove("perpcalc__field--drop");
        const file = event.dataTransfer?.files?.[0];
        if (!file) return;
        event.preventDefault();
        take(file);
      });
    }
    control.addEventListener("paste", (event) => {
      const text = event.clipboardData?.getData("text/plain");
      if (!text || !looksLikeFile(text, control)) return; // rows of the field's own columns: an ordinary paste
      event.preventDefault();
      take(new File([text], "", { type: "text/plain" }));
    });
  }
}
