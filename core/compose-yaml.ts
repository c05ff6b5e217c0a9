/**
 * Renders the compose file as YAML. docker-compose 1.x parses with YAML 1.1, where `22:22` is a number
 * (base 60) and `yes`/`on` are booleans, so strings are quoted by the 1.1 rules, not 1.2's.
 */
import { stringify } from "yaml";
import type { ComposeFile } from "./compose.ts";

/** The YAML text: keys sorted at every level, list order kept, 2-space indent, one trailing newline. */
export function renderComposeYaml(file: ComposeFile): string {
  const text = stringify(file, {
    version: "1.1",
    sortMapEntries: true,
    indent: 2,
    // No folding of long commands, and no anchors when a value object appears twice.
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
  return text.replace(/\n*$/, "\n");
}
