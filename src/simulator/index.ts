// The gateway simulator's public surface.
export {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
  type SimSnapshot,
  type SimRequestLogEntry,
  type SimRequestHandling,
  type SimLedgerMode,
  type SimIdempotency,
} from './start-simulator.js';
export { simulatorClient, type SimulatorClient } from './simulator-client.js';
export { CardRegistry, TEST_CARDS, type CardProfile } from './card-registry.js';
export { FaultPlan, FAULT_KINDS, ANSWER_FAULT_KINDS, ALL_FAULT_KINDS, type FaultKind, type FaultSpec, type RandomFaults } from './fault-plan.js';
export { DOCUMENTED_SIM_WINDOWS, type SimExpiryWindows, type SimExpiryWindowOverrides } from './expiry-windows.js';
export {
  SimLedger,
  type SimAuthorization,
  type SimAuthorizationSummary,
  type SimEffect,
  type SimLedgerSnapshot,
  type SimGateway,
  type SimOperation,
} from './sim-ledger.js';
