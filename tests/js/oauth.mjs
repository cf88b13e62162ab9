// The oauth methods of @notionhq/client against a live Blockyard.
// Env: BLOCKYARD_URL, CLIENT_ID, CLIENT_SECRET, CODE and CODE2 (two authorizations), REDIRECT_URI. Prints one JSON object of observations.
import { Client } from "@notionhq/client";

const notion = new Client({ baseUrl: process.env.BLOCKYARD_URL, retry: false, logLevel: "error" });
const creds = { client_id: process.env.CLIENT_ID, client_secret: process.env.CLIENT_SECRET };

async function errorOf(promise) {
  try {
    await promise;
  } catch (err) {
    return { status: err.status, code: err.code, body: err.body ? JSON.parse(err.body) : null };
  }
  throw new Error("expected an error");
}

const out = {};
const exchange = { ...creds, grant_type: "authorization_code", code: process.env.CODE, redirect_uri: process.env.REDIRECT_URI };
const first = await notion.oauth.token(exchange);
out.token = { keys: Object.keys(first).sort(), tokenType: first.token_type, ownerType: first.owner.type };
const bot = new Client({ auth: first.access_token, baseUrl: process.env.BLOCKYARD_URL, retry: false, logLevel: "error" });
out.me = (await bot.users.me({})).id === first.bot_id;
out.reused = await errorOf(notion.oauth.token(exchange));
out.wrongSecret = await errorOf(notion.oauth.token({ ...exchange, client_secret: "secret_wrong" }));

// A reused code revokes what it was exchanged for.
out.meAfterReuse = (await errorOf(bot.users.me({}))).status;

const other = await notion.oauth.token({ ...exchange, code: process.env.CODE2 });
const second = await notion.oauth.token({ ...creds, grant_type: "refresh_token", refresh_token: other.refresh_token });
out.refreshed = second.access_token !== other.access_token && second.refresh_token !== other.refresh_token;
const seen = await notion.oauth.introspect({ ...creds, token: second.access_token });
out.introspected = { active: seen.active, iat: typeof seen.iat };
out.revoked = Object.keys(await notion.oauth.revoke({ ...creds, token: second.access_token }));
out.afterRevoke = (await notion.oauth.introspect({ ...creds, token: second.access_token })).active;
out.meAfterRevoke = await errorOf(new Client({ auth: second.access_token, baseUrl: process.env.BLOCKYARD_URL, retry: false, logLevel: "error" }).users.me({}));
console.log(JSON.stringify(out));
