// Smoke test of @notionhq/client against a live Blockyard.
// Env: BLOCKYARD_URL, BLOCKYARD_TOKEN, BLOCKYARD_ROOT_ID, NOTION_VERSION (optional).
// Prints one JSON object of observations on stdout; exits non-zero with the error on failure.
import { Client, APIResponseError, APIErrorCode, isNotionClientError } from "@notionhq/client";

const baseUrl = process.env.BLOCKYARD_URL;
const auth = process.env.BLOCKYARD_TOKEN;
const rootId = process.env.BLOCKYARD_ROOT_ID;
const notionVersion = process.env.NOTION_VERSION || undefined;

const notion = new Client({ auth, baseUrl, notionVersion, retry: false, logLevel: "error" });
const text = (content) => [{ type: "text", text: { content } }];
const paragraph = (content) => ({ object: "block", type: "paragraph", paragraph: { rich_text: text(content) } });
const plain = (richText) => richText.map((t) => t.plain_text).join("");

async function expectError(promise) {
  try {
    await promise;
  } catch (err) {
    return {
      isAPIResponseError: APIResponseError.isAPIResponseError(err),
      isNotionClientError: isNotionClientError(err),
      code: err.code,
      status: err.status,
      message: err.message,
      requestId: err.request_id ?? err.requestId ?? null,
      headerRequestId: err.headers && typeof err.headers.get === "function" ? err.headers.get("x-notion-request-id") : null,
    };
  }
  throw new Error("expected an error");
}

const out = {};
const me = await notion.users.me({});
out.me = { type: me.type, workspaceName: me.bot?.workspace_name ?? null };

const page = await notion.pages.create({
  parent: { page_id: rootId },
  properties: { title: { title: text("From Node") } },
  children: [paragraph("Created with the page")],
});
out.created = { object: page.object, parent: page.parent, title: plain(page.properties.title.title), inTrash: page.in_trash,
                 hasArchived: "archived" in page };

const again = await notion.pages.retrieve({ page_id: page.id });
out.retrieved = { sameId: again.id === page.id, url: again.url };

const updated = await notion.pages.update({ page_id: page.id, properties: { title: { title: text("Renamed in Node") } } });
out.updated = { title: plain(updated.properties.title.title) };

const appended = await notion.blocks.children.append({ block_id: page.id, children: [paragraph("Appended")] });
out.appended = { object: appended.object, count: appended.results.length, type: appended.results[0].type };

const listed = await notion.blocks.children.list({ block_id: page.id, page_size: 10 });
out.listed = { texts: listed.results.map((b) => plain(b.paragraph.rich_text)), hasMore: listed.has_more, nextCursor: listed.next_cursor };

const trashed = await notion.pages.update({ page_id: page.id, in_trash: true });
out.trashed = { inTrash: trashed.in_trash };

out.notFound = await expectError(notion.pages.retrieve({ page_id: "3c4e2f0e-7b7a-4c8e-9d1f-2a6b8c0d4e5f" }));
out.badBody = await expectError(notion.pages.create({ parent: { page_id: rootId }, properties: { title: "nope" } }));
const stranger = new Client({ auth: "ntn_" + "x".repeat(46), baseUrl, notionVersion, retry: false, logLevel: "error" });
out.unauthorized = await expectError(stranger.users.me({}));
out.codes = { objectNotFound: APIErrorCode.ObjectNotFound, unauthorized: APIErrorCode.Unauthorized };

process.stdout.write(JSON.stringify(out));
