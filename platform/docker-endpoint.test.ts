// engineEnv() checks what a client sent before it reaches root's docker and compose: real sockets,
// files and folders in a temp folder, owned by whom the case needs (the tests run as root).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chooseEngine, type EngineChoice } from "../core/docker-engine.ts";
import { makeTempDir } from "../test/git-fixtures.ts";
import { describeEngineChoice, engineEnv } from "./docker-endpoint.ts";

const temp = makeTempDir("dusty-docker-endpoint-");
const USER = { uid: 4242, gid: 4242 };
const OTHER_UID = 4343;
const paths = { mine: join(temp.path, "mine.sock"), others: join(temp.path, "others.sock"), root: join(temp.path, "root.sock"), file: join(temp.path, "file"), link: join(temp.path, "link.sock"), tls: join(temp.path, "tls") };
const listeners: { stop(): void }[] = [];

beforeAll(() => {
  for (const path of [paths.mine, paths.others, paths.root]) listeners.push(Bun.listen({ unix: path, socket: { data() {} } }));
  chownSync(paths.mine, USER.uid, USER.uid);
  chownSync(paths.others, OTHER_UID, OTHER_UID);
  writeFileSync(paths.file, "");
  symlinkSync(paths.mine, paths.link);
  mkdirSync(paths.tls);
  chownSync(paths.tls, OTHER_UID, OTHER_UID);
});
afterAll(() => {
  for (const listener of listeners) listener.stop();
  temp.remove();
});

const fromContext = (host: string, extra: Partial<EngineChoice> = {}): EngineChoice => ({ source: "DOCKER_CONTEXT", context: "colima", host, ...extra });

test("engineEnv() sets DOCKER_HOST and clears the TLS variables for the caller's socket, a link to it, or root's", async () => {
  const env = { DOCKER_HOST: `unix://${paths.mine}`, DOCKER_CERT_PATH: "", DOCKER_TLS_VERIFY: "" };
  expect(await engineEnv(fromContext(`unix://${paths.mine}`), USER)).toEqual(env);
  // Docker Desktop's /var/run/docker.sock is a link to the user's socket.
  expect(await engineEnv(fromContext(`unix://${paths.link}`), USER)).toEqual({ ...env, DOCKER_HOST: `unix://${paths.link}` });
  expect((await engineEnv(fromContext(`unix://${paths.root}`), USER)).DOCKER_HOST).toBe(`unix://${paths.root}`);
});

test("engineEnv() is empty for the daemon's default, and passes tcp:// and ssh:// with their TLS settings", async () => {
  expect(await engineEnv({ source: "default" }, USER)).toEqual({});
  expect(await engineEnv(chooseEngine({ client: { source: "currentContext", context: "default" } }), USER)).toEqual({});
  expect(await engineEnv(fromContext("tcp://10.1.2.3:2376", { certPath: paths.tls, tlsVerify: true }), null)).toEqual({
    DOCKER_HOST: "tcp://10.1.2.3:2376",
    DOCKER_CERT_PATH: paths.tls,
    DOCKER_TLS_VERIFY: "1",
    REQUESTS_CA_BUNDLE: "",
    CURL_CA_BUNDLE: "",
  });
  expect(await engineEnv(fromContext("ssh://al@build-box:2222"), USER)).toEqual({ DOCKER_HOST: "ssh://al@build-box:2222", DOCKER_CERT_PATH: "", DOCKER_TLS_VERIFY: "" });
});

