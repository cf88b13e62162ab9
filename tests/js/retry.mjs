// Drives @notionhq/client against a Blockyard with injected failures (see tests/test_faults.py).
// Prints what each call ended with, as JSON, for the test to check.
import { Client, APIResponseError } from "@notionhq/client";

const notion = new Client({
  auth: process.env.BLOCKYARD_TOKEN,
  baseUrl: process.env.BLOCKYARD_URL,
  notionVersion: "2026-03-11",
  // Retry-After is honoured up to maxRetryDelayMs; small delays keep the test quick.
  retry: { maxRetries: 3, initialRetryDelayMs: 10, maxRetryDelayMs: 20 },
  logLevel: "error",
});
const page = process.env.BLOCKYARD_PAGE;
const out = {};

out.me = (await notion.users.me({})).object;
out.children = (await notion.blocks.children.list({ block_id: page })).results.length;
await notion.blocks.children.append({
  block_id: page,
  children: [{ object: "block", type: "paragraph", paragraph: { rich_text: [{ type: "text", text: { content: "js" } }] } }],
});
out.appended = (await notion.blocks.children.list({ block_id: page })).results.length;
try {
  await notion.search({});
  out.search_error = null;
} catch (error) {
  if (!(error instanceof APIResponseError)) throw error;
  out.search_error = { status: error.status, code: error.code };
}
console.log(JSON.stringify(out));
