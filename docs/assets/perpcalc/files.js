// The reader's own files: a funding-history export or a positions CSV, chosen with the
// field's file button, dropped on the field or pasted into it, fills a calculator's list
// field. Generic: a field offers this when its spec says which files it accepts (the build
// renders the [data-file-for] box); nothing here knows any calculator or venue.
//
// The file goes to the calculators' worker as a File object (no copy is made here, the page
// never parses it): the worker reads it in slices and perpcalc.venue_files checks and
// converts it, the same code that reads these exports into pandas. Nothing is sent anywhere.
// Progress and errors show beside the field ([data-error-for=FIELD]), in plain words.

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
  const result = await api.readFile(form, field, file, (msg) => showProgress(box, name, msg));
  bar.hidden = true;
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
