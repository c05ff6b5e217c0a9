// End-to-end: with the website's container stopped, nginx (in its container, real docker DNS) answers a
// browser with an HTML page naming the app and the command to see its logs, and curl with one line.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startExampleEnvironment({ compose: "docker compose", bundles: ["website"] });
  const up = await env.dusty(["up"]);
  if (up.code !== 0) throw new Error(up.stderr);
}, 120_000);
afterAll(() => env?.cleanup());

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const get = (hostName: string, accept: string) =>
  fetch(`http://127.0.0.1:${env.httpPort}/`, { headers: { Host: hostName, Accept: accept } });

test("a stopped app's host name gets the HTML page in a browser and one plain line elsewhere", async () => {
  expect((await env.fetchPage("local.website.com")).status).toBe(200);
  expect((await env.dusty(["stop", "website"])).code).toBe(0);

  const page = await get("local.website.com", BROWSER);
  expect(page.status).toBe(502);
  expect(page.headers.get("content-type")).toBe("text/html");
  const html = await page.text();
  expect(html).toContain("<title>dusty: website is not answering</title>");
  expect(html).toContain("dusty forwards <b>local.website.com</b> to the app <b>website</b>, port 8000 of its container");
  expect(html).toContain("<code>dusty logs website</code>");

  const line = await get("local.website.com", "*/*");
  expect(line.status).toBe(502);
  expect(line.headers.get("content-type")).toBe("text/plain");
  expect(await line.text()).toBe("dusty: app website is not answering on port 8000: see `dusty status` and `dusty logs website`\n");

  const unknown = await get("nothing.here.com", BROWSER);
  expect(unknown.status).toBe(404);
  expect(await unknown.text()).toContain(`No active app of dusty is forwarded to this host name on port ${env.httpPort}.`);
});
