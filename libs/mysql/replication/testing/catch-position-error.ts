import { PositionError } from "../errors.js";

/** Runs fn and returns the PositionError it throws; fails when it throws nothing or something else. */
export function catchPositionError(fn: () => unknown): PositionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PositionError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a PositionError, nothing was thrown");
}
