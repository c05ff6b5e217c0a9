// Kills a hosts-file writer with SIGKILL at random moments and checks that the file is always either
// the old or the new version, byte for byte, and that whatever a killed writer leaves behind is named
// so the next update removes it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTempName } from "./atomic-write.ts";
import { updateHostsFile } from "./hosts-file.ts";

const TRIALS = 200;
const CONCURRENCY = 4;
const CHILD = join(import.meta.dir, "_hosts-writer-child.ts");
const BUN = process.execPath;
const OLD = "127.0.0.1 localhost\n::1 localhost\n# BEGIN section for Dusty\n127.0.0.1 old.local\n# END section for Dusty\n";

let root: string;
let sectionFile: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "dusty-hosts-crash-"));
  sectionFile = join(root, "section");
  // ~4 MB. Smaller files are written in one go so quickly that a plain truncate-and-write survived
  // this test (measured: at ~1 MB every time, at ~2.7 MB one run in four); at this size it fails
  // within the first ~100 trials. Long lines with two names each keep planHostsFile's time small.
  const label = "x".repeat(60);
  const name = (prefix: string, i: number) => `${prefix}${i}.${label}.${label}.${label}.dusty.test`;
  const lines = Array.from({ length: 10_000 }, (_, i) => `127.0.0.1 ${name("a", i)} ${name("b", i)}\n`);
  writeFileSync(sectionFile, `# BEGIN section for Dusty\n${lines.join("")}# END section for Dusty\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts the child writer on `hosts`; resolves once it has planned the new text and starts writing. */
async function startWriter(hosts: string) {
  const child = Bun.spawn([BUN, CHILD, hosts, sectionFile], { stdout: "pipe", stderr: "pipe" });
  const reader = child.stdout.getReader();
  let seen = "";
  while (!seen.includes("ready\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`writer exited before starting: ${await new Response(child.stderr).text()}`);
    seen += new TextDecoder().decode(value);
  }
  return { child, reader, readyAt: performance.now() };
}

/** Runs one writer to the end and returns how long its writing took, to aim the kills. */
async function measureUpdate(hosts: string): Promise<number> {
  writeFileSync(hosts, OLD);
  const { child, reader, readyAt } = await startWriter(hosts);
  while (!(await reader.read()).done);
  const took = performance.now() - readyAt;
  expect(await child.exited).toBe(0);
  return took;
}

type Outcome = "old" | "new";

async function runTrial(index: number, newText: string, maxDelay: number): Promise<{ outcome: Outcome; leftovers: number }> {
  const dir = join(root, `trial-${index}`);
  mkdirSync(dir);
  const hosts = join(dir, "hosts");
  writeFileSync(hosts, OLD);
  const { child } = await startWriter(hosts);
  // Spread the kills from "before the write starts" to "after it finished".
  await Bun.sleep(Math.random() * maxDelay);
  child.kill("SIGKILL");
  await child.exited;

  const text = readFileSync(hosts, "utf8");
  const outcome: Outcome | undefined = text === OLD ? "old" : text === newText ? "new" : undefined;
  expect(outcome, `trial ${index}: hosts file is neither the old nor the new version`).toBeDefined();
  const strays = readdirSync(dir).filter((name) => name !== "hosts" && name !== "hosts.dusty-backup");
  for (const name of strays) {
    const isOurs = parseTempName(hosts, name) ?? parseTempName(`${hosts}.dusty-backup`, name);
    expect(isOurs, `trial ${index}: unexpected file ${name}`).toBe(child.pid);
  }
  if (readdirSync(dir).includes("hosts.dusty-backup")) expect(readFileSync(`${hosts}.dusty-backup`, "utf8")).toBe(OLD);

  // The next update finishes the job and removes what the killed writer left.
  await updateHostsFile(hosts, () => ({ bytes: Buffer.from(newText) }));
  expect(readFileSync(hosts, "utf8")).toBe(newText);
  expect(readFileSync(`${hosts}.dusty-backup`, "utf8")).toBe(OLD);
  expect(readdirSync(dir).sort()).toEqual(["hosts", "hosts.dusty-backup"]);
  rmSync(dir, { recursive: true });
  return { outcome: outcome!, leftovers: strays.length };
}

test(`updateHostsFile() leaves the old or the new file, never a mix, across ${TRIALS} SIGKILLs`, async () => {
  const probe = join(root, "probe");
  mkdirSync(probe);
  const took = Math.max(await measureUpdate(join(probe, "hosts")), await measureUpdate(join(probe, "hosts")));
  const newText = readFileSync(join(probe, "hosts"), "utf8");
  expect(newText).not.toBe(OLD);

  const counts = { old: 0, new: 0, leftovers: 0 };
  let next = 0;
  const worker = async () => {
    while (next < TRIALS) {
      const result = await runTrial(next++, newText, took * 2);
      counts[result.outcome]++;
      if (result.leftovers > 0) counts.leftovers++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  // Both outcomes must occur, or the kills never straddled the write and the test proved nothing.
  expect(counts.old).toBeGreaterThan(0);
  expect(counts.new).toBeGreaterThan(0);
  expect(counts.old + counts.new).toBe(TRIALS);
  // A kill between creating the temp file and renaming it leaves one behind: the cleanup path ran.
  expect(counts.leftovers, "no kill landed mid-write").toBeGreaterThan(0);
}, 60_000);
