// The commands of the README's sh blocks, for the tests that run them as written (test/readme*.test.ts).

/** The commands of a README section's sh blocks: comments dropped, lines holding several split at 2+ spaces. */
export function readmeCommands(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const [, block] of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block!.split("\n")) {
      for (const command of line.replace(/\s+#\s.*$/, "").split(/\s{2,}/)) {
        if (command.trim() !== "") commands.push(command.trim());
      }
    }
  }
  return commands;
}
