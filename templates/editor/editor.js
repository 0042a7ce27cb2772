// The editors' draft page: asks laysum for a draft and shows it beside its quality report.
//
// Registry text only ever reaches the page as text (textContent) or inside the server's HTML
// fragment, which escapes it; the page's Content-Security-Policy forbids inline scripts besides.
"use strict";

const $ = (id) => document.getElementById(id);

// What an editor is told for each error code of the API.
const ERROR_TITLES = {
  bad_nct_id: "That is not an NCT ID",
  study_not_found: "The registry has no such study",
  upstream_unavailable: "The registry is not answering",
  upstream_timeout: "The registry is too slow",
  not_json: "The pasted record is not valid JSON",
  not_a_study: "The pasted text is not a study record",
  no_nct_id: "The record has no NCT ID",
  payload_too_large: "The record is too large",
  guard_failed: "The page breaks a hard rule",
  writer_unavailable: "The model is not set up",
  timeout: "laysum took too long",
};

const CODE_LABELS = {
  missing_section: "missing section",
  forbidden_claim: "forbidden claim",
  untraced_number: "number not in the record",
  contact_detail: "contact detail",
  section_too_long: "section too long",
  long_sentence: "long sentence",
  jargon: "jargon",
  hard_to_read: "hard to read",
};

const SECTION_LABELS = {
  headline: "Headline",
  summary: "Summary",
  active_substance: "Active substance",
  what_this_could_lead_to: "What this could lead to",
  what_could_go_wrong: "What could go wrong",
  what_the_trial_found: "What the trial found",
};

let current = null;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node[key] = value;
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(code, message, warnings) {
  $("result").hidden = true;
  $("error").hidden = false;
  $("error-title").textContent = ERROR_TITLES[code] || "The draft could not be made";
  $("error-message").textContent = message;
  const list = $("error-warnings");
  list.replaceChildren();
  for (const w of warnings || []) {
    list.append(el("li", {}, `${SECTION_LABELS[w.section] || w.section}: ${w.message}`));
  }
  setStatus("");
}

async function requestDraft(event) {
  event.preventDefault();
  const nctId = $("nct-id").value.trim();
  const record = $("record").value.trim();
  const writer = document.querySelector("input[name=writer]:checked").value;
  if (!nctId && !record) {
    showError("", "Enter an NCT ID, such as NCT07635758, or paste a record.");
    return;
  }
  const body = record ? { record } : { nct_id: nctId };
  const button = $("draft");
  button.disabled = true;
  $("error").hidden = true;
  setStatus(writer === "llm" ? "Asking the model for a draft…" : "Drafting…");
  try {
    const resp = await fetch(`/v1/drafts?writer=${encodeURIComponent(writer)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await resp.json().catch(() => null);
    if (!resp.ok) {
      const error = (data && data.error) || {};
      showError(error.code, error.message || `laysum answered ${resp.status}.`, error.warnings);
      return;
    }
    current = data;
    showDraft(data);
    setStatus(`Drafted ${data.page.nct_id}.`);
  } catch (err) {
    showError("", `laysum could not be reached: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

function showDraft(data) {
  const page = data.page;
  $("error").hidden = true;
  $("result").hidden = false;

  const g = page.generator;
  $("generator").textContent =
    `writer ${g.writer}${g.model ? ` · model ${g.model}` : ""} · wording ${g.version}`;
  const fallback = $("fallback");
  fallback.hidden = !g.fallback_from;
  fallback.textContent = g.fallback_from
    ? `The ${g.fallback_from} draft was not used: ${g.reason}. This is the rules draft.`
    : "";

  // The fragment the website would embed, parsed inertly: scripts in it never run.
  const doc = new DOMParser().parseFromString(data.html, "text/html");
  const preview = $("preview");
  preview.replaceChildren(...Array.from(doc.body.childNodes));
  const marks = markWarnings(preview, page.quality.warnings);

  showGrades(page.quality);
  showWarnings(page.quality.warnings, marks);
  showInterventions(page.interventions || []);
  showFacts(page.quality.facts);
  const missing = page.quality.missing || [];
  $("missing-block").hidden = missing.length === 0;
  $("missing").replaceChildren(...missing.map((m) => el("li", {}, m)));
}

// Wraps the words each warning concerns in a <mark>; a warning about a whole section outlines it.
function markWarnings(preview, warnings) {
  return warnings.map((w, i) => {
    const section = preview.querySelector(`[data-section="${w.section}"]`);
    if (!section) return null;
    const label = `${CODE_LABELS[w.code] || w.code}: ${w.message}`;
    const mark = w.excerpt ? markText(section, w.excerpt) : null;
    if (mark) {
      mark.className = `w-${w.severity} w-${w.code}`;
      mark.title = label;
      mark.dataset.warning = String(i);
      return mark;
    }
    section.classList.add("section-flag", `section-flag-${w.severity}`);
    section.title = label;
    return section;
  });
}

function markText(root, needle) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("mark")) continue;
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    const mark = document.createElement("mark");
    range.surroundContents(mark);
    return mark;
  }
  return null;
}

