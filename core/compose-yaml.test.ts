import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { renderComposeYaml } from "./compose-yaml.ts";

// Strings YAML 1.1 (docker-compose 1.x's PyYAML) would read as something else, and some it would not.
const TRICKY = ["22:22", "1:20", "190:20:30", "yes", "no", "on", "off", "y", "true", "1", "0755", "0x1f", "1_000", "1e3", ".inf", "~", "null", ""];
const PLAIN = ["80:80", "65000:5000", "127.0.0.1:65000:8000", "daemon off;", "sh /command_files/x.sh"];
const tmp = mkdtempSync(join(tmpdir(), "dusty-compose-yaml-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test("renderComposeYaml() quotes every string YAML 1.1 would read as another type", () => {
  const text = renderComposeYaml({ services: { a: { labels: TRICKY } } });
  for (const value of TRICKY) expect(text).toContain(`- "${value}"\n`);
  expect(parse(text, { version: "1.1" })).toEqual({ services: { a: { labels: TRICKY } } });
});

test("renderComposeYaml() leaves strings plain when YAML 1.1 reads them as strings", () => {
  const text = renderComposeYaml({ services: { a: { ports: PLAIN } } });
  for (const value of PLAIN) expect(text).toContain(`- ${value}\n`);
});

test("renderComposeYaml() sorts keys at every level, keeps list order and indents by two", () => {
  const text = renderComposeYaml({ services: { zed: { b: 1, a: { m: 1, k: 2 } }, alpha: { volumes: ["/z:/z", "/a:/a"] } } });
  expect(text).toBe(
    ["services:", "  alpha:", "    volumes:", "      - /z:/z", "      - /a:/a", "  zed:", "    a:", "      k: 2", "      m: 1", "    b: 1", ""].join("\n"),
  );
});

test("renderComposeYaml() writes a shared object twice instead of an anchor, and ends with one newline", () => {
  const shared = ["/a:/a"];
  const text = renderComposeYaml({ services: { a: { volumes: shared }, b: { volumes: shared } } });
  expect(text).not.toContain("&");
  expect(text).not.toContain("*");
  expect(text.endsWith("\n")).toBe(true);
  expect(text.endsWith("\n\n")).toBe(false);
  expect(renderComposeYaml({ services: {} })).toBe("services: {}\n");
});

test("renderComposeYaml() does not fold long commands", () => {
  const long = `sh -c '${"x".repeat(200)} && ${"y".repeat(200)}'`;
  expect(renderComposeYaml({ services: { a: { command: long } } })).toContain(`command: ${long}\n`);
});

test.skipIf(!Bun.which("docker-compose") || !Bun.which("python3"))("renderComposeYaml() output reads back in docker-compose 1.29 with every string intact", () => {
  const environment = Object.fromEntries(TRICKY.map((value, i) => [`V${i}`, value]));
  const file = join(tmp, "docker-compose.yml");
  writeFileSync(
    file,
    renderComposeYaml({
      services: {
        app: { image: "busybox", command: ["sh", "-c", "daemon off;"], environment, init: true, ports: ["127.0.0.1:65000:8000"] },
      },
    }),
  );
  const result = Bun.spawnSync(["docker-compose", "-f", file, "-p", "dustyyamltest", "config"], { env: { PATH: process.env.PATH ?? "" } });
  expect(result.stderr.toString()).toBe("");
  // Read its output with PyYAML too (docker-compose's own parser): it writes 1e3 plain, a string to PyYAML only.
  const json = Bun.spawnSync(["python3", "-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"], {
    stdin: result.stdout,
  });
  const config = JSON.parse(json.stdout.toString());
  expect(config.services.app.environment).toEqual(environment);
  expect(config.services.app.command).toEqual(["sh", "-c", "daemon off;"]);
  expect(config.services.app.init).toBe(true);
});

