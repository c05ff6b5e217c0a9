/**
 * The text files of a release, rendered by core/ and written here for scripts/release.sh:
 *
 *   bun scripts/release-files.ts deb --version V --target linux-x64 --binary FILE [--docs DIR] --out DIR   (a dpkg-deb tree, and DIR.name;
 *     --docs: scripts/generate-docs.ts's folder, whose completions and man page the package installs)
 *   bun scripts/release-files.ts formula --version V --url URL --sums SHA256SUMS --out FILE
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { DEBIAN_BINARY_PATH, DEBIAN_DOC_PATHS, debianArchitecture, debianVersion, renderDebianFiles } from "../core/debian-package.ts";
import { renderHomebrewFormula } from "../core/homebrew-formula.ts";
import { parseSha256Sums, RELEASE_TARGETS, tarballName, type ReleaseTarget } from "../core/release.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    version: { type: "string" },
    target: { type: "string" },
    binary: { type: "string" },
    docs: { type: "string" },
    url: { type: "string" },
    sums: { type: "string" },
    out: { type: "string" },
  },
});
const need = (name: keyof typeof values): string => {
  const value = values[name];
  if (typeof value !== "string") throw new Error(`release-files: --${name} is missing`);
  return value;
};

if (positionals[0] === "deb") writeDebTree();
else if (positionals[0] === "formula") writeFormula();
else throw new Error(`release-files: expected "deb" or "formula", got ${JSON.stringify(positionals[0])}`);

function writeDebTree(): void {
  const [version, target, out] = [need("version"), need("target"), need("out")];
  const architecture = debianArchitecture(target);
  if (!architecture) throw new Error(`release-files: ${target} is not a Linux target`);
  const binary = join(out, DEBIAN_BINARY_PATH);
  mkdirSync(dirname(binary), { recursive: true });
  copyFileSync(need("binary"), binary);
  chmodSync(binary, 0o755);
  let docsKiB = 0;
  if (typeof values.docs === "string") {
    for (const [source, installed] of Object.entries(DEBIAN_DOC_PATHS)) {
      const bytes = readFileSync(join(values.docs, source));
      const path = join(out, installed);
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      // mtime 0 in the gzip header (level 9, no name): the same page gives the same bytes.
      writeFileSync(path, installed.endsWith(".gz") ? gzipSync(bytes, { level: 9 }) : bytes, { mode: 0o644 });
      docsKiB += Math.ceil(statSync(path).size / 1024);
    }
  }
  const installedSizeKiB = Math.ceil(statSync(binary).size / 1024) + 4 + docsKiB;
  for (const file of renderDebianFiles({ version, architecture, installedSizeKiB })) {
    const path = join(out, file.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, file.text);
    chmodSync(path, file.mode);
  }
  writeFileSync(`${out}.name`, `dusty_${debianVersion(version)}_${architecture}.deb`);
}

function writeFormula(): void {
  const version = need("version");
  const sums = parseSha256Sums(readFileSync(need("sums"), "utf8"));
  const sha256 = {} as Record<ReleaseTarget, string>;
  for (const target of RELEASE_TARGETS) {
    const hex = sums.get(tarballName(version, target));
    if (!hex) throw new Error(`release-files: ${need("sums")} has no line for ${tarballName(version, target)}`);
    sha256[target] = hex;
  }
  writeFileSync(need("out"), renderHomebrewFormula({ version, releaseUrl: need("url"), sha256 }));
}