function gradeClass(grade) {
  return grade <= 8 ? "grade-ok" : grade <= 10 ? "grade-high" : "grade-bad";
}

function showGrades(quality) {
  const rows = quality.sections.map((s) =>
    el("tr", {},
      el("td", {}, SECTION_LABELS[s.section] || s.section),
      el("td", { class: `num ${gradeClass(s.grade_level)}` }, s.grade_level.toFixed(1)),
      el("td", { class: "num" }, s.words),
      el("td", { class: "num" }, s.sentences)));
  $("grades").replaceChildren(
    el("div", { class: "page-grade" },
      el("div", {}, el("strong", { class: gradeClass(quality.grade_level) }, quality.grade_level.toFixed(1)), "school grade (aim 6–8)"),
      el("div", {}, el("strong", {}, quality.reading_ease.toFixed(0)), "reading ease (60+ is plain)")),
    el("table", { class: "grades" },
      el("thead", {}, el("tr", {}, el("th", {}, "Section"), el("th", {}, "Grade"), el("th", {}, "Words"), el("th", {}, "Sentences"))),
      el("tbody", {}, ...rows)));
}

function showWarnings(warnings, marks) {
  $("warning-count").textContent = warnings.length ? `(${warnings.length})` : "";
  const list = $("warnings");
  if (!warnings.length) {
    list.replaceChildren(el("li", { class: "none" }, "None: every rule is kept."));
    return;
  }
  list.replaceChildren(...warnings.map((w, i) => {
    const item = el("li", { dataset: { code: w.code } },
      el("span", { class: `badge ${w.severity}` }, w.severity),
      el("strong", {}, CODE_LABELS[w.code] || w.code), " ",
      el("span", { class: "where" }, `in ${SECTION_LABELS[w.section] || w.section}`),
      el("div", {}, w.message));
    item.addEventListener("click", () => {
      const target = marks[i];
      if (!target) return;
      target.scrollIntoView({ behavior: "smooth", block: "center" });
      target.classList.add("flash");
      setTimeout(() => target.classList.remove("flash"), 1200);
    });
    return item;
  }));
}

// How the derive step read each intervention, for the editor to check against the record.
const ROLE_WORDS = {
  tested: "tested",
  background: "given to every arm",
  comparator: "compared with",
  placebo: "placebo / sham",
  assessment: "only measures",
};

function showInterventions(interventions) {
  $("interventions-block").hidden = interventions.length === 0;
  $("interventions").tBodies[0].replaceChildren(
    ...interventions.map((i) =>
      el("tr", { dataset: { role: i.role } },
        el("td", { title: i.field }, i.name, el("small", {}, ` ${i.type.toLowerCase()}`)),
        el("td", { className: `role role-${i.role}` }, ROLE_WORDS[i.role] || i.role),
        el("td", {}, i.arms.join("; ")))));
}

function showFacts(facts) {
  $("facts").tBodies[0].replaceChildren(
    ...facts.map((f) => el("tr", {}, el("td", {}, f.text), el("td", {}, f.field))));
}

