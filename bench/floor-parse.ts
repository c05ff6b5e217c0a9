// The floor for `dusty compile`: read and YAML-parse every spec file of a repo in one Bun process.
// `bun bench/floor-parse.ts DIR native` uses Bun's own YAML parser (what dusty uses for plain files);
// `… yaml` the yaml package (what dusty uses where it needs positions).
import { parse } from "yaml";
import { readSpecsFolder } from "../platform/specs-folder.ts";

const [dir, parser = "native"] = process.argv.slice(2);
const read = parser === "yaml" ? (text: string) => parse(text) : (text: string) => Bun.YAML.parse(text);
const files = await readSpecsFolder(dir!);
let keys = 0;
for (const f of files) keys += Object.keys((read(f.text) as object | null) ?? {}).length;
if (keys === 0) throw new Error("parsed nothing");
