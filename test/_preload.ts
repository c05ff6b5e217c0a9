// Loaded before every test file (bunfig.toml [test] preload): an afterAll here runs once, after the last
// file, whatever failed. It stops the daemons and hosts a file left running (test/_cleanup.ts).
import { afterAll } from "bun:test";
import { runPendingCleanUps } from "./_cleanup.ts";

afterAll(runPendingCleanUps);