test("engineEnv() refuses a missing socket, a file, another user's socket or TLS folder, each with where it came from and the fix", async () => {
  const refusal = (choice: EngineChoice) => engineEnv(choice, USER).then(() => "accepted", (error: Error) => error.message);
  const prefix = (host: string) => `Cannot use the Docker Engine at "${host}" from your Docker context "colima" (DOCKER_CONTEXT): `;
  const fix = ". Start that engine, or set DOCKER_CONTEXT to a working context (`docker context ls`), or unset it";
  const gone = `unix://${join(temp.path, "gone.sock")}`;
  expect(await refusal(fromContext(gone))).toBe(`${prefix(gone)}no such socket "${join(temp.path, "gone.sock")}" (is the engine running?)${fix}`);
  expect(await refusal(fromContext(`unix://${paths.file}`))).toBe(`${prefix(`unix://${paths.file}`)}"${paths.file}" is not a socket${fix}`);
  expect(await refusal(fromContext(`unix://${paths.others}`))).toBe(`${prefix(`unix://${paths.others}`)}the socket "${paths.others}" belongs to uid ${OTHER_UID}, not to you (uid ${USER.uid}) or root${fix}`);
  expect(await refusal(fromContext("tcp://10.1.2.3:2376", { certPath: paths.tls, tlsVerify: true }))).toBe(
    `${prefix("tcp://10.1.2.3:2376")}the TLS folder "${paths.tls}" belongs to uid ${OTHER_UID}, not to you (uid ${USER.uid}) or root${fix}`,
  );
  expect(await refusal(fromContext("ssh://-oProxyCommand=sh"))).toStartWith(`${prefix("ssh://-oProxyCommand=sh")}expected tcp://HOST[:PORT] or ssh://`);
  expect(await refusal({ source: "currentContext", context: "nosuch", problem: "no such context in /home/al/.docker/contexts" })).toBe(
    'Cannot use your Docker context "nosuch" (`docker context use`): no such context in /home/al/.docker/contexts. Switch to a working context with `docker context use NAME` (`docker context ls` lists them)',
  );
});

test("chooseEngine(): the docker_endpoint pin wins over what the client sent; describeEngineChoice() says where it came from", () => {
  const pinned = chooseEngine({ pinned: `unix://${paths.root}`, client: { source: "DOCKER_HOST", host: "tcp://10.0.0.1:2375" } });
  expect(pinned).toEqual({ host: `unix://${paths.root}`, source: "config" });
  expect(describeEngineChoice(pinned)).toBe(`unix://${paths.root} (from the config key docker_endpoint)`);
  expect(describeEngineChoice(chooseEngine({ client: { source: "DOCKER_HOST", host: "tcp://10.0.0.1:2375" } }))).toBe("tcp://10.0.0.1:2375 (from your DOCKER_HOST)");
  expect(describeEngineChoice({ source: "default" }, {})).toBe("unix:///var/run/docker.sock (from the default socket)");
  expect(describeEngineChoice({ source: "default" }, { DOCKER_HOST: "unix:///run/docker.sock" })).toBe("unix:///run/docker.sock (from the daemon's DOCKER_HOST)");
});

test("engineEnv() refuses a TLS folder of the caller's whose key.pem the caller cannot read (a link to another's key)", async () => {
  const mine = join(temp.path, "my-tls");
  mkdirSync(mine);
  writeFileSync(join(mine, "ca.pem"), "ca", { mode: 0o644 });
  writeFileSync(join(mine, "cert.pem"), "cert", { mode: 0o644 });
  writeFileSync(join(temp.path, "others-key.pem"), "key", { mode: 0o600 });
  chownSync(join(temp.path, "others-key.pem"), OTHER_UID, OTHER_UID);
  symlinkSync(join(temp.path, "others-key.pem"), join(mine, "key.pem"));
  for (const path of [mine, join(mine, "ca.pem"), join(mine, "cert.pem")]) chownSync(path, USER.uid, USER.gid);
  const choice = fromContext("tcp://10.1.2.3:2376", { certPath: mine, tlsVerify: true });
  expect(engineEnv(choice, USER)).rejects.toThrow(
    `Cannot use the Docker Engine at "tcp://10.1.2.3:2376" from your Docker context "colima" (DOCKER_CONTEXT): you (uid ${USER.uid}) cannot read "${join(mine, "key.pem")}", and dusty's docker must not read it for you.`,
  );
  // Root asks for itself: nothing to borrow. The caller's own key, mode 0600, is fine.
  expect((await engineEnv(choice, { uid: 0, gid: 0 })).DOCKER_CERT_PATH).toBe(mine);
  rmSync(join(mine, "key.pem"));
  writeFileSync(join(mine, "key.pem"), "key", { mode: 0o600 });
  chownSync(join(mine, "key.pem"), USER.uid, USER.gid);
  expect(await engineEnv(choice, USER)).toEqual({ DOCKER_HOST: "tcp://10.1.2.3:2376", DOCKER_CERT_PATH: mine, DOCKER_TLS_VERIFY: "1", REQUESTS_CA_BUNDLE: "", CURL_CA_BUNDLE: "" });
});
