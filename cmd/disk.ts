/**
 * `dusty disk inspect | cleanup_containers | cleanup_images | backup DEST | restore SRC` (test/containers-disk.test.ts). Paths are made absolute here; restore asks first, since it replaces the persist dir.
 */
import { defineCommand } from "citty";
import { resolve } from "node:path";
import { isatty } from "node:tty";
import { JSON_FLAG, readFlags } from "./_args.ts";
import { runClientCommand, writeToTerminal } from "./client/call.ts";
import { refuseInClient } from "./client/exec-docker.ts";

/** True for the answers that let restore go on: "y" or "Y", as in Dusty. */
export function isYes(answer: string | null): boolean {
  return answer !== null && /^y$/i.test(answer.trim());
}

const inspect = defineCommand({
  meta: { name: "inspect", description: "Show free space where dusty keeps its files, and Docker's disk usage" },
  args: { ...JSON_FLAG },
  run: ({ args }) => runClientCommand("disk.inspect", readFlags(args)),
});

const cleanupContainers = defineCommand({
  meta: { name: "cleanup_containers", description: "Remove the exited containers of this environment" },
  run: () => runClientCommand("disk.cleanup_containers"),
});

const cleanupImages = defineCommand({
  meta: { name: "cleanup_images", description: "Remove dangling images and the specs' images no container uses" },
  run: () => runClientCommand("disk.cleanup_images"),
});

const backup = defineCommand({
  meta: { name: "backup", description: "Copy dusty's persist dir to DESTINATION/dusty-backup" },
  args: { destination: { type: "positional", required: true, description: "Folder to put the dusty-backup folder in", valueHint: "destination" } },
  run: ({ args }) => runClientCommand("disk.backup", { destination: resolve(args.destination) }),
});

const restore = defineCommand({
  meta: { name: "restore", description: "Replace dusty's persist dir with a backup (SOURCE/dusty-backup)" },
  args: {
    source: { type: "positional", required: true, description: "Folder holding the dusty-backup folder (or that folder itself)", valueHint: "source" },
    yes: { type: "boolean", alias: "y", description: "Do not ask for confirmation" },
  },
  async run({ args }) {
    const source = resolve(args.source);
    if (args.yes !== true) {
      if (!isatty(0)) {
        return refuseInClient("Refusing to restore without confirmation: stdin is not a terminal. Pass --yes to restore without asking");
      }
      await writeToTerminal("stdout", `Warning: this will overwrite dusty's persist directory with the contents of ${source}\n`);
      if (!isYes(prompt("Continue? (y/n)"))) {
        await writeToTerminal("stdout", "Restore cancelled\n");
        return;
      }
    }
    await runClientCommand("disk.restore", { source });
  },
});

export default defineCommand({
  meta: { name: "disk", description: "Manage and inspect the disk usage of dusty's Docker host" },
  subCommands: {
    inspect,
    cleanup_containers: cleanupContainers,
    cleanup_images: cleanupImages,
    backup,
    restore,
  },
});
