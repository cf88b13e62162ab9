// @notionhq/client's views, templates, data-source query and meeting-notes methods against a live Blockyard.
// Env: BLOCKYARD_URL, BLOCKYARD_TOKEN, BLOCKYARD_ROOT_ID, NOTION_VERSION, TEMPLATE_DS (a data source with templates).
// Prints one JSON object of observations on stdout.
import { Client } from "@notionhq/client";

const notion = new Client({
  auth: process.env.BLOCKYARD_TOKEN, baseUrl: process.env.BLOCKYARD_URL,
  notionVersion: process.env.NOTION_VERSION, retry: false, logLevel: "error",
});
const rootId = process.env.BLOCKYARD_ROOT_ID;
const text = (content) => [{ type: "text", text: { content } }];

const db = await notion.databases.create({
  parent: { type: "page_id", page_id: rootId }, title: text("From Node"),
  initial_data_source: { properties: { Name: { title: {} }, Hours: { number: {} } } },
});
const dsId = db.data_sources[0].id;
for (const [name, hours] of [["a", 3], ["b", 1], ["c", 2]]) {
  await notion.pages.create({ parent: { data_source_id: dsId }, properties: { Name: { title: text(name) }, Hours: { number: hours } } });
}
const listed = await notion.views.list({ database_id: db.id });
const made = await notion.views.create({
  database_id: db.id, data_source_id: dsId, name: "By hours", type: "board",
  configuration: { type: "board", group_by: { type: "number", property_id: "Hours", sort: { type: "ascending" } } },
  sorts: [{ property: "Hours", direction: "ascending" }],
});
const got = await notion.views.retrieve({ view_id: made.id });
const updated = await notion.views.update({ view_id: made.id, name: "Renamed" });
const query = await notion.views.queries.create({ view_id: made.id, page_size: 2 });
const rest = await notion.views.queries.results({ view_id: made.id, query_id: query.id, start_cursor: query.next_cursor });
const deletedQuery = await notion.views.queries.delete({ view_id: made.id, query_id: query.id });
const deleted = await notion.views.delete({ view_id: made.id });
const rows = await notion.dataSources.query({ data_source_id: dsId });
const templates = await notion.dataSources.listTemplates({ data_source_id: process.env.TEMPLATE_DS });
const notes = await notion.blocks.meetingNotes.query({ limit: 5 });

console.log(JSON.stringify({
  defaultViews: listed.results.length,
  made: { type: got.type, name: got.name, groupBy: got.configuration.group_by.property_name },
  updated: updated.name,
  query: { total: query.total_count, first: query.results.length, rest: rest.results.length, more: rest.has_more },
  deletedQuery: deletedQuery.deleted, deleted: deleted.object,
  rowProperties: rows.results.map((r) => Object.keys(r.properties).sort().join(",")),
  templates: templates.templates.map((t) => [t.name, t.is_default]),
  notes: Array.isArray(notes.results),
}));
