// End-to-end, in the client: the compiled binary refuses the bad-spec fixtures (shapes and grammar)
// with exactly their diagnostics, and `compile` writes nothing. A spec with a key of the wrong shape
// used to vanish from the model ("valid: 0 apps"), and a hostile host_name used to reach the hosts
// section and nginx.conf.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./git-fixtures.ts";
import { ROOT, runDusty } from "./harness.ts";

const temp = makeTempDir("dusty-validate-bad-specs-test-");
const noDaemon = { DUSTY_SOCKET_PATH: join(temp.path, "nobody-home.sock") };
afterAll(() => temp.remove());

function writeSpecs(name: string, files: Record<string, string>): string {
  const dir = join(temp.path, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

for (const fixture of ["diag-shapes", "diag-grammar"]) {
  test(`validate and compile --print refuse fixtures/${fixture} with its diagnostics`, async () => {
    const dir = join(ROOT, "fixtures", fixture);
    const expected = readFileSync(join(dir, "expected", "diagnostics.txt"), "utf8");
    const count = expected.trimEnd().split("\n").filter((line) => !line.includes(": warning: ")).length;
    const summary = `Specs at ${dir} have ${count} errors: fix them and run the command again\n`;
    expect(await runDusty(["validate", dir], { env: noDaemon })).toEqual({ code: 1, stdout: "", stderr: expected + summary });
    // compile stops on the errors of the specs its bundles use; the others are warnings that say so.
    const compiled = await runDusty(["compile", "--print", "--specs", dir], { env: noDaemon });
    expect({ code: compiled.code, stdout: compiled.stdout }).toEqual({ code: 1, stdout: "" });
    const lines = compiled.stderr.trimEnd().split("\n");
    expect(lines.pop()).toMatch(new RegExp(`^Specs at ${dir} have \\d+ errors?: fix them and run the command again$`));
    const scopedNote = " (no bundle this command works on uses this spec: only `dusty validate` fails on it)";
    const asValidateSaysIt = lines.map((line) => (line.endsWith(scopedNote) ? line.slice(0, -scopedNote.length).replace(": warning: ", ": ") : line));
    expect(asValidateSaysIt.sort()).toEqual(expected.trimEnd().split("\n").sort());
    expect(lines.some((line) => !line.includes(": warning: "))).toBe(true);
  });
}

test("validate names the key of a list written as a mapping instead of counting 0 apps", async () => {
  const dir = writeSpecs("commands-list", { "apps/web.yml": "image: busybox\ncommands:\n  - serve\n", "bundles/main.yml": "apps: [web]\n" });
  expect(await runDusty(["validate", dir], { env: noDaemon })).toEqual({
    code: 1,
    stdout: "",
    stderr: `apps/web.yml:3:3: commands: expected a mapping, got a list\nSpecs at ${dir} have 1 error: fix them and run the command again\n`,
  });
});

test("compile --print never writes a hostile host_name into the hosts section or nginx.conf", async () => {
  const forward = (name: string) => `  - host_name: ${JSON.stringify(name)}\n    host_port: 80\n    container_port: 80\n`;
  const dir = writeSpecs("hostile-host", {
    "apps/web.yml": `image: busybox\nhost_forwarding:\n${forward("x\n# END section for Dusty\n10.9.9.9 evil")}`,
    "apps/api.yml": `image: busybox\nhost_forwarding:\n${forward("a; } server { listen 81; } #")}`,
    "bundles/main.yml": "apps: [web, api]\n",
  });
  const result = await runDusty(["compile", "--print", "--specs", dir], { env: noDaemon });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toContain('apps/web.yml:3:16: host_forwarding[0].host_name: expected a DNS name or an IPv4 address, got "x\\n# END section for Dusty\\n10.9.9.9 evil"');
  expect(result.stderr).toContain('apps/api.yml:3:16: host_forwarding[0].host_name: expected a DNS name or an IPv4 address, got "a; } server { listen 81; } #"');
});
