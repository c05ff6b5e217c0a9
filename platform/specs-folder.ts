/**
 * Reads a specs repo from disk: `<kind>/<name>.yml` for each kind, every file once, in sorted order.
 * The original re-read every spec file for each repo lookup; here one read serves the whole command.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { SpecFile } from "../core/load.ts";
import { SPEC_KINDS } from "../core/specs.ts";
import { UserError } from "./errors.ts";

/** Every spec file of the repo at `root`, with paths relative to it. */
export async function readSpecsFolder(root: string): Promise<SpecFile[]> {
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) {
    throw new UserError(`Cannot read specs at "${root}": no such folder. Pass the path of a specs repo (with apps/, libs/, services/, bundles/)`);
  }
  const perKind = await Promise.all(SPEC_KINDS.map((kind) => readKind(root, kind)));
  return perKind.flat();
}

async function readKind(root: string, kind: string): Promise<SpecFile[]> {
  const names = await readdir(join(root, kind)).catch(() => [] as string[]);
  const ymls = names.filter((n) => n.endsWith(".yml")).sort();
  return Promise.all(
    ymls.map(async (name) => ({ path: `${kind}/${name}`, text: await readFile(join(root, kind, name), "utf8") })),
  );
}
