export { createMemoryStore } from "./memory.js";
export {
  defaultStateFile,
  deferStateStore,
  describeSpec,
  openStateStore,
  parseStateSpec,
  SqliteOpenError,
  STATE_ENV,
  type StateSpec,
  StateSpecError,
} from "./open.js";
export {
  type Claim,
  type ClaimResult,
  type Counter,
  type StateStore,
  StoreUnavailableError,
} from "./store.js";
