// The gateway simulator's public surface.
export { startSimulator, type Simulator, type SimulatorOptions, type SimRequestLogEntry } from './start-simulator.js';
export { simulatorClient, type SimulatorClient } from './simulator-client.js';
export { CardRegistry, TEST_CARDS, type CardProfile } from './card-registry.js';
export { FaultPlan, FAULT_KINDS, type FaultKind, type FaultSpec } from './fault-plan.js';
export { SimLedger, type SimAuthorization, type SimEffect, type SimLedgerSnapshot, type SimGateway, type SimOperation } from './sim-ledger.js';
