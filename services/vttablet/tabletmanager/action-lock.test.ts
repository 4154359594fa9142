import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { ActionLock } from "./action-lock.js";

it("runs actions one at a time in arrival order", async () => {
  const lock = new ActionLock();
  const events: string[] = [];
  const action = (name: string, ms: number) =>
    lock.run(name, async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
    });
  await Promise.all([action("a", 20), action("b", 1), action("c", 1)]);
  expect(events).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
});

it("a waiter whose signal aborts gives up with CANCELED without breaking the queue", async () => {
  const lock = new ActionLock();
  const controller = new AbortController();
  const first = lock.run("first", () => sleep(30));
  const second = lock.run("second", async () => "ran", controller.signal);
  const third = lock.run("third", async () => "third ran");
  controller.abort();
  const err = await second.catch((e) => e);
  expect(err).toBeInstanceOf(VtError);
  expect((err as VtError).code).toBe(Code.CANCELED);
  await first;
  expect(await third).toBe("third ran");
});
