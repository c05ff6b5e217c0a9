import { expect, test } from "bun:test";
import { parsePsLines, serviceStates } from "./project-containers.ts";

test("parsePsLines() reads docker ps's tab-separated id, name, state, service, compose config hash, image, status and ports", () => {
  const out = "abc\tdusty-web-1\trunning\tweb\t5f3a\tbusybox\tUp 2 minutes\t127.0.0.1:65000->8000/tcp\ndef\tdusty_my_app_1\texited\tmy_app\n\n";
  expect(parsePsLines(out)).toEqual([
    { id: "abc", name: "dusty-web-1", service: "web", state: "running", running: true, composeHash: "5f3a", image: "busybox", status: "Up 2 minutes", ports: "127.0.0.1:65000->8000/tcp" },
    { id: "def", name: "dusty_my_app_1", service: "my_app", state: "exited", running: false, composeHash: "", image: "", status: "", ports: "" },
  ]);
  expect(parsePsLines("")).toEqual([]);
});

test("serviceStates() says running when any container of a service runs, else the first one's state", () => {
  const states = serviceStates(parsePsLines("a\tx\texited\tweb\nb\ty\trunning\tweb\nc\tz\tcreated\tdb\nd\tw\texited\tdb\n"));
  expect(Object.fromEntries(states)).toEqual({ web: "running", db: "created" });
});