async function copy(kind) {
  if (!current) return;
  const text = current[kind];
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Older browsers, or a page not served over HTTPS: copy through a hidden text area.
    const area = el("textarea", { value: text });
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  setStatus(kind === "markdown" ? "Copied the page as Markdown." : "Copied the page as HTML.");
}

// ---- The Review view: pages waiting for a reviewer, what changed, approve or reject. ----

const REASONS = {
  new_study: "new study",
  record_changed: "the registry record changed",
  wording_changed: "our wording changed",
  edited: "edited by hand",
  unchanged: "unchanged",
};

const REVIEW_ERRORS = {
  unauthenticated: "That token is not valid. Ask an admin for one.",
  forbidden: "Your role may not do this.",
  conflict: "Someone decided on this page first.",
  guard_failed: "The edited page breaks a hard rule and cannot be sent for review.",
  not_found: "That page is no longer there.",
};

let review = null;

function showView(name) {
  for (const view of ["draft", "review"]) {
    $(`${view}-view`).hidden = view !== name;
    $(`tab-${view}`).setAttribute("aria-pressed", String(view === name));
  }
}

function token() {
  return sessionStorage.getItem("laysum-token") || "";
}

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${token()}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await resp.json().catch(() => null);
  if (!resp.ok) {
    const error = (data && data.error) || {};
    const failure = new Error(REVIEW_ERRORS[error.code] || error.message || `laysum answered ${resp.status}.`);
    failure.detail = error.message;
    failure.warnings = error.warnings || [];
    throw failure;
  }
  return data;
}

async function loadQueue(event) {
  if (event) event.preventDefault();
  const typed = $("token").value.trim();
  if (typed) sessionStorage.setItem("laysum-token", typed);
  $("review-list-status").textContent = "Loading…";
  try {
    const data = await api("GET", "/v1/reviews");
    const list = $("reviews");
    if (!data.reviews.length) {
      list.replaceChildren(el("li", { class: "none" }, "Nothing waits for review."));
    } else {
      list.replaceChildren(...data.reviews.map((r) => {
        const button = el("button", { type: "button", dataset: { id: r.id } },
          r.nct_id, el("small", {}, `${REASONS[r.reason] || r.reason} · ${r.created_at.slice(0, 10)}`));
        button.addEventListener("click", () => openReview(r.id));
        return el("li", {}, button);
      }));
    }
    $("review-list-status").textContent = `${data.reviews.length} in review.`;
  } catch (err) {
    $("review-list-status").textContent = err.message;
  }
}

// One section's words, with the changes on this side marked: deletions on the published side,
// insertions on the proposed side.
function sideText(ops, keep, tag) {
  const p = el("p");
  for (const [kind, words] of ops) {
    if (kind === "equal") p.append(words);
    else if (kind === keep) p.append(el(tag, {}, words));
  }
  return p;
}

async function openReview(id) {
  $("review-status").textContent = "";
  $("review-errors").replaceChildren();
  $("published-block").hidden = true;
  $("edit-block").hidden = true;
  for (const b of document.querySelectorAll("#reviews button")) b.classList.toggle("current", b.dataset.id === id);
  try {
    review = await api("GET", `/v1/reviews/${encodeURIComponent(id)}`);
  } catch (err) {
    $("review-list-status").textContent = err.message;
    return;
  }
  $("review-detail").hidden = false;
  $("review-title").textContent = `${review.nct_id}: ${review.proposed.headline}`;
  $("review-reason").textContent = `${REASONS[review.reason] || review.reason} · by ${review.author} · ${review.created_at}`;

  const fields = review.changed_fields;
  $("fields-block").hidden = fields.length === 0;
  $("changed-fields").tBodies[0].replaceChildren(...fields.map((f) =>
    el("tr", {}, el("td", {}, f.field), el("td", {}, JSON.stringify(f.old)), el("td", {}, JSON.stringify(f.new)))));

  const published = $("side-published");
  const proposed = $("side-proposed");
  published.replaceChildren();
  proposed.replaceChildren();
  for (const d of review.diff) {
    const label = SECTION_LABELS[d.section] || d.section;
    published.append(el("h4", {}, label), sideText(d.ops, "delete", "del"));
    proposed.append(el("h4", {}, label), sideText(d.ops, "insert", "ins"));
    proposed.lastChild.dataset.section = d.section;
  }
  if (!review.published) published.replaceChildren(el("p", { class: "none" }, "Not published yet: this is the study's first page."));

  const q = review.quality;
  $("review-grade").textContent = `grade ${q.grade_level.toFixed(1)} · reading ease ${q.reading_ease.toFixed(0)}`;
  $("review-warnings").replaceChildren(...(q.warnings.length ? q.warnings.map((w) =>
    el("li", {}, el("span", { class: `badge ${w.severity}` }, w.severity),
      el("strong", {}, CODE_LABELS[w.code] || w.code), " ",
      el("span", { class: "where" }, `in ${SECTION_LABELS[w.section] || w.section}`),
      el("div", {}, w.message))) : [el("li", { class: "none" }, "None: every rule is kept.")]));
}

