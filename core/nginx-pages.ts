/**
 * What nginx answers when it cannot serve a request: for a host name whose app is down (502) and for a
 * host name dusty does not forward (404). Browsers (an Accept header naming text/html) get an HTML page,
 * every other client one plain line; the `map` in nginx.conf picks by the Accept header.
 */
import type { PortRoute } from "./ports.ts";

/** The same answer for a person with a browser and for curl or a program. */
export interface ErrorPage {
  text: string;
  html: string;
}

/** The page for a host name whose app does not answer: which app, what nginx can tell, and the commands to look. */
export function unavailablePage(route: PortRoute): ErrorPage {
  const { app, hostName, containerPort } = route;
  return {
    text: `dusty: app ${app} is not answering on port ${containerPort}: see \`dusty status\` and \`dusty logs ${app}\`\n`,
    html: htmlPage(`${app} is not answering`, [
      `dusty forwards <b>${escapeHtml(hostName)}</b> to the app <b>${escapeHtml(app)}</b>, port ${containerPort} of its container, but nothing answers there:`,
      "its container is stopped, restarting or still starting, or the app in it has crashed or listens on another port.",
      `See its state with <code>dusty status</code> and its logs with <code>dusty logs ${escapeHtml(app)}</code>;`,
      `start it again with <code>dusty restart ${escapeHtml(app)}</code> or <code>dusty up</code>.`,
    ]),
  };
}

/** The page for a host name no active app forwards on this port. */
export function unknownHostPage(port: number): ErrorPage {
  return {
    text: `dusty: no app is forwarded to this host name on port ${port}\n`,
    html: htmlPage("No app here", [
      `No active app of dusty is forwarded to this host name on port ${port}.`,
      "See the host names of the active apps with <code>dusty status</code>; switch bundles on with <code>dusty bundles activate</code>, then run <code>dusty up</code>.",
    ]),
  };
}

function htmlPage(title: string, sentences: string[]): string {
  return [
    "<!doctype html>",
    "<html><head><meta charset=utf-8><title>dusty: " + escapeHtml(title) + "</title></head>",
    "<body><h1>" + escapeHtml(title) + "</h1>",
    "<p>" + sentences.join("\n") + "</p>",
    "</body></html>",
    "",
  ].join("\n");
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** `text` as one double-quoted nginx string; throws on a `$`, which nginx would read as a variable. */
export function quoteNginxString(text: string): string {
  if (text.includes("$")) throw new Error(`Cannot write nginx.conf: a page text holds "$", which nginx would expand: ${JSON.stringify(text)}`);
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}
