// The newsflow status page: pipeline numbers, latest articles, search, and one article with its
// entities and quotes highlighted. Article text is hostile input: it only ever goes into the page as
// text (textContent, text nodes), never as markup.
"use strict";

const KEY_STORAGE = "newsflow.apiKey";
const POLL_MS = 3000;
const $ = (id) => document.getElementById(id);
let apiKey = localStorage.getItem(KEY_STORAGE) || "";
let pollTimer = null;
let searching = false;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children); // strings become text nodes
  return node;
}

class Unauthorised extends Error {}

async function api(path) {
  const response = await fetch(path, { headers: { "X-API-Key": apiKey } });
  if (response.status === 401) throw new Unauthorised("That key was not accepted.");
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.status}: ${body.detail}`);
  return body;
}

function askForKey(message) {
  clearInterval(pollTimer);
  $("main").hidden = true;
  $("forget-key").hidden = true;
  $("key-form").hidden = false;
  $("key-message").textContent = message || "";
  $("key-input").focus();
}

function start() {
  $("key-form").hidden = true;
  $("main").hidden = false;
  $("forget-key").hidden = false;
  refresh();
  clearInterval(pollTimer);
  pollTimer = setInterval(refresh, POLL_MS);
  route();
}

async function refresh() {
  try {
    await Promise.all([showStatus(), searching ? null : showLatest()]);
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    if (error instanceof Unauthorised) askForKey(error.message);
  }
}

async function showStatus() {
  let status;
  try {
    status = await api("/v1/status");
  } catch (error) {
    if (error instanceof Unauthorised) throw error;
    $("status-error").textContent = error.message;
    return;
  }
  $("status-error").textContent = "";
  $("stages").replaceChildren(
    ...status.stages.map((stage) =>
      el(
        "tr",
        { "data-stage": stage.stage },
        el("td", {}, stage.stage),
        el("td", {}, stage.stream),
        el("td", { class: "length" }, String(stage.length)),
        el("td", { class: "pending" }, String(stage.pending)),
        el("td", { class: "backlog" }, stage.backlog === null ? "no group" : String(stage.backlog)),
        el("td", { class: "done" }, String(stage.done_last_minute)),
        el("td", { class: "consumers" }, String(stage.consumers.length)),
      ),
    ),
  );
  $("groups").replaceChildren(
    ...(status.downstream.length
      ? status.downstream.map((group) =>
          el(
            "tr",
            { "data-group": group.group },
            el("td", {}, group.group),
            el("td", {}, group.stream),
            el("td", { class: "pending" }, String(group.pending)),
            el("td", { class: "lag" }, group.lag === null ? "?" : String(group.lag)),
            el("td", { class: "idle" }, group.idle_s === null ? "never read" : duration(group.idle_s)),
            el("td", { class: "consumers" }, String(group.consumers)),
            el("td", { class: group.stale ? "state stale" : "state" }, group.stale ? "stale: not holding trimming" : "reading"),
          ),
        )
      : [el("tr", {}, el("td", { colspan: "7", class: "muted" }, "No subscriber groups yet."))]),
  );
  $("stored-total").textContent = String(status.stored_articles);
  $("stored-minute").textContent = String(status.stored_last_minute);
  $("dlq").textContent = String(status.dlq);
}

function duration(seconds) {
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60]]) {
    if (seconds >= size) return `${(seconds / size).toFixed(1)} ${unit}`;
  }
  return `${Math.round(seconds)} s`;
}

// Who the article is from: a wire's agency, else the site, else the source a scraper named (a local
// file path says nothing to a reader, and is left out).
function byline(item) {
  const source = item.source && !/^file:/.test(item.source) ? item.source : null;
  let host = null;
  try {
    host = item.url ? new URL(item.url).hostname : null;
  } catch (error) {
    host = null;
  }
  return item.agency_name || item.agency || item.site_name || host || source;
}

function untitled(lead) {
  const words = (lead || "").split(/\s+/).slice(0, 12).join(" ");
  return words ? words + " …" : "(no title)";
}

function articleLink(item) {
  return el("a", { href: "#/articles/" + encodeURIComponent(item.article_id) }, item.title || untitled(item.lead));
}

function listItem(item, extra) {
  const when = item.published_at || item.stored_at;
  const meta = [byline(item), when && new Date(when).toLocaleString()].filter(Boolean).join(" · ");
  const li = el("li", { "data-article-id": item.article_id }, articleLink(item), " ", el("span", { class: "muted" }, meta));
  if (extra) li.append(extra);
  if (location.hash === "#/articles/" + encodeURIComponent(item.article_id)) li.classList.add("current");
  return li;
}

async function showLatest() {
  const page = await api("/v1/articles?limit=20");
  $("list-heading").textContent = "Latest articles";
  $("articles").replaceChildren(...page.items.map((item) => listItem(item)));
}

async function showSearch(query) {
  try {
    const page = await api("/v1/search?limit=20&q=" + encodeURIComponent(query));
    $("list-heading").textContent = `Search: ${page.items.length}${page.next ? "+" : ""} matches`;
    $("articles").replaceChildren(
      ...page.items.map((hit) => listItem(hit, highlighted(hit.snippet, hit.highlights, "snippet"))),
    );
  } catch (error) {
    if (error instanceof Unauthorised) return askForKey(error.message);
    $("list-heading").textContent = error.message;
  }
}

// Offsets from the API count Unicode code points (Python); JavaScript strings count UTF-16 units,
// so text is sliced as an array of code points.
function highlighted(text, ranges, className) {
  const chars = Array.from(text);
  const out = el("span", { class: className });
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end > chars.length || start >= end) continue;
    out.append(chars.slice(at, start).join(""), el("mark", { class: "match" }, chars.slice(start, end).join("")));
    at = end;
  }
  out.append(chars.slice(at).join(""));
  return out;
}

// Keeps spans that are inside the text, sorted, and drops any overlapping an earlier one.
function usable(spans, length) {
  const sorted = spans
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end <= length && s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  for (const span of sorted) if (!kept.length || span.start >= kept[kept.length - 1].end) kept.push(span);
  return kept;
}

function appendEntities(parent, chars, from, to, entities) {
  let at = from;
  for (const entity of entities) {
    const start = Math.max(entity.start, from);
    const end = Math.min(entity.end, to);
    if (end <= start) continue;
    parent.append(chars.slice(at, start).join(""));
    parent.append(
      el("mark", { class: "entity " + entity.type, title: `${entity.name} (${entity.type})` }, chars.slice(start, end).join("")),
    );
    at = end;
  }
  parent.append(chars.slice(at, to).join(""));
}

// The body with quotes as spans and entity mentions as <mark>s inside or between them.
function annotatedBody(body, entities, quotes) {
  const chars = Array.from(body);
  const mentions = usable(
    entities.flatMap((e) => (e.spans || []).map((s) => ({ start: s.start, end: s.end, name: e.name, type: e.type }))),
    chars.length,
  );
  const quoted = usable(quotes.filter((q) => q.start !== undefined), chars.length);
  const container = el("div");
  let at = 0;
  for (const quote of quoted) {
    appendEntities(container, chars, at, quote.start, mentions);
    const kind = quote.kind === "indirect" ? "indirect" : "direct";
    const span = el("span", { class: "quote " + kind, title: quote.speaker ? "said by " + quote.speaker : "quote" });
    appendEntities(span, chars, quote.start, quote.end, mentions);
    container.append(span);
    at = quote.end;
  }
  appendEntities(container, chars, at, chars.length, mentions);
  return container;
}

function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}

async function showArticle(articleId) {
  const found = await api("/v1/articles/" + encodeURIComponent(articleId));
  const doc = found.document;
  $("article").hidden = false;
  $("main").classList.add("reading");
  $("article-title").textContent = doc.title || untitled(doc.body);
  const meta = $("article-meta");
  meta.replaceChildren(
    [byline(doc), doc.published_at && new Date(doc.published_at).toLocaleString(),
     doc.language || doc.detected_language, `${doc.word_count} words`].filter(Boolean).join(" · "),
  );
  const url = safeUrl(doc.canonical_url || doc.url);
  if (url) meta.append(" · ", el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, "original"));
  $("article-entities").replaceChildren(
    ...doc.entities.map((e) => el("span", { class: "chip " + e.type }, e.name, el("small", {}, `${e.type} ×${e.mentions}`))),
  );
  $("article-body").replaceChildren(annotatedBody(doc.body, doc.entities, doc.quotes || []));
  const quotes = doc.quotes || [];
  $("article-quotes").replaceChildren(
    ...(quotes.length
      ? quotes.map((q) =>
          el(
            "li",
            {},
            // Reported speech is the writer's wording: no quotation marks for it.
            q.kind === "indirect" ? `${q.text} (reported)` : `“${q.text}”`,
            el("span", { class: "muted" }, q.speaker ? ` — ${q.speaker}` : ""),
          ),
        )
      : [el("li", { class: "muted" }, "No quotes found (yet).")]),
  );
  await showStory(found);
  for (const li of document.querySelectorAll("#articles li")) {
    li.classList.toggle("current", li.dataset.articleId === articleId);
  }
}

async function showStory(found) {
  const box = $("article-story");
  if (!found.story_id) {
    box.replaceChildren(el("p", { class: "muted" }, "No story yet."));
    return;
  }
  const story = await api("/v1/stories/" + encodeURIComponent(found.story_id) + "?limit=50");
  const others = story.articles.items.filter((item) => item.article_id !== found.article_id);
  box.replaceChildren(
    el("p", {}, story.title || found.story_id, el("span", { class: "muted" }, ` · ${story.article_count} articles`)),
    others.length ? el("ul", {}, ...others.map((item) => el("li", {}, articleLink(item)))) : el("p", { class: "muted" }, "No other articles in it yet."),
  );
}

async function route() {
  const match = location.hash.match(/^#\/articles\/(.+)$/);
  if (!match) {
    $("article").hidden = true;
    $("main").classList.remove("reading");
    return;
  }
  try {
    await showArticle(decodeURIComponent(match[1]));
  } catch (error) {
    if (error instanceof Unauthorised) return askForKey(error.message);
    $("article").hidden = false;
    $("main").classList.add("reading");
    $("article-title").textContent = error.message;
  }
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  apiKey = $("key-input").value.trim();
  localStorage.setItem(KEY_STORAGE, apiKey);
  $("key-input").value = "";
  start();
});
$("forget-key").addEventListener("click", () => {
  localStorage.removeItem(KEY_STORAGE);
  apiKey = "";
  askForKey("");
});
$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = $("search-input").value.trim();
  searching = Boolean(query);
  $("search-clear").hidden = !searching;
  if (searching) showSearch(query);
  else refresh();
});
$("search-clear").addEventListener("click", () => {
  $("search-input").value = "";
  searching = false;
  $("search-clear").hidden = true;
  refresh();
});
window.addEventListener("hashchange", route);

if (apiKey) start();
else askForKey("");
