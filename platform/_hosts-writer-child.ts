/**
 * Child process of hosts-file-crash.test.ts: updates a hosts file once so the test can SIGKILL it at a
 * random moment. Usage: bun _hosts-writer-child.ts <hosts file> <file holding the new section>
 * Prints "ready" once the new text is planned, just before the writing starts, and "done" after it,
 * so the test can aim its kills at the writing.
 */
import { readFileSync } from "node:fs";
import { planHostsFile } from "../core/hosts.ts";
import { updateHostsFile } from "./hosts-file.ts";

const [hostsPath, sectionPath] = process.argv.slice(2);
if (!hostsPath || !sectionPath) throw new Error("usage: _hosts-writer-child.ts <hosts file> <section file>");
const section = readFileSync(sectionPath, "utf8");
await updateHostsFile(hostsPath, (current) => {
  const planned = planHostsFile(current, section);
  process.stdout.write("ready\n");
  return planned;
});
process.stdout.write("done\n");
