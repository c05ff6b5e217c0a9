import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { publishFolders, type PublishedFolder } from "./published-folders.ts";
import { syncFolder } from "./rsync.ts";
import { createNativeHost } from "./vm/native.ts";
import type { DockerHost } from "./vm/index.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-published-")));
afterEach(() => temp.remove());

/** Every file under `root`, as sorted relative paths. */
function filesUnder(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

/** A persist folder with a stale command file, a stale nginx file and a repo that must stay. */
function persistWithLeftovers(): string {
  const persist = join(temp.path, "persist");
  for (const [path, text] of Object.entries({ "command_files/old/x.sh": "old", "nginx/old.conf": "old", "repos/app/keep.txt": "keep" })) {
    mkdirSync(join(persist, path, ".."), { recursive: true });
    writeFileSync(join(persist, path), text);
  }
  return persist;
}

const folders = (host: DockerHost): PublishedFolder[] => [
  { hostDir: host.paths().commandFilesDir, files: { "api/start.sh": "echo hi\n" } },
  { hostDir: host.paths().nginxDir, files: { "nginx.conf": "events {}\n" } },
];
const EXPECTED = ["command_files/api/start.sh", "nginx/nginx.conf", "repos/app/keep.txt"];

test("publishFolders() on a host without syncFoldersIn puts exactly each folder's files in place and leaves the rest alone", async () => {
  const persist = persistWithLeftovers();
  const host = createNativeHost({ persistDir: persist });
  await publishFolders(host, join(temp.path, "staging"), folders(host));
  expect(filesUnder(persist)).toEqual(EXPECTED);
});

test("publishFolders() with syncFoldersIn sends folders of one parent in one call that leaves the rest of the parent alone", async () => {
  const persist = persistWithLeftovers();
  const native = createNativeHost({ persistDir: persist });
  const calls: { root: string; hostRoot: string; names: readonly string[] }[] = [];
  // The remote hosts' rsync, run here: the same filters, without the ssh hop.
  const host: DockerHost = {
    ...native,
    syncIn: () => Promise.reject(new Error("syncIn() must not run when the folders go in one sync")),
    syncFoldersIn: async (root, hostRoot, names, options) => {
      calls.push({ root, hostRoot, names });
      await syncFolder(root, hostRoot, { delete: options?.delete, only: names });
    },
  };
  await publishFolders(host, join(temp.path, "staging"), folders(host));
  expect(calls).toEqual([{ root: join(temp.path, "staging", "published"), hostRoot: persist, names: ["command_files", "nginx"] }]);
  expect(filesUnder(persist)).toEqual(EXPECTED);
});
