/**
 * The nginx config (fixtures/<case>/expected/nginx.conf), as ONE whole nginx.conf so any image with an nginx binary can run
 * it. nginx reaches the apps over the compose network by service name, through a variable and docker's
 * embedded DNS, so it starts even when an app is down and answers 502 until the app is back.
 */
import { assertNginxToken, checkHostName } from "./grammar.ts";
import { quoteNginxString, unavailablePage, unknownHostPage, type ErrorPage } from "./nginx-pages.ts";
import type { PortPlan, PortRoute } from "./ports.ts";

/** Options of `compileNginx`. */
export interface NginxOptions {
  /** The DNS server that resolves app names: docker's embedded DNS on a user-defined network. */
  resolver: string;
}

export const DEFAULT_NGINX_OPTIONS: NginxOptions = { resolver: "127.0.0.11" };

const TEMP_PATHS = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];

/** The whole nginx.conf for a port plan; deterministic: ports ascending, then host names. Throws on a value that is not a plain token. */
export function compileNginx(plan: PortPlan, options: NginxOptions = DEFAULT_NGINX_OPTIONS): string {
  assertNginxToken(options.resolver, "the resolver");
  plan.routes.forEach(assertRoute);
  const resolver = `resolver ${options.resolver} valid=10s ipv6=off;`;
  const out = [
    "# Written by dusty from the specs' host_forwarding; `dusty up` rewrites it.",
    // Debian's nginx loads its stream module from here; in other images the glob matches nothing.
    "include /etc/nginx/modules-enabled/*.conf;",
    "worker_processes 1;",
    "error_log stderr;",
    "pid /tmp/nginx.pid;",
    "",
    "events {",
    "}",
    "",
    "http {",
    ...indent([
      // /tmp is writable in every image, whatever the nginx build's compiled-in paths are.
      ...TEMP_PATHS.map((p) => `${p}_temp_path /tmp/nginx_${p};`),
      "access_log /dev/stdout;",
      "client_max_body_size 500M;",
      // The default bucket (32 or 64 bytes) fails `could not build server_names_hash` on a long host
      // name, and then nginx serves nothing; 512 holds the longest DNS name (253 characters).
      "server_names_hash_bucket_size 512;",
      resolver,
      // A browser asks for text/html: it gets the HTML page; curl and programs get one plain line.
      "map $http_accept $dusty_error_page {",
      ...indent(["default @dusty_text;", '"~*text/html" @dusty_html;']),
      "}",
      ...httpServers(uniqueRoutes(plan.routes, "http")),
    ]),
    "}",
  ];
  const streams = uniqueRoutes(plan.routes, "stream");
  if (streams.length > 0) out.push("", "stream {", ...indent([resolver, ...streams.flatMap(streamServer)]), "}");
  return out.join("\n") + "\n";
}

/** The first route per (host name, port) for http, per port for stream, sorted by port then name. */
function uniqueRoutes(routes: readonly PortRoute[], type: PortRoute["type"]): PortRoute[] {
  const seen = new Set<string>();
  const out: PortRoute[] = [];
  for (const route of routes) {
    if (route.type !== type) continue;
    const key = type === "http" ? `${route.hostName} ${route.hostPort}` : `${route.hostPort}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(route);
  }
  return out.sort((a, b) => a.hostPort - b.hostPort || (a.hostName < b.hostName ? -1 : a.hostName > b.hostName ? 1 : 0));
}

function httpServers(routes: readonly PortRoute[]): string[] {
  const out: string[] = [];
  let lastPort: number | undefined;
  for (const route of routes) {
    if (route.hostPort !== lastPort) out.push("", ...defaultServer(route.hostPort));
    lastPort = route.hostPort;
    out.push("", ...httpServer(route));
  }
  return out;
}

/** Answers requests for names dusty does not forward on this port, instead of picking an app at random. */
function defaultServer(port: number): string[] {
  return [
    "server {",
    ...indent([`listen ${port} default_server;`, "location / {", "  return 404;", "}", ...errorPages(404, unknownHostPage(port))]),
    "}",
  ];
}

/** The error_page for `status` and its two named locations; both texts are quoted nginx strings. */
function errorPages(status: number, page: ErrorPage): string[] {
  // 504: the connect timed out (a container stopped a moment ago); the page says the same.
  return [
    `error_page ${status === 502 ? "502 504 =502" : status} $dusty_error_page;`,
    "location @dusty_text {",
    ...indent(["default_type text/plain;", `return ${status} ${quoteNginxString(page.text)};`]),
    "}",
    "location @dusty_html {",
    ...indent(["default_type text/html;", `return ${status} ${quoteNginxString(page.html)};`]),
    "}",
  ];
}

function httpServer(route: PortRoute): string[] {
  const upstream = `${route.app}:${route.containerPort}`;
  return [
    "server {",
    ...indent([
      `listen ${route.hostPort};`,
      `server_name ${route.hostName};`,
      "location / {",
      ...indent([
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        'proxy_set_header Connection "upgrade";',
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header Host $http_host;",
        // On the compose network a connect takes well under a millisecond; the address of a container
        // just stopped stays cached for the resolver's 10 s, and connecting to it hangs until this
        // timeout (60 s by default) instead of failing: the error page then comes after 5 s.
        "proxy_connect_timeout 5s;",
        // A variable makes nginx resolve the name per request: it starts while the app is down.
        `set $dusty_upstream ${upstream};`,
        "proxy_pass http://$dusty_upstream;",
      ]),
      "}",
      ...errorPages(502, unavailablePage(route)),
    ]),
    "}",
  ];
}

function streamServer(route: PortRoute): string[] {
  return [
    "",
    "server {",
    ...indent([`listen ${route.hostPort};`, `set $dusty_upstream ${route.app}:${route.containerPort};`, "proxy_pass $dusty_upstream;"]),
    "}",
  ];
}

// Every value written raw into nginx.conf: validation refuses bad ones first, this refuses what skipped it.
function assertRoute(route: PortRoute): void {
  assertNginxToken(route.hostName, "the host name", checkHostName(route.hostName) === undefined);
  assertNginxToken(route.app, "the app name");
  for (const port of [route.hostPort, route.containerPort]) assertNginxToken(String(port), "the port", Number.isInteger(port) && port >= 1 && port <= 65535);
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => (line === "" ? "" : `  ${line}`));
}
