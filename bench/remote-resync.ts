/**
 * Resync of a 20,000-file repo to a remote Docker host (the namespace host of test/remote-host.ts), side
 * by side in one run: the ssh driver's `syncIn` (what `up` and `restart --repos` do: rsync over dusty's
 * ControlMaster) against raw `rsync -az --delete -e 'ssh -F <config>'` to another folder of the same host.
 * Both first sync once; then a no-change resync and a one-changed-file resync are timed, interleaved.
 * Target of issue 10: resync <= 1.2x raw rsync.
 *
 *   sudo bun bench/remote-resync.ts          BENCH_RUNS=15 BENCH_FILES=20000
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatRemoteShell } from "../platform/rsync.ts";
import { createSshHost } from "../platform/vm/ssh-host.ts";
import { startRemoteHost } from "../test/remote-host.ts";
import { median, percentile, timeProcess } from "./_timing.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const FILES = Number(process.env.BENCH_FILES ?? 20_000);
const WARMUP = 2;

/** A source tree like an app's: nested folders (3 levels), mostly small files, a few of 1 MiB. */
function makeRepo(root: string, files: number): string {
  let made = 0;
  for (let a = 0; made < files; a++) {
    for (let b = 0; b < 10 && made < files; b++) {
      const dir = join(root, `pkg${a}`, `mod${b}`, "src");
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 20 && made < files; f++, made++) {
        const large = made % 2000 === 0;
        writeFileSync(join(dir, `file${f}.ts`), large ? Buffer.alloc(1 << 20, `blob ${made}\n`) : `export const v${made} = ${made};\n`.repeat(1 + (made % 40)));
      }
    }
  }
  return join(root, "pkg0", "mod0", "src", "file1.ts");
}

function row(label: string, samples: number[]): string {
  return `${label.padEnd(56)} median ${median(samples).toFixed(1).padStart(7)} ms   p95 ${percentile(samples, 95).toFixed(1).padStart(7)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), "dusty-bench-resync-"));
const repo = join(dir, "repo");
const changed = makeRepo(repo, FILES);
const host = await startRemoteHost({ hide: [dir] });
try {
  const driver = createSshHost({ dockerHost: host.dockerHostUrl, sshConfigFile: host.sshConfigFile, remotePersistDir: join(host.remoteRoot, "dusty"), controlDir: join(dir, "ssh") });
  await driver.ensureUp(() => {});
  const dest = join(driver.paths().reposDir, "bench-repo");
  // The options `up`'s repo sync passes (platform/repo-sync.ts).
  const dusty = async () => {
    const start = performance.now();
    await driver.syncIn(repo, dest, { excludeNestedGit: true });
    return performance.now() - start;
  };
  const rawArgv = ["rsync", "-az", "--delete", "-e", `ssh -F ${host.sshConfigFile}`, `${repo}/`, `root@${host.address}:${join(host.remoteRoot, "raw")}/`];
  const raw = () => timeProcess(rawArgv);
  // The floor of dusty's own overhead: the same rsync riding dusty's master (no handshake), to a third folder.
  const floorArgv = ["rsync", "-az", "--delete", "-e", formatRemoteShell(driver.connection.remoteShell()), `${repo}/`, `root@${host.address}:${join(host.remoteRoot, "floor")}/`];
  const floor = () => timeProcess(floorArgv);

  const first = { dusty: await dusty(), raw: await raw(), floor: await floor() };
  const loginsBefore = host.acceptedLogins();
  const measure = async (before?: (i: number) => void) => {
    const samples = { dusty: [] as number[], raw: [] as number[], floor: [] as number[] };
    for (let i = 0; i < WARMUP + RUNS; i++) {
      before?.(i);
      const d = await dusty();
      const r = await raw();
      const f = await floor();
      if (i >= WARMUP) samples.dusty.push(d), samples.raw.push(r), samples.floor.push(f);
    }
    return samples;
  };
  const noChange = await measure();
  const oneFile = await measure((i) => writeFileSync(changed, `export const edited = ${i};\n`));
  const rawLogins = 2 * (WARMUP + RUNS);
  const dustyLogins = host.acceptedLogins() - loginsBefore - rawLogins;

  console.log(`resync of a ${FILES}-file repo to ${host.dockerHostUrl}, ${RUNS} runs each (after ${WARMUP} warm-up), interleaved:`);
  console.log(`first sync: dusty syncIn ${first.dusty.toFixed(0)} ms, raw rsync ${first.raw.toFixed(0)} ms, rsync over the master ${first.floor.toFixed(0)} ms`);
  for (const [what, samples] of [["no change", noChange], ["one changed file", oneFile]] as const) {
    console.log(row(`${what}, dusty syncIn`, samples.dusty));
    console.log(row(`${what}, raw rsync -az --delete -e ssh`, samples.raw));
    console.log(row(`${what}, the same rsync over dusty's master`, samples.floor));
  }
  for (const [what, samples] of [["no change", noChange], ["one changed file", oneFile]] as const) {
    const ratio = (other: number[]) => (median(samples.dusty) / median(other)).toFixed(2);
    console.log(`${what}: dusty / raw rsync ${ratio(samples.raw)}x (target <= 1.2x); dusty / rsync over the master ${ratio(samples.floor)}x (dusty's own overhead)`);
  }
  console.log(`ssh logins during the timed runs: dusty ${dustyLogins} (0: the master carries them), raw ${rawLogins}`);
  await driver.connection.close();
} finally {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
}
