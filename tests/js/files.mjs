// File uploads through @notionhq/client against a live Blockyard (paid plan, so parts of 5 MiB fit).
// Env: BLOCKYARD_URL, BLOCKYARD_TOKEN, BLOCKYARD_ROOT_ID. Prints one JSON object of observations.
import { Client, APIResponseError } from "@notionhq/client";

const notion = new Client({ auth: process.env.BLOCKYARD_TOKEN, baseUrl: process.env.BLOCKYARD_URL, retry: false, logLevel: "error" });
const rootId = process.env.BLOCKYARD_ROOT_ID;
const MIB = 1024 * 1024;

async function errorOf(promise) {
  try {
    await promise;
  } catch (err) {
    return { isAPIResponseError: APIResponseError.isAPIResponseError(err), status: err.status, code: err.code, message: err.message };
  }
  throw new Error("expected an error");
}

const out = {};

// single_part, the file given as a Blob with its type, and as a string (no type: inferred from the name)
const single = await notion.fileUploads.create({ mode: "single_part", filename: "hello.txt", content_type: "text/plain" });
out.created = { status: single.status, hasUploadUrl: typeof single.upload_url === "string" };
const sent = await notion.fileUploads.send({ file_upload_id: single.id, file: { filename: "hello.txt", data: new Blob(["hello js"], { type: "text/plain" }) } });
out.sent = { status: sent.status, length: sent.content_length };
const bare = await notion.fileUploads.create({});
const bareSent = await notion.fileUploads.send({ file_upload_id: bare.id, file: { filename: "notes.md", data: "# hi" } });
out.bare = { status: bareSent.status, type: bareSent.content_type, filename: bareSent.filename };
out.again = await errorOf(notion.fileUploads.send({ file_upload_id: single.id, file: { filename: "hello.txt", data: "x" } }));

// multi_part in two parts, sent last part first
const multi = await notion.fileUploads.create({ mode: "multi_part", filename: "big.bin.txt", number_of_parts: 2 });
await notion.fileUploads.send({ file_upload_id: multi.id, part_number: "2", file: { filename: "big.bin.txt", data: new Blob(["tail"]) } });
const afterOne = await notion.fileUploads.retrieve({ file_upload_id: multi.id });
await notion.fileUploads.send({ file_upload_id: multi.id, part_number: "1", file: { filename: "big.bin.txt", data: new Blob([new Uint8Array(5 * MIB)]) } });
const completed = await notion.fileUploads.complete({ file_upload_id: multi.id });
out.multi = { sentAfterOne: afterOne.number_of_parts.sent, status: completed.status, length: completed.content_length };
out.badPart = await errorOf(notion.fileUploads.send({ file_upload_id: (await notion.fileUploads.create({ mode: "multi_part", filename: "p.txt", number_of_parts: 2 })).id, part_number: "9", file: { filename: "p.txt", data: "x" } }));
out.completeSingle = await errorOf(notion.fileUploads.complete({ file_upload_id: (await notion.fileUploads.create({})).id }));
out.badMode = await errorOf(notion.fileUploads.create({ mode: "resumable" }));

const typed = await notion.fileUploads.create({ filename: "t.txt", content_type: "text/plain" });
out.mismatch = await errorOf(notion.fileUploads.send({ file_upload_id: typed.id, file: { filename: "t.png", data: new Blob(["x"], { type: "image/png" }) } }));
out.noBoundary = await errorOf(notion.request({ path: `file_uploads/${typed.id}/send`, method: "post", body: { file: "x" } }));

// external_url: imported in the background; poll until it settles
const origin = process.env.ORIGIN_URL;
async function settle(id) {
  for (let i = 0; i < 300; i++) {
    const up = await notion.fileUploads.retrieve({ file_upload_id: id });
    if (up.status !== "pending") return up;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("import did not settle");
}
const ext = await notion.fileUploads.create({ mode: "external_url", filename: "ok.txt", external_url: `${origin}/ok.txt` });
const extDone = await settle(ext.id);
out.external = { created: ext.status, status: extDone.status, result: extDone.file_import_result.type, length: extDone.content_length };
const extBad = await settle((await notion.fileUploads.create({ mode: "external_url", filename: "m.txt", external_url: `${origin}/missing` })).id);
out.externalFailed = { status: extBad.status, type: extBad.file_import_result.error.type, code: extBad.file_import_result.error.code };

const listed = await notion.fileUploads.list({ status: "uploaded", page_size: 2 });
out.listed = { object: listed.object, type: listed.type, count: listed.results.length, hasMore: listed.has_more };

// attach and download
const page = await notion.pages.create({
  parent: { page_id: rootId },
  properties: { title: { title: [{ text: { content: "JS files" } }] } },
  children: [{ type: "file", file: { type: "file_upload", file_upload: { id: single.id } } }],
});
const blocks = await notion.blocks.children.list({ block_id: page.id });
const file = blocks.results[0].file;
const download = await fetch(file.file.url);
out.download = { type: file.type, name: file.name, status: download.status, body: await download.text(), contentType: download.headers.get("content-type") };
const attached = await notion.fileUploads.retrieve({ file_upload_id: single.id });
out.attached = { expiry: attached.expiry_time };

const emojis = await notion.customEmojis.list({});
out.emojis = { object: emojis.object, type: emojis.type, count: emojis.results.length };

console.log(JSON.stringify(out));
