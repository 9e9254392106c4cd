// The web console's only script: asks before dangerous actions, and follows a running run
// (its log lines and progress) until it ends, then shows the final page. It carries no text
// of its own: the page gives it its labels in the console's language (#console-labels).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  const run = document.getElementById("run");
  if (run && run.dataset.status === "running") follow(run);
});

const POLL_MS = 1000;

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// The page's labels (layout.rs): { stages: {key: words}, levels: {key: words}, progress:
// "{stage}: {done} … {total}" }.
function labels() {
  return JSON.parse(document.getElementById("console-labels").textContent);
}

function progressText(labels, progress) {
  const values = { stage: labels.stages[progress.stage] || progress.stage, done: progress.done, total: progress.total };
  return labels.progress.replace(/\{(stage|done|total)\}/g, (_, name) => String(values[name]));
}

function appendLine(body, labels, line) {
  const row = document.createElement("div");
  row.className = `log-line level-${line.level}`;
  const parts = [["time", line.time], ["level", labels.levels[line.level] || line.level], ["message", line.message]];
  for (const [name, text] of parts) {
    const cell = document.createElement("span");
    cell.className = name === "message" ? "message plugin-text" : name;
    cell.textContent = text;
    row.appendChild(cell);
  }
  body.appendChild(row);
}

async function follow(section) {
  const id = section.dataset.run;
  let after = Number(section.dataset.lastSeq || 0);
  const body = document.getElementById("log-lines");
  const progress = document.getElementById("run-progress");
  const words = labels();
  let failures = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    try {
      for (const line of await getJson(`/api/runs/${id}/logs?after=${after}`)) {
        appendLine(body, words, line);
        after = line.seq;
      }
      const run = await getJson(`/api/runs/${id}`);
      if (run.progress) {
        progress.hidden = false;
        progress.textContent = progressText(words, run.progress);
      }
      if (run.status !== "running") {
        window.location.reload();
        return;
      }
      failures = 0;
    } catch (error) {
      // A lost session or a stopped console: the full page says what happened.
      if (++failures >= 5) {
        window.location.reload();
        return;
      }
    }
  }
}
