// Blockyard's web UI: small enhancements over plain HTML forms, which work without this file.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function setUp() {
  // Workspace switcher: go to the chosen workspace.
  for (const select of document.querySelectorAll("select[data-navigate]")) {
    select.addEventListener("change", () => { window.location.assign(select.value); });
  }
  // Checkboxes and selects that submit their form when changed (to-dos, share access).
  for (const input of document.querySelectorAll("[data-autosubmit]")) {
    input.addEventListener("change", () => { input.form.requestSubmit(); });
  }
  // Dialogs (the Share dialog): native <dialog> keeps focus inside and closes on Escape.
  for (const button of document.querySelectorAll("[data-open-dialog]")) {
    const dialog = document.getElementById(button.dataset.openDialog);
    if (!dialog) continue;
    button.addEventListener("click", () => dialog.showModal());
    dialog.addEventListener("close", () => button.focus());
  }
  for (const dialog of document.querySelectorAll("dialog[data-open-on-load]")) {
    dialog.showModal();
  }
  // Copy buttons for secrets and links shown once.
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".copied");
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = "Copied to the clipboard.";
      } catch (err) {
        if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected text.";
      }
    });
  }
  for (const field of document.querySelectorAll("[data-select-on-focus]")) {
    field.addEventListener("focus", () => field.select());
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // Column widths (width_ratio): set here, as the content security policy refuses inline styles.
  for (const column of document.querySelectorAll(".column[data-ratio]")) {
    column.style.flexGrow = column.dataset.ratio;
  }
  buildTableOfContents();
  fillBreadcrumbBlocks();
  startLiveLog();
}

function fillBreadcrumbBlocks() {
  const trail = document.querySelector(".breadcrumbs ol");
  for (const nav of document.querySelectorAll("[data-breadcrumb]")) {
    if (trail) nav.append(trail.cloneNode(true));
  }
}

function buildTableOfContents() {
  for (const toc of document.querySelectorAll("[data-toc]")) {
    const list = document.createElement("ul");
    for (const heading of document.querySelectorAll(".blocks .heading")) {
      const block = heading.closest(".block");
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#" + block.id;
      link.textContent = heading.textContent;
      item.className = "toc-" + heading.tagName.toLowerCase();
      item.append(link);
      list.append(item);
    }
    toc.append(list);
  }
}

function logCell(row, text, href) {
  const cell = document.createElement("td");
  if (href) {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    cell.append(link);
  } else {
    cell.textContent = text;
  }
  row.append(cell);
}

function startLiveLog() {
  const table = document.getElementById("request-log");
  if (!table || !window.EventSource) return;
  const body = table.tBodies[0];
  const status = document.getElementById("live-status");
  const url = table.dataset.stream + "&after=" + encodeURIComponent(table.dataset.after || "0");
  const source = new EventSource(url);
  source.addEventListener("open", () => { status.textContent = "Live: new requests appear at the top."; });
  source.addEventListener("error", () => { status.textContent = "Reconnecting to the live log…"; });
  source.addEventListener("entry", (event) => {
    const e = JSON.parse(event.data);
    const row = document.createElement("tr");
    row.className = "status-" + Math.floor(e.status / 100) + "xx fresh";
    const time = document.createElement("td");
    const stamp = document.createElement("time");
    stamp.dateTime = e.time;
    stamp.title = e.time;
    stamp.textContent = e.time.slice(11, 23);
    time.append(stamp);
    row.append(time);
    logCell(row, e.method);
    logCell(row, e.path, e.href);
    logCell(row, String(e.status));
    logCell(row, e.duration_ms.toFixed(1) + " ms");
    logCell(row, e.integration || "");
    logCell(row, e.error_code || "");
    body.prepend(row);
    while (body.rows.length > 500) body.deleteRow(body.rows.length - 1);
  });
  window.addEventListener("pagehide", () => source.close());
}

document.addEventListener("DOMContentLoaded", setUp);
