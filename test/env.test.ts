// End-to-end: `dusty env list | set | unset` against a real daemon set up with a real specs repo.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnvFile } from "../cmd/_env-file.ts";
import { makeTempDir } from "./git-fixtures.ts";
import { configBytes, helpOf, readConfigFile, startSetUpDaemon, type SetUpDaemon } from "./_setup-fixture.ts";

let setUp: SetUpDaemon;
const scratch = makeTempDir("dusty-env-test-");
const run = (args: string[]) => setUp.daemon.run(args);
const overrides = () => readConfigFile(setUp.daemon).dusty_env_overrides;

beforeAll(async () => {
  setUp = await startSetUpDaemon();
  expect((await run(["bundles", "activate", "site", "ops"])).code).toBe(0);
});
afterAll(async () => {
  await setUp?.stop();
  scratch.remove();
});

describe("parseEnvFile()", () => {
  test("parseEnvFile() reads VAR=value lines as Compose does, skipping blanks and comments", () => {
    const text = "# a comment\n\nPLAIN=1\n  SPACED = two words  \nEQUALS=a=b\nexport EXPORTED=yes\nQUOTED=\"q v\"\nSINGLE='s'\nFROM_ENV\r\nEMPTY=\n";
    expect(parseEnvFile(text)).toEqual({
      PLAIN: "1",
      SPACED: "two words",
      EQUALS: "a=b",
      EXPORTED: "yes",
      QUOTED: "q v",
      SINGLE: "s",
      FROM_ENV: null,
      EMPTY: "",
    });
  });

  test("parseEnvFile() lets a later line win and keeps a lone or mismatched quote", () => {
    expect(parseEnvFile("A=1\nA=2\nB=\"x\nC='y\"\n")).toEqual({ A: "2", B: '"x', C: "'y\"" });
  });
});

