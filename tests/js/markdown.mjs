// @notionhq/client's markdown methods against a live Blockyard: pages.create with markdown,
// pages.retrieveMarkdown, pages.updateMarkdown (all four commands), allow_async and asyncTasks.retrieve.
// Env: BLOCKYARD_URL, BLOCKYARD_TOKEN, BLOCKYARD_ROOT_ID. Prints one JSON object of observations.
import { Client, APIResponseError } from "@notionhq/client";

const notion = new Client({
  auth: process.env.BLOCKYARD_TOKEN, baseUrl: process.env.BLOCKYARD_URL, notionVersion: "2026-03-11",
  retry: false, logLevel: "error",
});
const out = {};

const page = await notion.pages.create({
  parent: { page_id: process.env.BLOCKYARD_ROOT_ID },
  markdown: "# Meeting Notes\nDiscussed roadmap priorities.\n## Action items\n- [ ] Draft proposal\n- [ ] Schedule follow-up",
});
out.created = { object: page.object, title: page.properties.title.title.map((t) => t.plain_text).join("") };
const read = await notion.pages.retrieveMarkdown({ page_id: page.id });
out.read = { object: read.object, markdown: read.markdown, truncated: read.truncated, unknown: read.unknown_block_ids };

const updated = await notion.pages.updateMarkdown({
  page_id: page.id, type: "update_content",
  update_content: { content_updates: [{ old_str: "Draft proposal", new_str: "Draft proposal (due Friday)" }] },
});
out.updated = updated.markdown;
const inserted = await notion.pages.updateMarkdown({
  page_id: page.id, type: "insert_content",
  insert_content: { content: "## Latest update\nAdded at the top of the page.", position: { type: "start" } },
});
out.inserted = inserted.markdown.split("\n").slice(0, 2);
const ranged = await notion.pages.updateMarkdown({
  page_id: page.id, type: "replace_content_range",
  replace_content_range: { content: "## Renamed", content_range: "## Latest update" },
});
out.ranged = ranged.markdown.split("\n")[0];
const task = await notion.pages.updateMarkdown({
  page_id: page.id, type: "replace_content", allow_async: true,
  replace_content: { new_str: "# Fresh Start\nThis replaces all previous content." },
});
out.task = { object: task.object, status: task.status, operation: task.operation };
let polled = task;
for (let i = 0; i < 200 && polled.status !== "succeeded" && polled.status !== "failed"; i++) {
  await new Promise((r) => setTimeout(r, 50));
  polled = await notion.asyncTasks.retrieve({ task_id: task.id });
}
out.polled = { status: polled.status, markdown: polled.result && polled.result.markdown, ...(polled.error ? { error: polled.error } : {}) };
try {
  await notion.pages.updateMarkdown({
    page_id: page.id, type: "update_content",
    update_content: { content_updates: [{ old_str: "not there", new_str: "x" }] },
  });
  out.error = null;
} catch (err) {
  out.error = { isAPIResponseError: APIResponseError.isAPIResponseError(err), status: err.status, code: err.code };
}
console.log(JSON.stringify(out));
