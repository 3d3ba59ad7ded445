// Typed errors with stable codes. Messages say what went wrong and what to do about it.

export { HoldfastError, StorageError } from '../machines/errors.js';
import { HoldfastError } from '../machines/errors.js';

/** Bad input: an amount, currency, date, option or identifier that cannot be used. */
export class ValidationError extends HoldfastError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { usage: true, ...(details ? { details } : {}) });
  }
}

/** An amount that is not a valid, positive quantity of the currency's minor units. */
export class InvalidAmountError extends ValidationError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_AMOUNT', message, details);
  }
}

/** A currency code holdfast does not know (or not written as an upper-case ISO 4217 code). */
export class InvalidCurrencyError extends ValidationError {
  constructor(message: string) {
    super('INVALID_CURRENCY', message);
  }
}

/** No hold has that id. */
export class HoldNotFoundError extends HoldfastError {
  constructor(id: string) {
    super('HOLD_NOT_FOUND', `no hold with id ${JSON.stringify(id)}; list holds with \`holdfast list\``, { details: { holdId: id } });
  }
}

/** No webhook event has that id. */
export class EventNotFoundError extends HoldfastError {
  constructor(id: string) {
    super('EVENT_NOT_FOUND', `no webhook event with id ${JSON.stringify(id)}; list events with \`holdfast events list\``, { details: { eventId: id } });
  }
}

/** The hold's current state does not accept the requested operation. */
export class InvalidTransitionError extends HoldfastError {
  constructor(holdId: string, state: string, operation: string, reason?: string) {
    super(
      'INVALID_TRANSITION',
      `cannot ${operation} hold ${holdId}: it is ${state}${reason ? ` (${reason})` : ''}`,
      { details: { holdId, state, operation } },
    );
  }
}

/** The authorization window has closed; nothing may be sent to the gateway for this hold. */
export class HoldExpiredError extends HoldfastError {
  /** `holdId` null: an authorization that never became a hold (tracked too late). */
  constructor(holdId: string | null, message: string) {
    super('HOLD_EXPIRED', holdId === null ? message : `hold ${holdId}: ${message}`, { details: { holdId } });
  }
}

/** The gateway's capture rules refuse this capture (count or amount limit). */
export class CaptureNotAllowedError extends HoldfastError {
  constructor(code: 'CAPTURE_LIMIT_REACHED' | 'AMOUNT_EXCEEDS_AUTHORIZED', holdId: string, message: string) {
    super(code, `hold ${holdId}: ${message}`, { details: { holdId } });
  }
}

/** Somebody else changed the hold between our read and our write; nothing was sent to the gateway. */
export class ConflictError extends HoldfastError {
  constructor(holdId: string, message = 'the hold changed concurrently; reload it and decide again') {
    super('CONFLICT', `hold ${holdId}: ${message}`, { details: { holdId } });
  }
}

/** An idempotency key was reused with different parameters. */
export class IdempotencyKeyReusedError extends HoldfastError {
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `idempotency key ${JSON.stringify(key)} was already used with different parameters`, { usage: true });
  }
}

/** The gateway refused the operation; its code and message are kept. */
export class GatewayDeclinedError extends HoldfastError {
  constructor(holdId: string, gatewayCode: string, gatewayMessage: string, operation: string) {
    super('GATEWAY_DECLINED', `${operation} declined by the gateway: ${gatewayCode} ${gatewayMessage}`, {
      details: { holdId, gatewayCode, gatewayMessage, operation },
    });
  }
}

/** The gateway call may or may not have taken effect; it will be retried under the same idempotency key. */
export class GatewayUnknownOutcomeError extends HoldfastError {
  constructor(holdId: string, operation: string, reason: string) {
    super(
      'GATEWAY_UNKNOWN_OUTCOME',
      `${operation} of hold ${holdId} has an unknown outcome (${reason}); it stays in flight and is retried under the same idempotency key`,
      { details: { holdId, operation, reason } },
    );
  }
}

/** Nothing reached the gateway; the hold is unchanged and the operation may be tried again. */
export class GatewayUnavailableError extends HoldfastError {
  constructor(holdId: string, operation: string, reason: string) {
    super('GATEWAY_UNAVAILABLE', `${operation} of hold ${holdId} was not sent: ${reason}; try again later`, {
      details: { holdId, operation, reason },
    });
  }
}

/**
 * The gateway refused holdfast's credentials or merchant set-up; nothing happened at the gateway.
 * Fix the configuration (the variables named) and send again: the hold is back where it was, and an
 * authorization is sent again by calling authorize with the same idempotency key.
 */
export class GatewayMisconfiguredError extends HoldfastError {
  constructor(gateway: string, reason: string, context: { holdId: string; operation: string; variables: readonly string[] }) {
    const check = `check the ${gateway} credentials${context.variables.length > 0 ? ` (${context.variables.join(', ')})` : ''}`;
    const again = context.operation === 'authorize'
      ? 'nothing was authorized; once fixed, authorize again (with the same idempotency key, if you gave one)'
      : `the hold is back where it was; once fixed, ${context.operation} it again`;
    super('GATEWAY_MISCONFIGURED', `${context.operation} of hold ${context.holdId} was not sent: ${reason}; ${check} — ${again}`, {
      usage: true,
      details: { gateway, reason, holdId: context.holdId, operation: context.operation },
    });
  }
}

/** holdfast's configuration or environment cannot be used. */
export class ConfigError extends HoldfastError {
  constructor(message: string) {
    super('CONFIG_INVALID', message, { usage: true });
  }
}

/** A listener could not bind its loopback port (in use, or not permitted). */
export class PortUnavailableError extends HoldfastError {
  constructor(host: string, port: number, option: string, reason: 'in use' | 'not permitted') {
    super(
      'PORT_UNAVAILABLE',
      reason === 'in use'
        ? `port ${port} on ${host} is already in use (another holdfast serve or daemon?): choose another with ${option} <port>, or ${option} 0 for any free port`
        : `not permitted to listen on port ${port} on ${host}: choose a port above 1023 with ${option} <port>`,
      { usage: true, details: { host, port } },
    );
  }
}