describe("dusty env", () => {
  test("env set NAME VAR VALUE saves one variable in the config, which stays valid YAML and 0600", async () => {
    expect(await run(["env", "set", "web", "GREETING", "hello world"])).toEqual({
      code: 0,
      stdout: `Successfully saved GREETING=hello world for web: it takes effect at the next \`dusty up\`, which recreates web's container (\`dusty restart\` keeps the old environment)\n`,
      stderr: "",
    });
    expect(overrides()).toEqual({ web: { GREETING: "hello world" } });
  });

  test("env set --file reads the file in the client and merges its variables", async () => {
    const file = join(scratch.path, "web.env");
    writeFileSync(file, "# web settings\nPORT=8000\nexport TOKEN=\"s3cret\"\nFROM_DAEMON_ENV\n");
    expect(await run(["env", "set", "web", "--file", file])).toEqual({
      code: 0,
      stdout: `Successfully saved environment from file ${file} for web: it takes effect at the next \`dusty up\`, which recreates web's container (\`dusty restart\` keeps the old environment)\n`,
      stderr: "",
    });
    expect(overrides()).toEqual({ web: { FROM_DAEMON_ENV: null, GREETING: "hello world", PORT: "8000", TOKEN: "s3cret" } });
  });

  test("env set --file of a missing or unreadable file fails in the client", async () => {
    const missing = join(scratch.path, "missing.env");
    expect(await run(["env", "set", "web", "--file", missing])).toEqual({
      code: 1,
      stdout: "",
      stderr: `Path ${missing} does not exist or is not readable\n`,
    });
    // Root reads any file whatever its mode, so a folder stands in for an unreadable file.
    const folder = scratch.path;
    expect((await run(["env", "set", "web", "--file", folder])).stderr).toBe(`Path ${folder} does not exist or is not readable\n`);
  });

  test("env set of a service works like an app", async () => {
    expect((await run(["env", "set", "cache", "SIZE", "64m"])).stdout).toBe(`Successfully saved SIZE=64m for cache: it takes effect at the next \`dusty up\`, which recreates cache's container (\`dusty restart\` keeps the old environment)\n`);
  });

  test("env set of a name that is no app or service lists the known ones and changes nothing", async () => {
    const before = configBytes(setUp.daemon);
    expect(await run(["env", "set", "wbe", "A", "1"])).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Cannot set environment overrides: no app or service named wbe (did you mean "web"?). Apps and services: api, cache, db, web, worker\n',
    });
    expect(configBytes(setUp.daemon)).toBe(before);
  });

  test("env set needs both a variable and a value, or --file alone", async () => {
    const noValue = await run(["env", "set", "web", "ONLY_NAME"]);
    expect(noValue.code).toBe(1);
    expect(noValue.stderr).toBe("Cannot set environment overrides: give a variable and one value (quote it if it has spaces), or --file FILE\n");
    const both = await run(["env", "set", "web", "A", "1", "--file", join(scratch.path, "web.env")]);
    expect(both).toEqual({ code: 1, stdout: "", stderr: "Cannot set environment overrides: give either VAR VALUE or --file FILE, not both\n" });
  });

  test("env set refuses a variable name with = or whitespace", async () => {
    const file = join(scratch.path, "bad.env");
    writeFileSync(file, "BAD NAME=1\n");
    const result = await run(["env", "set", "web", "--file", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Cannot set environment variable "BAD NAME": a name must not be empty or contain "=" or whitespace\n');
  });

  test("env list NAME shows that app's variables sorted, or says it has none", async () => {
    expect(await run(["env", "list", "web"])).toEqual({
      code: 0,
      stdout: [
        "Variable         Value",
        "---------------  -----------",
        "FROM_DAEMON_ENV",
        "GREETING         hello world",
        "PORT             8000",
        "TOKEN            s3cret",
        "",
      ].join("\n"),
      stderr: "",
    });
    expect((await run(["env", "list", "api"])).stdout).toBe("No environment overrides specified for api\n");
    expect((await run(["env", "list", "nope"])).stderr).toStartWith("Cannot list environment overrides: no app or service named nope.");
  });

  test("env list shows the overrides of activated apps and services, and names the others", async () => {
    await run(["env", "set", "api", "DEBUG", "1"]);
    const result = await run(["env", "list"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "Listing environment overrides for activated apps and services:",
        "App or Service  Variable         Value",
        "--------------  ---------------  -----------",
        "cache           SIZE             64m",
        "web             FROM_DAEMON_ENV",
        "web             GREETING         hello world",
        "web             PORT             8000",
        "web             TOKEN            s3cret",
        "Also set for apps or services not activated: api (see `dusty env list <name>`)",
        "",
      ].join("\n"),
    );
  });

  test("env unset VAR removes one variable, and says so when it is not set", async () => {
    expect((await run(["env", "unset", "web", "PORT"])).stdout).toBe(`Successfully deleted variable PORT from web: it takes effect at the next \`dusty up\`, which recreates web's container (\`dusty restart\` keeps the old environment)\n`);
    expect((overrides() as Record<string, object>).web).not.toHaveProperty("PORT");
    expect(await run(["env", "unset", "web", "PORT"])).toEqual({ code: 0, stdout: "Variable PORT isn't set for web\n", stderr: "" });
  });

  test("env unset --all removes every variable of the app", async () => {
    expect((await run(["env", "unset", "web", "--all"])).stdout).toBe(`Removed all environment overrides for web: it takes effect at the next \`dusty up\`, which recreates web's container (\`dusty restart\` keeps the old environment)\n`);
    expect(overrides()).toEqual({ api: { DEBUG: "1" }, cache: { SIZE: "64m" } });
    expect((await run(["env", "list", "web"])).stdout).toBe("No environment overrides specified for web\n");
  });

  test("env unset needs exactly one of --all and a variable", async () => {
    const neither = await run(["env", "unset", "api"]);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toBe("Cannot unset environment overrides: give either --all or one variable name, as in `dusty env unset <name> <var>`\n");
    expect((await run(["env", "unset", "api", "DEBUG", "--all"])).code).toBe(1);
    expect(overrides()).toEqual({ api: { DEBUG: "1" }, cache: { SIZE: "64m" } });
  });

  test("env list with nothing set anywhere says so", async () => {
    await run(["env", "unset", "api", "--all"]);
    await run(["env", "unset", "cache", "--all"]);
    expect((await run(["env", "list"])).stdout).toBe("No environment overrides specified\n");
  });

  test("env -h and each subcommand's -h describe them", async () => {
    expect(await helpOf(setUp.daemon, ["env"])).toMatchInlineSnapshot(`
      "Set environment variable overrides in containers (dusty env v<version>)

      USAGE dusty env list|set|unset

      COMMANDS

         list    List the overrides of one app or service, or of every activated one    
          set    Set a variable, or every variable of an env file, for an app or service
        unset    Remove one variable, or all of them, from an app or service            

      Use dusty env <command> --help for more information about a command."
    `);
    expect(await helpOf(setUp.daemon, ["env", "list"])).toMatchInlineSnapshot(`
      "List the overrides of one app or service, or of every activated one (dusty env list)

      USAGE dusty env list [OPTIONS] [APP_OR_SERVICE]

      ARGUMENTS

        APP_OR_SERVICE    App or service

      OPTIONS

        --json    Print one JSON object instead of a table (shapes: docs/json.md)"
    `);
    expect(await helpOf(setUp.daemon, ["env", "set"])).toMatchInlineSnapshot(`
      "Set a variable, or every variable of an env file, for an app or service (dusty env set)

      USAGE dusty env set [OPTIONS] <APP_OR_SERVICE> [VAR_NAME] [VALUE]

      ARGUMENTS

        APP_OR_SERVICE    App or service (Required)
              VAR_NAME    Variable to set          
                 VALUE    Its value                

      OPTIONS

        --file=<local_file>    Read VAR=value lines from this file (as Compose reads env_file)"
    `);
    expect(await helpOf(setUp.daemon, ["env", "unset"])).toMatchInlineSnapshot(`
      "Remove one variable, or all of them, from an app or service (dusty env unset)

      USAGE dusty env unset [OPTIONS] <APP_OR_SERVICE> [VAR_NAME]

      ARGUMENTS

        APP_OR_SERVICE    App or service (Required)
              VAR_NAME    Variable to remove       

      OPTIONS

        --all    Remove every variable of the app or service"
    `);
  });
});