async function decide(action) {
  if (!review) return;
  const note = $("review-note").value.trim();
  $("review-errors").replaceChildren();
  try {
    await api("POST", `/v1/reviews/${encodeURIComponent(review.id)}/${action}`, note ? { note } : {});
  } catch (err) {
    $("review-status").textContent = err.message;
    if (err.detail && err.detail !== err.message) $("review-errors").append(el("li", {}, err.detail));
    return;
  }
  $("review-status").textContent = action === "approve" ? `Published ${review.nct_id}.` : `Rejected this page of ${review.nct_id}.`;
  if (action === "approve") await showPublished(review.nct_id);
  await loadQueue();
}

// The page as the website gets it, parsed inertly like the draft.
async function showPublished(nctId) {
  const resp = await fetch(`/v1/studies/${encodeURIComponent(nctId)}/page?format=html`);
  if (!resp.ok) return;
  const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
  $("published-preview").replaceChildren(...Array.from(doc.body.childNodes));
  $("published-block").hidden = false;
}

const EDITABLE = ["headline", "summary", "what_the_trial_found", "active_substance", "what_this_could_lead_to", "what_could_go_wrong"];

function startEdit() {
  if (!review) return;
  const page = review.proposed;
  $("edit-sections").replaceChildren(...EDITABLE
    .filter((name) => name === "headline" || page.sections[name] !== null)
    .map((name) => {
      const text = name === "headline" ? page.headline : page.sections[name];
      return el("div", {},
        el("label", { htmlFor: `edit-${name}` }, SECTION_LABELS[name] || name),
        el("textarea", { id: `edit-${name}`, rows: 3, value: text, dataset: { section: name } }));
    }));
  $("edit-block").hidden = false;
}

async function saveEdit() {
  const body = { sections: {} };
  for (const area of document.querySelectorAll("#edit-sections textarea")) {
    if (area.dataset.section === "headline") body.headline = area.value;
    else body.sections[area.dataset.section] = area.value;
  }
  $("review-errors").replaceChildren();
  try {
    const saved = await api("PUT", `/v1/drafts/${encodeURIComponent(review.nct_id)}`, body);
    $("review-status").textContent = "Sent for review. Another reviewer must approve your edit.";
    await loadQueue();
    await openReview(saved.id);
  } catch (err) {
    $("review-status").textContent = err.message;
    $("review-errors").replaceChildren(...err.warnings.map((w) =>
      el("li", {}, `${SECTION_LABELS[w.section] || w.section}: ${w.message} («${w.excerpt}»)`)));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("request").addEventListener("submit", requestDraft);
  $("copy-markdown").addEventListener("click", () => copy("markdown"));
  $("copy-html").addEventListener("click", () => copy("html"));
  $("tab-draft").addEventListener("click", () => showView("draft"));
  $("tab-review").addEventListener("click", () => showView("review"));
  $("token-form").addEventListener("submit", loadQueue);
  $("approve").addEventListener("click", () => decide("approve"));
  $("reject").addEventListener("click", () => decide("reject"));
  $("edit").addEventListener("click", startEdit);
  $("save-edit").addEventListener("click", saveEdit);
  $("cancel-edit").addEventListener("click", () => { $("edit-block").hidden = true; });
});
