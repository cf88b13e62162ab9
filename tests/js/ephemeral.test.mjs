// The docs/testing.md example for other languages: node's built-in test runner and @notionhq/client
// against `blockyard serve --ephemeral --port 0 --print-config json`, started once for the file.
// Env: BLOCKYARD (the blockyard command; default "blockyard" on PATH).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { Client, APIResponseError } from "@notionhq/client";

let server;
let config;
let notion;

before(async () => {
  server = spawn(process.env.BLOCKYARD || "blockyard", ["serve", "--ephemeral", "--port", "0", "--print-config", "json"],
                 { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await Promise.race([
    new Promise((resolve) => createInterface({ input: server.stdout }).once("line", (l) => resolve([l]))),
    new Promise((_, reject) => server.once("exit", (code) => reject(new Error(`blockyard exited with ${code}`)))),
  ]);
  config = JSON.parse(line); // {base_url, token, root_page_id, workspace_id, integration}
  notion = new Client({ auth: config.token, baseUrl: config.base_url, retry: false, logLevel: "error" });
});

after(() => server?.kill());

const text = (content) => [{ type: "text", text: { content } }];

test("creates and reads a page under the root page", async () => {
  const page = await notion.pages.create({ parent: { page_id: config.root_page_id },
                                           properties: { title: { title: text("From node:test") } } });
  const got = await notion.pages.retrieve({ page_id: page.id });
  assert.equal(got.properties.title.title[0].plain_text, "From node:test");
  assert.equal(got.parent.page_id, config.root_page_id);
});

test("appends and lists blocks", async () => {
  const page = await notion.pages.create({ parent: { page_id: config.root_page_id },
                                           properties: { title: { title: text("Blocks") } } });
  await notion.blocks.children.append({ block_id: page.id, children: [
    { type: "paragraph", paragraph: { rich_text: text("one") } },
    { type: "to_do", to_do: { rich_text: text("two"), checked: true } },
  ] });
  const { results } = await notion.blocks.children.list({ block_id: page.id });
  assert.deepEqual(results.map((b) => b.type), ["paragraph", "to_do"]);
});

test("the integration is a bot of the test workspace", async () => {
  const me = await notion.users.me({});
  assert.equal(me.type, "bot");
  assert.equal(me.bot.workspace_name, "Test Workspace");
});

test("errors are Notion's", async () => {
  await assert.rejects(notion.pages.retrieve({ page_id: "00000000-0000-4000-8000-000000000000" }),
                       (err) => APIResponseError.isAPIResponseError(err) && err.status === 404
                                && err.code === "object_not_found");
});
