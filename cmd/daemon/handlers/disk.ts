/**
 * `disk inspect | cleanup_containers | cleanup_images` (test/containers-disk.test.ts) on the Docker host, plus
 * `backup` and `restore` of the persist dir (in _disk-backup.ts). Cleanups remove nothing forcibly:
 * a container or image docker refuses to remove is reported and kept.
 */
import type { Specs } from "../../../core/specs.ts";
import { renderTable } from "../../../core/table.ts";
import {
  danglingImageIds,
  dockerDiskUsage,
  localImageId,
  removeContainers,
  removeImage,
  usedImageIds,
} from "../../../platform/docker.ts";

import { listProjectContainers } from "../../../platform/project-containers.ts";
import { formatDiskUsage } from "../../../platform/vm/index.ts";
import { composeProject, dockerHostFor } from "./_environment.ts";
import { outputJson } from "./_read-format.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import type { Handler } from "./_types.ts";
import { errorMessage } from "../../../platform/errors.ts";

import { persistRoot } from "./_disk-backup.ts";
import type { SshDockerHost } from "../../../platform/vm/ssh-checks.ts";

export { backup, restore } from "./_disk-backup.ts";

/** Container states `cleanup_containers` removes: stopped for good, not merely paused or restarting. */
const EXITED_STATES = ["exited", "dead"];

/** `disk inspect`: free space where dusty keeps its files, then what Docker's images, containers and volumes take. */
export const inspect: Handler<"disk.inspect"> = {
  async run(ctx, args) {
    const { json } = args;
    const state = await readState(ctx);
    const host = dockerHostFor(state);
    await host.ensureUp(ctx.log);
    const env = await host.dockerEnv();
    const [usage, docker] = await Promise.all([host.diskUsage(), dockerDiskUsage({ env })]);
    if (usage.low) ctx.warn(`Only ${usage.free} free where dusty keeps its files: run \`dusty disk cleanup_containers\` and \`dusty disk cleanup_images\``);
    // On the ssh driver the folder and the disk are the remote host's, and the title says which host.
    const persistDir = host.name === "ssh" ? persistRoot(host, state) : state.locations.persistDir;
    if (json) return outputJson(ctx, { host: host.name, persistDir, disk: usage, docker });
    const title =
      host.name === "native" ? `Disk usage where dusty keeps its files (${persistDir}):`
      : host.name === "ssh" ? `Disk usage on the Docker host ${(host as SshDockerHost).connection.label} where dusty keeps its files (${persistDir}):`
      : "Dusty VM Disk Usage:";
    const rows = docker.map((row) => [row.type, String(row.total), String(row.active), row.size, row.reclaimable]);
    const table = renderTable(["Type", "Total", "Active", "Size", "Reclaimable"], rows);
    ctx.output(`${title}\n${formatDiskUsage(usage)}\n\nDocker Engine disk usage:\n${table}`);
    return 0;
  },
};

/** `disk cleanup_containers`: removes the exited containers of this environment's compose project, and only those. */
export const cleanupContainers: Handler<"disk.cleanup_containers"> = {
  async run(ctx) {
    const state = await readState(ctx);
    const project = composeProject(state);
    const env = await dockerHostFor(state).dockerEnv();
    ctx.log(`Cleaning up exited containers of compose project ${project}:`);
    const exited = (await listProjectContainers(project, env)).filter((c) => EXITED_STATES.includes(c.state));
    let removed = 0;
    for (const container of exited) {
      ctx.output(`Removing container ${container.name}`);
      try {
        await removeContainers([container.id], { volumes: true, env });
        removed++;
      } catch (error) {
        ctx.warn(`Cannot remove container ${container.name}: ${errorMessage(error)}`);
      }
    }
    ctx.output(`Done cleaning ${plural(removed, "container")}`);
    return 0;
  },
};

/** `disk cleanup_images`: removes dangling images, then the images the specs name that no container uses. */
export const cleanupImages: Handler<"disk.cleanup_images"> = {
  async run(ctx) {
    const state = await readState(ctx);
    requireSetup(state.config);
    const { specs } = (await readConfiguredSpecs(state, ctx)).loaded;
    const env = await dockerHostFor(state).dockerEnv();
    ctx.log("Cleaning up docker images without containers:");
    const used = await usedImageIds({ env });
    let removed = 0;
    const tryRemove = async (ref: string, label: string) => {
      const result = await removeImage(ref, { env });
      if (result.exitCode === 0) {
        ctx.output(`Removed image ${label}`);
        removed++;
      } else {
        ctx.log(`Kept image ${label}: ${result.stderr.trim().split("\n").at(-1) || `docker rmi exited with code ${result.exitCode}`}`);
      }
    };
    for (const id of await danglingImageIds({ env })) if (!used.has(id)) await tryRemove(id, shortImageId(id));
    for (const ref of specImageRefs(specs)) {
      const id = await localImageId(ref, { env });
      if (id === undefined) continue; // not on this engine: nothing to clean
      if (used.has(id)) ctx.log(`Kept image ${ref}: a container uses it`);
      else await tryRemove(ref, ref);
    }
    ctx.output(`Done removing ${plural(removed, "image")}`);
    return 0;
  },
};

/**
 * Every image the app and service specs name, as docker names it: ":latest" added where no tag or digest
 * is given, sorted, without duplicates. A registry port ("host:5000/img") is not a tag.
 */
export function specImageRefs(specs: Specs): string[] {
  const images = [...Object.values(specs.apps).map((a) => a.image), ...Object.values(specs.services).map((s) => s.image)];
  const refs = images.filter((image): image is string => typeof image === "string" && image !== "").map(withDefaultTag);
  return [...new Set(refs)].sort();
}

function withDefaultTag(image: string): string {
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  return image.includes("@") || lastSegment.includes(":") ? image : `${image}:latest`;
}


function shortImageId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

