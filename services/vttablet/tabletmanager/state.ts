import { setTimeout as sleep } from "node:timers/promises";
import { TabletType, tabletTypeToJSON } from "../../../libs/proto/topodata.js";
import { updateTabletFields } from "../../../libs/topo/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { TabletManagerContext, TabletManagerHandlers } from "./context.js";

/** Ping, Sleep, ChangeType, ChangeTags, RefreshState, RunHealthCheck, SetReadOnly, SetReadWrite. */
export function stateHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  return {
    ping: async ({ payload }) => ({ payload }),

    sleep: async ({ duration }, { signal }) => {
      await tm.lock.run(
        "Sleep",
        () => sleep(Math.max(0, duration / 1e6), undefined, { signal }).catch(() => undefined),
        signal,
      );
      return {};
    },

    changeType: async ({ tabletType }, { signal }) => {
      if (tabletType === TabletType.UNKNOWN || tabletTypeToJSON(tabletType) === "UNRECOGNIZED") {
        throw new VtError(Code.INVALID_ARGUMENT, `ChangeType: invalid tablet type ${tabletType}`);
      }
      if (tabletType === TabletType.PRIMARY) {
        throw new VtError(
          Code.INVALID_ARGUMENT,
          `ChangeType: tablet ${tm.state.aliasString} cannot be made PRIMARY by a type change; ` +
            "use a reparent (InitShardPrimary, PlannedReparentShard, EmergencyReparentShard)",
        );
      }
      await tm.lock.run("ChangeType", () => tm.state.changeType(tabletType, "read-only"), signal);
      await tm.checkHealthNow();
      return {};
    },

    changeTags: async ({ tags, replace }, { signal }) =>
      tm.lock.run(
        "ChangeTags",
        async () => {
          const info = await updateTabletFields(tm.ts, tm.state.alias, (tablet) => {
            tablet.tags = replace ? { ...tags } : { ...tablet.tags, ...tags };
            for (const [key, value] of Object.entries(tablet.tags)) if (value === "") delete tablet.tags[key];
          });
          tm.state.adoptRecord(info.tablet);
          return { tags: info.tablet.tags };
        },
        signal,
      ),

    refreshState: async (_request, { signal }) => {
      await tm.lock.run("RefreshState", () => tm.refreshFromTopo(), signal);
      return {};
    },

    runHealthCheck: async () => {
      await tm.checkHealthNow();
      return {};
    },

    setReadOnly: async (_request, { signal }) => {
      await tm.lock.run("SetReadOnly", () => tm.mysqld.setReadOnly(true), signal);
      return {};
    },

    setReadWrite: async (_request, { signal }) => {
      await tm.lock.run("SetReadWrite", () => tm.mysqld.setReadOnly(false), signal);
      return {};
    },
  };
}