// Strings built from the characters that matter to YAML, to check every quoting decision both ways.
function trickyStrings(): string[] {
  const atoms = ["", "-", "--x", "a", "1", "0", "_", ".", ":", ": ", " #", "#", "'", '"', "\\", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "%", "@", "`", "?", "~", "e", "E", "+", "x", "0x", "0o", "0b", " ", "\t", "\n", "é", "yes", "no", "null", "<<", "=", "2024-01-02", "inf", ".inf"];
  const out = new Set<string>();
  for (const a of atoms) for (const b of atoms) for (const c of ["", ":9"]) out.add(a + b + c);
  return [...out];
}

test("renderComposeYaml() writes every tricky string so that YAML 1.1 and 1.2 read it back unchanged", () => {
  const values = trickyStrings();
  const file = { services: { a: { labels: values, environment: Object.fromEntries(values.map((v, i) => [`K${i}${v.replace(/\s/g, "")}`, v])) } } };
  const text = renderComposeYaml(file);
  expect(parse(text, { version: "1.1" })).toEqual(file);
  expect(parse(text, { version: "1.2" })).toEqual(file);
});

test.skipIf(!Bun.which("python3"))("renderComposeYaml() output reads back unchanged in PyYAML, docker-compose 1.x's parser", () => {
  const values = trickyStrings();
  const text = renderComposeYaml({ services: { a: { labels: values } } });
  const result = Bun.spawnSync(["python3", "-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"], { stdin: new TextEncoder().encode(text) });
  if (result.exitCode !== 0 && result.stderr.toString().includes("No module named 'yaml'")) return; // PyYAML comes with docker-compose
  expect(JSON.parse(result.stdout.toString())).toEqual({ services: { a: { labels: values } } });
});

// Strings a hostile spec can put in a `compose` block: controls, line separators, BOM, non-characters,
// lone surrogates, YAML structure, and keys past YAML's 1024-character limit for implicit keys.
const HOSTILE = [
  "a\u0000b", "\u0007bell", "x\u007fy", "x\u0085y", "x\u2028y", "x\u2029y", "\ufeffbom", "mid\ufeffbom", "lone\ud800", "lone\udc00x", "😀",
  "a\r\nb", "\u001b[31mred", "tab\there", "\u00a0nbsp", "end\u00a0", "x\ufffey", "x\uffffy", 'a"b\\c', "x\n  privileged: true", "- a\n- b",
  "}{][", "key: value", "&anchor", "*alias", "!!python/object:os.system", "k".repeat(1500), "é".repeat(1100),
];

function hostileFile(): { services: Record<string, Record<string, unknown>> } {
  const nested = Object.fromEntries(HOSTILE.map((h, i) => [h, i % 2 === 0 ? h : { [h]: [h, { [h]: h }] }]));
  return { services: { a: { labels: HOSTILE, environment: nested, volumes: [nested, [HOSTILE]] }, [HOSTILE[4]!]: { command: HOSTILE } } };
}

test("renderComposeYaml() writes hostile strings as keys, values and items so that the yaml package reads them back equal", () => {
  const file = hostileFile();
  const text = renderComposeYaml(file);
  expect(parse(text, { version: "1.1" })).toEqual(file);
  expect(parse(text, { version: "1.2" })).toEqual(file);
  // Written as UTF-8, as the file on disk is: nothing is lost to U+FFFD.
  expect(parse(new TextDecoder().decode(new TextEncoder().encode(text)))).toEqual(file);
});

test.skipIf(!Bun.which("python3"))("renderComposeYaml() writes hostile strings that PyYAML, docker-compose 1.x's parser, reads back equal", () => {
  const file = hostileFile();
  const text = renderComposeYaml(file);
  const result = Bun.spawnSync(["python3", "-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.buffer)))"], { stdin: new TextEncoder().encode(text) });
  if (result.exitCode !== 0 && result.stderr.toString().includes("No module named 'yaml'")) return; // PyYAML comes with docker-compose
  expect(result.stderr.toString()).toBe("");
  expect(JSON.parse(result.stdout.toString())).toEqual(file);
});
