// The commands an operator can run for a hold that needs a person — only ones the hold's state
// accepts, so a copied command never meets INVALID_TRANSITION. `resolve` records what the gateway's
// console shows and needs a reason, which the operator writes in place of the placeholder.
import type { AttentionKind } from '../../db/operations.repository.js';
import type { Hold } from '../../machines/hold-types.js';
import { formatAmount } from '../money/money.js';

/** One command to copy, and what it does. */
export interface OperatorCommand {
  command: string;
  meaning: string;
}

/** The placeholder reason in suggested `resolve` commands. */
export const REASON_PLACEHOLDER = 'what the gateway console shows';

/** Why no command is offered for a hold of this kind, when `operatorCommands` returns none. */
export function noCommandNote(kind: AttentionKind, hold: Hold): string {
  if (kind === 'needs_attention' && hold.pending === null) {
    return `No gateway call is recorded, so there is nothing to resolve or retry; read its history with holdfast show ${hold.id}.`;
  }
  return 'Its deadline has passed: nothing more is sent. The sweeper flags it at its next pass; then resolve it.';
}

/** The commands that apply to a hold of this kind at `now`. */
export function operatorCommands(kind: AttentionKind, hold: Hold, now: number): OperatorCommand[] {
  const pending = hold.pending;
  const deadline = pending?.deadline ?? hold.expiresAt;
  // Nothing is sent for a hold waiting on its replacement: that hold's own authorization is retried.
  const canRetry = pending !== null && pending.operation !== 'replace' && deadline !== null && now < deadline;
  const retry: OperatorCommand = { command: `holdfast retry ${hold.id}`, meaning: `send the ${pending?.operation ?? ''} again now, under the same idempotency key` };
  switch (kind) {
    case 'needs_attention': {
      if (pending === null) return [];
      const resolve = (option: string, meaning: string): OperatorCommand => ({
        command: `holdfast resolve ${hold.id} ${option} --reason "${REASON_PLACEHOLDER}"`,
        meaning,
      });
      const commands: OperatorCommand[] = [];
      if (pending.operation !== 'authorize' && pending.operation !== 'replace') {
        commands.push(resolve(`--captured ${formatAmount(pending.amount, hold.currency)}`, `the console shows ${formatAmount(pending.amount, hold.currency)} ${hold.currency} captured (write the amount it shows)`));
      }
      commands.push(resolve('--voided', 'the console shows the authorization voided'));
      commands.push(resolve('--not-captured', 'the console shows nothing captured'));
      if (canRetry) commands.push(retry);
      return commands;
    }
    case 'outcome_open':
      return canRetry ? [retry] : [];
    case 'capture_declined':
      return [
        { command: `holdfast void ${hold.id}`, meaning: "release the customer's funds now (the sweeper would at actBy)" },
        { command: `holdfast capture ${hold.id}`, meaning: 'try the capture again (a new request; the declined one did not happen)' },
      ];
    default: {
      const never: never = kind;
      throw new Error(`unhandled attention kind ${String(never)}`);
    }
  }
}
