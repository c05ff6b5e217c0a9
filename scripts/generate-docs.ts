/**
 * Writes the completion scripts and the man page from the command definitions, for `make release`
 * (scripts/release.sh puts completions/ and man/ into every tarball) and `make docs` (into dist/):
 *   bun scripts/generate-docs.ts OUT_DIR   → OUT_DIR/completions/{dusty.bash,_dusty,dusty.fish}, OUT_DIR/man/dusty.1
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../cmd/_commands.ts";
import { readCommandTree } from "../cmd/_command-tree.ts";
import { VERSION } from "../cmd/_version.ts";
import { renderCompletion } from "../core/completions.ts";
import { renderManPage } from "../core/man-page.ts";

const out = process.argv[2];
if (!out) {
  console.error("usage: bun scripts/generate-docs.ts OUT_DIR");
  process.exit(2);
}
const tree = await readCommandTree(root);
mkdirSync(join(out, "completions"), { recursive: true });
mkdirSync(join(out, "man"), { recursive: true });
writeFileSync(join(out, "completions", "dusty.bash"), renderCompletion(tree, "bash"));
writeFileSync(join(out, "completions", "_dusty"), renderCompletion(tree, "zsh"));
writeFileSync(join(out, "completions", "dusty.fish"), renderCompletion(tree, "fish"));
// The page's date: SOURCE_DATE_EPOCH when set (reproducible builds), else the last commit's.
const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? Bun.spawnSync(["git", "log", "-1", "--format=%ct"]).stdout.toString().trim());
const date = new Date((Number.isFinite(epoch) ? epoch : 0) * 1000).toISOString().slice(0, 10);
writeFileSync(join(out, "man", "dusty.1"), renderManPage(tree, { version: VERSION, date }));
console.log(`wrote ${out}/completions/{dusty.bash,_dusty,dusty.fish} and ${out}/man/dusty.1`);
