/**
 * `assets.*`: the daemon's half of `dusty assets` (test/assets.test.ts), over the asset store
 * (platform/asset-store.ts). Contents travel base64-encoded both ways.
 */
import { assembleSpecs } from "../../../core/assemble.ts";
import { loadSpecs } from "../../../core/load.ts";
import type { Asset, Specs } from "../../../core/specs.ts";
import { renderTable } from "../../../core/table.ts";
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import { listSetAssets, readAsset, removeAsset, writeAsset } from "../../../platform/asset-store.ts";
import { UserError } from "../../../platform/errors.ts";
import { readSpecsFolder } from "../../../platform/specs-folder.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readConfiguredSpecs, readState, specsRepoPath } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";
import { outputJson, outputNames } from "./_read-format.ts";

/** `assets.list`: args `{ name? }`; the assets of one app or lib, or of every active one. */
export const list: Handler<"assets.list"> = {
  async run(ctx, args) {
    const { name, ...format } = args;
    const state = await readState(ctx);
    requireSetup(state.config);
    const { specs } = (await readConfiguredSpecs(state, ctx)).loaded;
    const isSet = new Set(await listSetAssets(ctx.locations));
    const mark = (yes: boolean) => (yes ? "X" : "");
    if (name !== undefined) {
      const spec = Object.hasOwn(specs.apps, name) ? specs.apps[name] : Object.hasOwn(specs.libs, name) ? specs.libs[name] : undefined;
      if (!spec) {
        const known = [...Object.keys(specs.apps), ...Object.keys(specs.libs)];
        throw new UserError(`Cannot list assets: no app or lib named "${name}" in the specs${formatSuggestion(name, known)}`);
      }
      const assets = [...spec.assets].sort(byName);
      if (format.quiet) return outputNames(ctx, assets.map((a) => a.name));
      if (format.json) return outputJson(ctx, { assets: assets.map((a) => ({ name: a.name, set: isSet.has(a.name), required: a.required, path: a.path })) });
      if (spec.assets.length === 0) return output(ctx, `${name} uses no assets`);
      const rows = [...spec.assets].sort(byName).map((a) => [a.name, mark(isSet.has(a.name)), mark(a.required), a.path]);
      return output(ctx, renderTable(["Asset", "Is Set", "Required", "In-Container Path"], rows));
    }
    const used = usersOfAssets(specs, state.config.bundles);
    const sorted = [...used.entries()].sort(([a], [b]) => compare(a, b));
    if (format.quiet) return outputNames(ctx, sorted.map(([asset]) => asset));
    if (format.json) {
      const assets = sorted.map(([asset, { usedBy, requiredBy }]) => ({ name: asset, set: isSet.has(asset), usedBy: usedBy.sort(), requiredBy: requiredBy.sort() }));
      return outputJson(ctx, { assets });
    }
    if (used.size === 0) {
      const why = state.config.bundles.length === 0 ? "no bundles are activated" : "no active app or lib uses assets";
      return output(ctx, `No assets to list: ${why}. See one app's or lib's assets with \`dusty assets list <name>\``);
    }
    const rows = [...used.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([asset, { usedBy, requiredBy }]) => [asset, mark(isSet.has(asset)), usedBy.sort().join(", "), requiredBy.sort().join(", ")]);
    return output(ctx, `Listing assets used by active apps and libs\n${renderTable(["Asset", "Is Set", "Used By", "Required By"], rows)}`);
  },
};

/** `assets.read`: args `{ key }`; outputs the content base64-encoded (the client decodes it). */
export const read: Handler<"assets.read"> = {
  async run(ctx, args) {
    const { key } = args;
    const content = await readAsset(ctx.locations, key);
    if (!content) throw new UserError(`Asset ${key} isn't set`);
    ctx.output(content.toString("base64"));
    return 0;
  },
};

/** `assets.set`: args `{ key, content }` with the content base64-encoded; written atomically, mode 0600. */
export const set: Handler<"assets.set"> = {
  async run(ctx, args) {
    const { key } = args;
    const content = Buffer.from(args.content, "base64");
    await writeAsset(ctx.locations, key, content);
    await warnIfUnused(ctx, key);
    ctx.output(`Set asset ${key} (${content.length} bytes): containers get it when they next start (\`dusty restart\`)`);
    return 0;
  },
};

/** `assets.unset`: args `{ key }`; removes the asset, or says it isn't set. */
export const unset: Handler<"assets.unset"> = {
  async run(ctx, args) {
    const { key } = args;
    if (!(await removeAsset(ctx.locations, key))) return output(ctx, `Asset ${key} isn't set`);
    ctx.output(`Unset asset ${key}`);
    return 0;
  },
};

function usersOfAssets(specs: Specs, bundles: readonly string[]): Map<string, { usedBy: string[]; requiredBy: string[] }> {
  const assembled = assembleSpecs(specs, bundles);
  const used = new Map<string, { usedBy: string[]; requiredBy: string[] }>();
  for (const [owner, spec] of [...Object.entries(assembled.apps), ...Object.entries(assembled.libs)]) {
    for (const asset of spec.assets) {
      const entry = used.get(asset.name) ?? { usedBy: [], requiredBy: [] };
      if (!entry.usedBy.includes(owner)) entry.usedBy.push(owner);
      if (asset.required && !entry.requiredBy.includes(owner)) entry.requiredBy.push(owner);
      used.set(asset.name, entry);
    }
  }
  return used;
}

// A key no spec names is most likely a typo; the asset is still set, since the specs may come later.
async function warnIfUnused(ctx: CommandContext, key: string): Promise<void> {
  let specs: Specs;
  try {
    specs = loadSpecs(await readSpecsFolder(specsRepoPath(await readState(ctx)))).specs;
  } catch {
    return;
  }
  const names = [...Object.values(specs.apps), ...Object.values(specs.libs)].flatMap((spec) => spec.assets.map((a: Asset) => a.name));
  if (!names.includes(key)) ctx.warn(`No app or lib in the specs uses asset ${key}${formatSuggestion(key, names)}`);
}

function output(ctx: CommandContext, text: string): number {
  ctx.output(text);
  return 0;
}

function byName(a: Asset, b: Asset): number {
  return compare(a.name, b.name);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
