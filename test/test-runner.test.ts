// `dusty test` end to end: a real daemon, real git repos and the real Docker Engine. Suites that pass
// and fail, arguments, a service on localhost, `all`, the errors, and that a run leaves nothing behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { containersOf, startTestRunnerFixture, type TestRunnerFixture } from "./test-runner-fixture.ts";

const APP = "trweb";
const LIB = "trtools";
let fx: TestRunnerFixture;

beforeAll(async () => {
  fx = await startTestRunnerFixture({
    names: [APP, LIB],
    repos: { web: { "version.txt": "web-v1\n" }, tools: { "tool.txt": "tool-v1\n" } },
    specs: (r) => ({
      "bundles/main.yml": `apps: [${APP}]\n`,
      "services/trnginx.yml": "image: dusty-test/nginx:latest\nports: ['127.0.0.1:8080:80']\n",
      [`libs/${LIB}.yml`]: `repo: ${r.tools!.url}\nmount: /tools\ninstall:\n  - cp /tools/tool.txt /installed-tool.txt\n`,
      [`apps/${APP}.yml`]: `image: dusty-example/busybox:latest
repo: ${r.web!.url}
mount: /web
depends: { libs: [${LIB}] }
test:
  image: dusty-example/busybox:latest
  once:
    - echo preparing the image
    - cp /web/version.txt /baked-version.txt
  suites:
    - name: pass
      description: Shows what the image holds
      command: ["cat /baked-version.txt /installed-tool.txt", "pwd"]
    - name: fail
      description: Fails on purpose
      command: ["echo failing on purpose", "exit 3"]
    - name: echo
      description: Prints its arguments
      command: ["printf '<%s>'"]
      default_args: "one 'two words'"
    - name: service
      services: [trnginx]
      compose: { environment: { SUITE_VAR: from-compose } }
      command:
        - echo "SUITE_VAR=$SUITE_VAR"
        - for i in $(seq 1 100); do wget -q -O- http://localhost:80/ && exit 0; sleep 0.1; done; exit 1
`,
    }),
  });
}, 60_000);

afterAll(() => fx?.stop(), 60_000);

describe("dusty test", () => {
  test("test APP lists the suites with their descriptions and default args", async () => {
    const { code, stdout } = await fx.test([APP]);
    expect(code).toBe(0);
    expect(stdout).toContain("Test Suite");
    expect(stdout).toMatch(/pass\s+Shows what the image holds/);
    expect(stdout).toMatch(/echo\s+Prints its arguments\s+one 'two words'/);
  });

  test("an unknown app or suite is an error that lists the known ones", async () => {
    const app = await fx.test(["trwbe", "pass"]);
    expect(app.code).toBe(1);
    expect(app.stderr).toContain(`No app or lib named "trwbe" (did you mean "${APP}"?). Apps: ${APP}. Libs: ${LIB}`);
    const suite = await fx.test(["--no-pull", APP, "nope"]);
    expect(suite.code).toBe(1);
    expect(suite.stderr).toContain(`has no test suite named "nope". Its suites: pass, fail, echo, service (or all)`);
  });

  test("a passing suite runs in the image made by the lib installs and once, in the mount, and exits 0", async () => {
    const { code, stdout, stderr } = await fx.test([APP, "pass"]);
    expect(stderr).toContain("preparing the image");
    expect(stdout).toBe("web-v1\ntool-v1\n/web\nTESTS pass PASSED\n");
    expect(code).toBe(0);
  });

  test("a failing suite's exit code is dusty's, and nothing of the run is left behind", async () => {
    const { code, stdout } = await fx.test(["--no-pull", APP, "fail"]);
    expect(stdout).toBe("failing on purpose\nTESTS fail FAILED\n");
    expect(code).toBe(3);
    expect(await containersOf(APP)).toEqual([]);
  });

  test("args replace default_args, flags after the suite included; without args the defaults apply", async () => {
    const given = await fx.test(["--no-pull", APP, "echo", "x y", "-v", "--recreate", "$HOME"]);
    expect(given.stdout).toContain("<x y><-v><--recreate><$HOME>\nTESTS echo PASSED");
    expect(given.stderr).not.toContain("Recreating");
    const defaults = await fx.test(["--no-pull", APP, "echo"]);
    expect(defaults.stdout).toContain("<one><two words>\nTESTS echo PASSED");
  });

  test("a suite's service is reached on localhost, its published port dropped, and the suite's compose applies", async () => {
    const { code, stdout, stderr } = await fx.test(["--no-pull", APP, "service"]);
    expect(stdout).toContain("SUITE_VAR=from-compose\n");
    expect(stdout).toContain("dusty-test/nginx works.");
    expect(stderr).toContain(`service "trnginx": ignored ports`);
    expect(code).toBe(0);
    expect(await containersOf(APP)).toEqual([]);
  });

  test("all runs every suite in order, prints a summary table and fails when one suite failed", async () => {
    const { code, stdout, stderr } = await fx.test(["--no-pull", APP, "all"]);
    expect(stderr).toMatch(/Running test pass[\s\S]*Running test fail[\s\S]*Running test echo[\s\S]*Running test service/);
    const order = ["TESTS pass PASSED", "TESTS fail FAILED", "TESTS echo PASSED", "TESTS service PASSED"].map((l) => stdout.indexOf(l));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(stdout).toMatch(/Suite\s+Result\s+Time \(s\)\n-+\s+-+\s+-+\npass\s+PASS\s+\d+\.\d\nfail\s+FAIL \(exit code 3\)\s+\d+\.\d\n/);
    expect(stdout.trimEnd().endsWith("TESTS FAILED")).toBe(true);
    expect(code).toBe(1);
    expect(await containersOf(APP)).toEqual([]);
  }, 60_000);
});
