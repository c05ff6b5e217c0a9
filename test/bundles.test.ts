// End-to-end: `dusty bundles list | activate | deactivate` against a real daemon set up with a real specs repo.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configBytes, helpOf, readConfigFile, startSetUpDaemon, type SetUpDaemon } from "./_setup-fixture.ts";

let setUp: SetUpDaemon;
const run = (args: string[]) => setUp.daemon.run(args);

beforeAll(async () => {
  setUp = await startSetUpDaemon();
});
afterAll(() => setUp?.stop());

describe("dusty bundles", () => {
  test("bundles list shows every bundle sorted by name, none activated after setup", async () => {
    const result = await run(["bundles", "list"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      [
        "Name     Description                    Activated?",
        "-------  -----------------------------  ----------",
        "backend  The api and its database",
        "ops      Background jobs and the cache",
        "site     The public web site",
        "",
      ].join("\n"),
    );
  });

  test("bundles activate adds to the activated set, stores it sorted, and list marks them", async () => {
    expect(await run(["bundles", "activate", "site", "backend"])).toEqual({ code: 0, stdout: "Activated bundles site, backend\n", stderr: "" });
    expect(readConfigFile(setUp.daemon).bundles).toEqual(["backend", "site"]);
    const list = await run(["bundles", "list"]);
    expect(list.stdout).toContain("backend  The api and its database       X\n");
    expect(list.stdout).toContain("site     The public web site            X\n");
    expect(list.stdout).toContain("ops      Background jobs and the cache\n");
  });

  test("bundles activate --only makes the given bundles the whole activated set", async () => {
    const result = await run(["bundles", "activate", "--only", "ops"]);
    expect(result).toEqual({ code: 0, stdout: "Activated bundles ops\nAll other bundles have been deactivated\n", stderr: "" });
    expect(readConfigFile(setUp.daemon).bundles).toEqual(["ops"]);
  });

  test("bundles activate of an already active bundle keeps one entry", async () => {
    await run(["bundles", "activate", "ops", "site"]);
    expect(readConfigFile(setUp.daemon).bundles).toEqual(["ops", "site"]);
  });

  test("bundles deactivate removes the given bundles", async () => {
    expect(await run(["bundles", "deactivate", "ops"])).toEqual({ code: 0, stdout: "Deactivated bundles ops\n", stderr: "" });
    expect(readConfigFile(setUp.daemon).bundles).toEqual(["site"]);
  });

  test("bundles activate with an unknown name changes nothing and lists the known bundles", async () => {
    const before = configBytes(setUp.daemon);
    const result = await run(["bundles", "activate", "site", "bakend"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Cannot activate bundles: no bundle exists named bakend (did you mean "backend"?). Known bundles: backend, ops, site. Nothing was changed\n',
    });
    expect(configBytes(setUp.daemon)).toBe(before);
  });

  test("bundles deactivate with several unknown names names them all", async () => {
    const result = await run(["bundles", "deactivate", "nope", "site", "nada"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Cannot deactivate bundles: no bundles exist named nope, nada. Known bundles: backend, ops, site. Nothing was changed\n");
    expect(readConfigFile(setUp.daemon).bundles).toEqual(["site"]);
  });

  test("bundles deactivate still removes a bundle that is gone from the specs", async () => {
    const path = join(setUp.daemon.env.DUSTY_CONFIG_DIR!, "config.yml");
    writeFileSync(path, readFileSync(path, "utf8").replace("bundles:\n  - site\n", "bundles:\n  - retired\n  - site\n"));
    expect(readConfigFile(setUp.daemon).bundles).toEqual(["retired", "site"]);
    expect((await run(["bundles", "deactivate", "retired"])).stdout).toBe("Deactivated bundles retired\n");
    expect(readConfigFile(setUp.daemon).bundles).toEqual(["site"]);
  });

  test("bundles activate without names says what is missing and exits 2 (a usage error)", async () => {
    const result = await run(["bundles", "activate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("Missing argument BUNDLE_NAMES for dusty bundles activate: it takes BUNDLE_NAMES (one or more). See `dusty bundles activate --help`\n");
  });

  test("bundles -h and each subcommand's -h describe them", async () => {
    expect(await helpOf(setUp.daemon, ["bundles"])).toMatchInlineSnapshot(`
      "Manage which sets of applications to run (dusty bundles v<version>)

      USAGE dusty bundles list|activate|deactivate

      COMMANDS

              list    List the bundles of your specs and which are activated
          activate    Activate bundles, so that \`dusty up\` runs them        
        deactivate    Deactivate bundles                                    

      Use dusty bundles <command> --help for more information about a command."
    `);
    expect(await helpOf(setUp.daemon, ["bundles", "list"])).toMatchInlineSnapshot(`
      "List the bundles of your specs and which are activated (dusty bundles list)

      USAGE dusty bundles list [OPTIONS] 

      OPTIONS

             --json    Print one JSON object instead of a table (shapes: docs/json.md)
        -q, --quiet    Print only the names, one a line"
    `);
    expect(await helpOf(setUp.daemon, ["bundles", "activate"])).toMatchInlineSnapshot(`
      "Activate bundles, so that \`dusty up\` runs them (dusty bundles activate)

      USAGE dusty bundles activate [OPTIONS] <BUNDLE_NAMES>

      ARGUMENTS

        BUNDLE_NAMES=<names...>    Bundle names (one or more) (Required)

      OPTIONS

        --only    Deactivate every other bundle"
    `);
    expect(await helpOf(setUp.daemon, ["bundles", "deactivate"])).toMatchInlineSnapshot(`
      "Deactivate bundles (dusty bundles deactivate)

      USAGE dusty bundles deactivate [OPTIONS] <BUNDLE_NAMES>

      ARGUMENTS

        BUNDLE_NAMES=<names...>    Bundle names (one or more) (Required)"
    `);
  });
});
