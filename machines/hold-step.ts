// One step of the machine for the host: restore the stored state, check the event is accepted, and
// compute the next state and the effects it names — XState's pure transition, without building a
// throwaway actor for every call (the step is on the sweeper's hot path). The machine spawns no
// children and keeps no system state, so one inert actor scope serves every step.
import { type AnyActorScope, createActor } from 'xstate';
import { holdMachine, type HoldContext, type HoldEvent, type HoldState, type PendingOperation } from './hold.machine.js';

/** The state a hold moves to on an event, and the gateway calls that state names. */
export interface HoldStep {
  state: HoldState;
  context: HoldContext;
  effects: PendingOperation[];
}

let scope: (AnyActorScope & { collected: PendingOperation[] }) | null = null;

// XState's own `transition()` builds this scope per call; see createInertActorScope in xstate.
function inertScope(): AnyActorScope & { collected: PendingOperation[] } {
  if (scope) return scope;
  // Never started; its context factory sees no input and returns the machine's placeholder.
  const self = createActor(holdMachine, undefined as never);
  const collected: PendingOperation[] = [];
  scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: { type: string; params?: unknown }) => {
      if (action.type === 'callGateway') collected.push(action.params as PendingOperation);
    },
    collected,
  } as unknown as AnyActorScope & { collected: PendingOperation[] };
  return scope;
}

/** The machine snapshot for a stored state and context. */
export function restoreHold(state: HoldState, context: HoldContext) {
  return holdMachine.resolveState({ value: state, context });
}

/** The step `event` makes from (state, context), or null when the state does not accept it. */
export function stepHold(state: HoldState, context: HoldContext, event: HoldEvent): HoldStep | null {
  const snapshot = restoreHold(state, context);
  if (!snapshot.can(event)) return null;
  const actorScope = inertScope();
  actorScope.collected.length = 0;
  const next = holdMachine.transition(snapshot, event, actorScope);
  return { state: next.value as HoldState, context: next.context, effects: [...actorScope.collected] };
}
