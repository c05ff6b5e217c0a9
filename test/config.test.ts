// End-to-end: `dusty config list | listvalues | set` against a real daemon set up with a real specs repo.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { ROOT } from "./harness.ts";
import { configBytes, currentUserName, helpOf, readConfigFile, startSetUpDaemon, type SetUpDaemon } from "./_setup-fixture.ts";

let setUp: SetUpDaemon;
const run = (args: string[]) => setUp.daemon.run(args);

beforeAll(async () => {
  setUp = await startSetUpDaemon();
});
afterAll(() => setUp?.stop());

describe("dusty config", () => {
  test("config list shows each user-facing key sorted, with its description and value", async () => {
    await run(["bundles", "activate", "site", "ops"]);
    const result = await run(["config", "list"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Key +Description +Value$/);
    const keys = lines.slice(2).map((line) => line.split(" ")[0]).filter((key) => key !== "");
    expect(keys).toEqual([...keys].sort());
    expect(keys).not.toContain("changeset");
    expect(result.stdout).toMatch(/\nbundles +Bundles activated for `dusty up` +ops, site\n/);
    expect(result.stdout).toMatch(new RegExp(`\\nspecs_repo +Repo holding your specs, managed like other repos +${setUp.specs.path}\\n`));
    expect(result.stdout).toMatch(/\nsetup_has_run +Whether `dusty setup` has run +true\n/);
  });

  test("config listvalues prints the whole config as YAML that parses to the file's content", async () => {
    const result = await run(["config", "listvalues"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toStartWith("#");
    const values = parse(result.stdout);
    expect(values).toEqual(readConfigFile(setUp.daemon));
    expect(values).toMatchObject({ bundles: ["ops", "site"], setup_has_run: true, specs_repo: setUp.specs.path, vm_memory_size: "2048" });
  });

  test("config set changes one string value and keeps the file valid YAML, mode 0600", async () => {
    expect(await run(["config", "set", "nginx_image", "nginx:1.25-alpine"])).toEqual({
      code: 0,
      stdout: "Set nginx_image to nginx:1.25-alpine in your config: it takes effect at the next `dusty up`, which recreates the nginx container\n",
      stderr: "",
    });
    expect(readConfigFile(setUp.daemon).nginx_image).toBe("nginx:1.25-alpine");
    expect((await run(["config", "set", "port_base", "61000"])).code).toBe(0);
    expect(readConfigFile(setUp.daemon).port_base).toBe(61000);
  });

  test("config set mac_username accepts a user of this machine", async () => {
    const user = await currentUserName();
    expect((await run(["config", "set", "mac_username", user])).stdout).toBe(`Set mac_username to ${user} in your config: it takes effect with the next command that runs VM, Docker or Compose commands\n`);
  });

  test("config set mac_username refuses a user this machine does not have", async () => {
    const before = configBytes(setUp.daemon);
    const result = await run(["config", "set", "mac_username", "no-such-user-here"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "No user found named no-such-user-here: mac_username must be a user of this machine (see `getent passwd`)\n",
    });
    expect(configBytes(setUp.daemon)).toBe(before);
  });

  test("config set refuses keys that are not single values, and says which command changes them", async () => {
    const result = await run(["config", "set", "bundles", "site"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Cannot set "bundles" with `dusty config set`: it is not a single value. Change it with `dusty bundles activate / deactivate`\n',
    );
    expect((await run(["config", "set", "setup_has_run", "false"])).stderr).toContain('Cannot set "setup_has_run" with `dusty config set`');
  });

  test("config set refuses unknown keys and invalid values, changing nothing", async () => {
    const before = configBytes(setUp.daemon);
    const unknown = await run(["config", "set", "nginx_imag", "x"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toStartWith('Unknown config key "nginx_imag" (did you mean "nginx_image"?). Known keys: bind_address, ');
    const invalid = await run(["config", "set", "port_base", "80"]);
    expect(invalid).toEqual({ code: 1, stdout: "", stderr: 'Cannot set port_base to "80": expected a whole number from 1024 to 65535, got 80\n' });
    expect(configBytes(setUp.daemon)).toBe(before);
  });

  test("config set specs_repo makes a ./relative folder absolute against the client's folder", async () => {
    const original = setUp.specs.path;
    expect((await run(["config", "set", "specs_repo", "./elsewhere/specs"])).code).toBe(0);
    // The harness runs the client in the repository root.
    expect(readConfigFile(setUp.daemon).specs_repo).toBe(`${ROOT}/elsewhere/specs`);
    expect((await run(["config", "set", "specs_repo", "github.com/org/specs"])).code).toBe(0);
    expect(readConfigFile(setUp.daemon).specs_repo).toBe("github.com/org/specs");
    expect((await run(["config", "set", "specs_repo", original])).code).toBe(0);
  });

  test("config set without a value says what is missing and exits 2 (a usage error)", async () => {
    const result = await run(["config", "set", "nginx_image"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("Missing argument VALUE for dusty config set: it takes KEY VALUE. See `dusty config set --help`\n");
  });

  test("config -h and each subcommand's -h describe them", async () => {
    expect(await helpOf(setUp.daemon, ["config"])).toMatchInlineSnapshot(`
      "Get or set Dusty config variables (dusty config v<version>)

      USAGE dusty config list|listvalues|set

      COMMANDS

              list    List the config keys with their descriptions and values    
        listvalues    Print the whole config as YAML (machine-readable)          
               set    Set one config value (see \`dusty config list\` for the keys)

      Use dusty config <command> --help for more information about a command."
    `);
    expect(await helpOf(setUp.daemon, ["config", "list"])).toMatchInlineSnapshot(`
      "List the config keys with their descriptions and values (dusty config list)

      USAGE dusty config list [OPTIONS] 

      OPTIONS

             --json    Print one JSON object instead of a table (shapes: docs/json.md)
        -q, --quiet    Print only the names, one a line"
    `);
    expect(await helpOf(setUp.daemon, ["config", "listvalues"])).toMatchInlineSnapshot(`
      "Print the whole config as YAML (machine-readable) (dusty config listvalues)

      USAGE dusty config listvalues"
    `);
    expect(await helpOf(setUp.daemon, ["config", "set"])).toMatchInlineSnapshot(`
      "Set one config value (see \`dusty config list\` for the keys) (dusty config set)

      USAGE dusty config set [OPTIONS] <KEY> <VALUE>

      ARGUMENTS

          KEY    Config key (Required)
        VALUE    New value (Required)"
    `);
  });
});
