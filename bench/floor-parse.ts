// The floor for `dusty compile`: read and YAML-parse every spec file of a repo in one Bun process.
import { parse } from "yaml";
import { readSpecsFolder } from "../platform/specs-folder.ts";

const files = await readSpecsFolder(process.argv[2]!);
let keys = 0;
for (const f of files) keys += Object.keys(parse(f.text) ?? {}).length;
if (keys === 0) throw new Error("parsed nothing");
